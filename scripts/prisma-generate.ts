// Generates the Prisma client for each database from its schema (prisma.config.ts picks the
// schema from DATABASE_URL's kind; the URL is not connected to).
import "./env";
import { execFileSync } from "node:child_process";

for (const url of ["file:./prisma/dev.sqlite", "postgresql://localhost/comeback"]) {
  execFileSync("prisma", ["generate"], { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, DATABASE_URL: url } });
}
console.log("generated the SQLite and PostgreSQL Prisma clients");
