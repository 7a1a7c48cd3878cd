// Real databases for tests: a fresh SQLite file or a fresh PostgreSQL database per test project.
import { mkdirSync, rmSync } from "node:fs";
import pg from "pg";

export type TestDatabaseKind = "sqlite" | "postgresql";

const ADMIN_URL = process.env.TEST_POSTGRES_URL || "postgres://postgres@127.0.0.1:5432/postgres";

export async function freshDatabase(kind: TestDatabaseKind, name: string): Promise<string> {
  if (kind === "sqlite") {
    mkdirSync("test-results", { recursive: true });
    const file = `test-results/${name}.sqlite`;
    for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(file + suffix, { force: true });
    return `file:./${file}`;
  }
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}
