// The one database client of the app. DATABASE_URL chooses SQLite (file:, the embedded default)
// or PostgreSQL (postgres://); both clients come from the same data model (prisma/schema.prisma),
// so the app is written against one type; where raw SQL differs, it asks the dialect
// (app/platform/sql/dialect.server.ts).
import { createRequire } from "node:module";
import type { PrismaClient } from "@prisma/client";
import type { Pool } from "pg";
import type Sqlite from "better-sqlite3";
import { databaseKind, sqliteFilePath } from "./url";
import { env } from "../env.server";
import { log } from "../log.server";

export type { PrismaClient };
export type Db = PrismaClient;
/** The client handed to `$transaction(async (tx) => ...)` callbacks. */
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

const require = createRequire(import.meta.url);

export function databaseUrl(): string {
  return env.DATABASE_URL;
}

const pools = new WeakMap<PrismaClient, Pool>();

/**
 * The pg pool under a PostgreSQL client (null on SQLite): for the one hot path that gains from
 * skipping Prisma (webhook deliveries, one function call each). Same connections, same limit.
 */
export function pgPoolOf(client: PrismaClient): Pool | null {
  return pools.get(client) ?? null;
}

/**
 * Prisma's defaults (2 s to get a connection, 5 s to finish) fail transactions with a 500 whenever
 * the pool is busy for a moment, as it is while imports and a burst of webhooks share it: wait for a
 * connection longer and let a transaction take up to 30 s before it is called stuck.
 */
const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 30_000 };

export function createDb(url = databaseUrl()): PrismaClient {
  if (databaseKind(url) === "postgresql") {
    const { PrismaPg } = require("@prisma/adapter-pg") as typeof import("@prisma/adapter-pg");
    const { Pool: PgPool } = require("pg") as typeof import("pg");
    const { PrismaClient: PgClient } = require(".prisma-comeback/postgresql/index.js");
    const pool = new PgPool({ connectionString: url, max: env.DATABASE_POOL_SIZE });
    // Before Prisma's first query nothing else listens: an idle connection the server closed must not
    // crash the process (the pool drops it and opens another).
    pool.on("error", (error) => log.warn("idle PostgreSQL connection failed", { error: error.message }));
    const client = new PgClient({
      adapter: new PrismaPg(pool, { disposeExternalPool: true }),
      transactionOptions: TRANSACTION_OPTIONS,
    }) as PrismaClient;
    pools.set(client, pool);
    return client;
  }
  const { PrismaBetterSQLite3 } = require("@prisma/adapter-better-sqlite3") as typeof import("@prisma/adapter-better-sqlite3");
  const { PrismaClient: SqliteClient } = require("@prisma/client");
  // WAL lets readers (admin pages) proceed while a webhook writes; busy_timeout waits for the lock.
  const adapter = new PrismaBetterSQLite3({ url: sqliteFilePath(url), timeout: 5000 });
  // Prisma opens the connection on its first query; keep a hold of it for sqliteOf.
  const connect = adapter.connect.bind(adapter);
  adapter.connect = async () => {
    const connected = await connect();
    const connection = (connected as unknown as { client?: Sqlite.Database }).client;
    if (typeof connection?.prepare === "function") sqliteConnections.set(client, connection);
    return connected;
  };
  const client = new SqliteClient({ adapter, transactionOptions: TRANSACTION_OPTIONS }) as PrismaClient;
  return client;
}

const sqliteConnections = new WeakMap<PrismaClient, Sqlite.Database>();

/**
 * The better-sqlite3 connection under a SQLite client once Prisma opened it (else null, and on
 * PostgreSQL), for webhook deliveries, as pgPoolOf: Prisma's adapter prepares every statement anew
 * and builds each query in its query compiler, which costs more than the writes themselves.
 */
export function sqliteOf(client: PrismaClient): Sqlite.Database | null {
  return sqliteConnections.get(client) ?? null;
}

declare global {
  // Reused across Vite's hot reloads in development.
  var comebackDb: PrismaClient | undefined;
}

const db: PrismaClient = globalThis.comebackDb ?? createDb();
if (env.NODE_ENV !== "production") globalThis.comebackDb = db;

export default db;
