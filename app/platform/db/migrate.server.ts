// Applies the SQL migrations in prisma/migrations (SQLite) or prisma/postgresql/migrations.
//
// Prisma's own `migrate deploy` needs a native schema engine for PostgreSQL, which cannot be
// downloaded everywhere this app runs, so the app applies its migrations itself. It records them
// in Prisma's `_prisma_migrations` table with Prisma's checksums, so `prisma migrate deploy` and
// `prisma migrate status` see the same history wherever the engines are available.
// See docs/decisions/0002-two-databases.md.
import { createHash, randomUUID } from "node:crypto";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { databaseKind, sqliteFilePath } from "./url";

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export function migrationsDir(url: string): string {
  const root = resolve(process.cwd(), "prisma");
  return databaseKind(url) === "postgresql" ? join(root, "postgresql", "migrations") : join(root, "migrations");
}

export function readMigrations(dir: string): Migration[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

/** Applies pending migrations; returns the names applied. Safe to run from several instances at once. */
export async function migrate(url: string): Promise<string[]> {
  const migrations = readMigrations(migrationsDir(url));
  return databaseKind(url) === "postgresql" ? migratePostgres(url, migrations) : migrateSqlite(url, migrations);
}

async function migrateSqlite(url: string, migrations: Migration[]): Promise<string[]> {
  const { default: Database } = await import("better-sqlite3");
  const db = new Database(sqliteFilePath(url));
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("busy_timeout = 5000");
    db.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" TEXT PRIMARY KEY NOT NULL, "checksum" TEXT NOT NULL, "finished_at" DATETIME,
      "migration_name" TEXT NOT NULL, "logs" TEXT, "rolled_back_at" DATETIME,
      "started_at" DATETIME NOT NULL DEFAULT current_timestamp, "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0)`);
    const applied: string[] = [];
    const apply = db.transaction((migration: Migration) => {
      const done = db
        .prepare(
          `SELECT checksum FROM "_prisma_migrations" WHERE migration_name = ? AND finished_at IS NOT NULL AND rolled_back_at IS NULL`,
        )
        .get(migration.name) as { checksum: string } | undefined;
      if (done) return assertSameChecksum(migration, done.checksum);
      db.exec(migration.sql);
      db.prepare(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
         VALUES (?, ?, ?, current_timestamp, current_timestamp, 1)`,
      ).run(randomUUID(), migration.checksum, migration.name);
      applied.push(migration.name);
    });
    for (const migration of migrations) apply.immediate(migration);
    return applied;
  } finally {
    db.close();
  }
}

async function migratePostgres(url: string, migrations: Migration[]): Promise<string[]> {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // One instance migrates at a time; the others wait and then find nothing to do.
    await client.query("SELECT pg_advisory_lock(7281930)");
    await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`);
    const applied: string[] = [];
    for (const migration of migrations) {
      const done = await client.query(
        `SELECT checksum FROM "_prisma_migrations" WHERE migration_name = $1 AND finished_at IS NOT NULL AND rolled_back_at IS NULL`,
        [migration.name],
      );
      if (done.rowCount) {
        assertSameChecksum(migration, done.rows[0].checksum);
        continue;
      }
      await client.query("BEGIN");
      try {
        await client.query(migration.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
           VALUES ($1, $2, $3, now(), now(), 1)`,
          [randomUUID(), migration.checksum, migration.name],
        );
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw new Error(`migration ${migration.name} failed: ${(error as Error).message}`);
      }
      applied.push(migration.name);
    }
    return applied;
  } finally {
    await client.query("SELECT pg_advisory_unlock(7281930)").catch(() => {});
    await client.end();
  }
}

function assertSameChecksum(migration: Migration, recorded: string) {
  if (recorded !== migration.checksum) {
    throw new Error(`migration ${migration.name} was edited after it was applied (checksum differs)`);
  }
}
