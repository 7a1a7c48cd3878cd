// Real databases for tests: a fresh SQLite file or a fresh PostgreSQL database per test project.
import { createHash } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import pg from "pg";

export type TestDatabaseKind = "sqlite" | "postgresql";

const ADMIN_URL = process.env.TEST_POSTGRES_URL || "postgres://postgres@127.0.0.1:5432/postgres";

/**
 * PostgreSQL is one server for every checkout on the machine: a database name carries a short hash
 * of the checkout's folder, so two checkouts (git worktrees) can run their tests at the same time.
 */
const CHECKOUT = createHash("sha256").update(process.cwd()).digest("hex").slice(0, 6);

export async function freshDatabase(kind: TestDatabaseKind, baseName: string): Promise<string> {
  const name = kind === "sqlite" ? baseName : `${baseName}_${CHECKOUT}`;
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
