// npm run db:migrate — applies pending migrations to DATABASE_URL (SQLite file by default).
import "./env";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { migrate } from "../app/platform/db/migrate.server";
import { DEFAULT_DATABASE_URL, databaseKind, sqliteFilePath } from "../app/platform/db/url";

const url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
if (databaseKind(url) === "sqlite") mkdirSync(dirname(sqliteFilePath(url)), { recursive: true });
const applied = await migrate(url);
console.log(applied.length ? `applied ${applied.join(", ")}` : "database is up to date");
