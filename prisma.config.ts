// Prisma CLI configuration. The CLI runs on the JS query compiler with driver adapters, so no
// native engine has to be downloaded. DATABASE_URL picks the database: a `file:` URL is SQLite
// (the embedded default), a `postgres://` URL is PostgreSQL. Prisma does not read .env when this
// file exists, so scripts/env.ts loads it.
import "./scripts/env";
import path from "node:path";
import { defineConfig } from "prisma/config";
import { databaseKind, sqliteFilePath } from "./app/platform/db/url";

const url = process.env.DATABASE_URL ?? "file:./prisma/dev.sqlite";
const kind = databaseKind(url);

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: kind === "postgresql" ? path.join("prisma", "postgresql", "schema.prisma") : path.join("prisma", "schema.prisma"),
  async adapter() {
    if (kind === "postgresql") {
      const { PrismaPg } = await import("@prisma/adapter-pg");
      return new PrismaPg({ connectionString: url });
    }
    const { PrismaBetterSQLite3 } = await import("@prisma/adapter-better-sqlite3");
    return new PrismaBetterSQLite3({ url: sqliteFilePath(url) });
  },
});
