// Keeps each shop's OrderFacts in this instance's memory, current with the database.
//
// The first request after a start reads the shop's snapshot (one row of bytes, written in the
// background every few minutes) and the orders changed since it; without a snapshot it reads every
// counted order once. After that every request reads only the orders whose row changed since the
// last look (an index on shopDomain, updatedAt), so webhooks do no metrics work at all and several
// instances stay correct on one database. See docs/decisions/0006-metrics-in-memory.md.
import Database from "better-sqlite3";
import pg from "pg";
import db, { databaseUrl } from "../db.server";
import { databaseKind, sqliteFilePath } from "../db/url";
import { log } from "../log.server";
import { isKnownTimeZone } from "./calendar";
import { OrderFacts, type OrderFactRow } from "./order-facts";

/**
 * Re-read this much before the last look: a transaction that stamped updatedAt before the look
 * but committed after it (or a few seconds of clock skew between instances) is still seen.
 */
const OVERLAP_MS = 60_000;
const PAGE = 100_000;
/** A changed shop's snapshot is rewritten at most this often. */
const SNAPSHOT_EVERY_MS = 5 * 60_000;

export interface ShopFacts {
  shop: { domain: string; currency: string; timezone: string; lookbackDays: number };
  facts: OrderFacts;
}

interface CacheEntry {
  key: string;
  facts: OrderFacts | null;
  /** Rows changed at or after this instant (minus the overlap) are read on the next look. */
  seenUntil: number;
  pending: Promise<void> | null;
  /** facts.version when the snapshot was last written, and when. */
  snapshotVersion: number;
  snapshotAt: number;
}

const cache = new Map<string, CacheEntry>();

/** The zone the metrics use: the shop's IANA zone, or UTC if Shopify gave one Intl does not know. */
function metricsTimeZone(zone: string): string {
  return isKnownTimeZone(zone) ? zone : "UTC";
}

export class ShopNotFoundError extends Error {}

/** The shop's order facts, loaded on first use and brought up to date on every call. */
export async function shopFacts(shopDomain: string): Promise<ShopFacts> {
  const shop = await db.shop.findUnique({ where: { domain: shopDomain } });
  if (!shop || shop.installState === "redacted") {
    cache.delete(shopDomain);
    throw new ShopNotFoundError(`no data for shop ${shopDomain}`);
  }
  const timezone = metricsTimeZone(shop.timezone);
  // A new install (after a redaction) or another timezone means every day number changes.
  const key = `${timezone}|${shop.installedAt.toISOString()}`;
  let entry = cache.get(shopDomain);
  if (!entry || entry.key !== key) {
    entry = { key, facts: null, seenUntil: 0, pending: null, snapshotVersion: -1, snapshotAt: 0 };
    cache.set(shopDomain, entry);
  }
  await refresh(shopDomain, timezone, entry);
  saveSnapshotWhenDue(shopDomain, entry);
  return {
    shop: { domain: shop.domain, currency: shop.currency, timezone, lookbackDays: shop.lookbackDays },
    facts: entry.facts!,
  };
}

/** One refresh at a time per shop; callers arriving meanwhile share it. */
async function refresh(shopDomain: string, timezone: string, entry: CacheEntry): Promise<void> {
  while (entry.pending) await entry.pending;
  entry.pending = (async () => {
    const lookStartedAt = Date.now();
    if (!entry.facts) {
      const snapshot = await factsStore().readSnapshot(shopDomain);
      const restored = snapshot?.key === entry.key ? OrderFacts.fromSnapshot(timezone, snapshot.data) : null;
      if (restored && snapshot) {
        entry.facts = restored;
        entry.seenUntil = snapshot.seenUntil;
        entry.snapshotVersion = restored.version;
        entry.snapshotAt = snapshot.updatedAt;
      } else {
        entry.facts = new OrderFacts(timezone);
      }
    }
    const since = entry.seenUntil === 0 ? null : new Date(entry.seenUntil - OVERLAP_MS);
    entry.facts.apply(await factsStore().readOrders(shopDomain, since));
    entry.seenUntil = lookStartedAt;
  })();
  try {
    await entry.pending;
  } finally {
    entry.pending = null;
  }
}

/** Writes the shop's snapshot in the background when the facts changed and the last one is old. */
function saveSnapshotWhenDue(shopDomain: string, entry: CacheEntry): void {
  const facts = entry.facts!;
  if (facts.version === entry.snapshotVersion || Date.now() - entry.snapshotAt < SNAPSHOT_EVERY_MS) return;
  entry.snapshotVersion = facts.version;
  entry.snapshotAt = Date.now();
  const snapshot = {
    key: entry.key,
    seenUntil: entry.seenUntil,
    orders: facts.size,
    data: facts.toSnapshot(),
    updatedAt: entry.snapshotAt,
  };
  factsStore()
    .writeSnapshot(shopDomain, snapshot)
    .catch((error: unknown) => log.error("metrics snapshot not saved", { shop: shopDomain, error: String(error) }));
}

interface StoredSnapshot {
  key: string;
  /** Epoch milliseconds. */
  seenUntil: number;
  updatedAt: number;
  orders: number;
  data: Uint8Array;
}

/**
 * The metrics' own reads and writes go through the database driver itself: Prisma's row mapping
 * costs more than the metrics for a million rows, and ten times more for a 20 MB snapshot.
 */
interface FactsStore {
  /** All counted orders on the first load (by id); every changed row after that, so a cancellation or deletion takes effect. */
  readOrders(shopDomain: string, since: Date | null): Promise<OrderFactRow[]>;
  readSnapshot(shopDomain: string): Promise<StoredSnapshot | null>;
  writeSnapshot(shopDomain: string, snapshot: StoredSnapshot): Promise<void>;
}

let store: { url: string; store: FactsStore; close(): Promise<void> } | null = null;

function factsStore(): FactsStore {
  const url = databaseUrl();
  if (store?.url !== url) {
    void store?.close();
    store = databaseKind(url) === "postgresql" ? postgresStore(url) : sqliteStore(url);
  }
  return store.store;
}

const COUNTED_ONLY = `AND "processedAt" IS NOT NULL AND "test" = false AND "cancelledAt" IS NULL AND "deletedAt" IS NULL`;
const SNAPSHOT_UPSERT = `ON CONFLICT ("shopDomain") DO UPDATE SET "key" = excluded."key", "seenUntil" = excluded."seenUntil",
  "orders" = excluded."orders", "data" = excluded."data", "updatedAt" = excluded."updatedAt"`;

function sqliteStore(url: string) {
  const connection = new Database(sqliteFilePath(url), { fileMustExist: true, timeout: 5000 });
  /** Prisma's text form of a SQLite DateTime. */
  const time = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");
  const sqliteFacts: FactsStore = {
    async readOrders(shopDomain, since) {
      // julianday() parses the stored ISO text in C, far faster than Date.parse on each row.
      const sql = `SELECT "id", "customerId", CAST(ROUND((julianday("processedAt") - 2440587.5) * 86400000) AS INTEGER),
          "currentSubtotalAmount", "test", "cancelledAt" IS NOT NULL, "deletedAt" IS NOT NULL
        FROM "Order" WHERE "shopDomain" = ? ${since ? `AND "updatedAt" >= ?` : `${COUNTED_ONLY} ORDER BY "id"`}`;
      const statement = connection.prepare(sql).raw(true);
      const parameters = since ? [shopDomain, time(since.getTime())] : [shopDomain];
      const rows: OrderFactRow[] = [];
      for (const row of statement.iterate(...parameters) as Iterable<
        [number, number | null, number | null, number, number, number, number]
      >) {
        rows.push({
          id: row[0],
          customerId: row[1],
          processedAtMs: row[2],
          net: row[3],
          test: row[4] === 1,
          cancelled: row[5] === 1,
          deleted: row[6] === 1,
        });
      }
      return rows;
    },
    async readSnapshot(shopDomain) {
      const row = connection
        .prepare(`SELECT "key", "seenUntil", "updatedAt", "orders", "data" FROM "MetricsSnapshot" WHERE "shopDomain" = ?`)
        .get(shopDomain) as { key: string; seenUntil: string; updatedAt: string; orders: number; data: Buffer } | undefined;
      return row ? { ...row, seenUntil: Date.parse(row.seenUntil), updatedAt: Date.parse(row.updatedAt) } : null;
    },
    async writeSnapshot(shopDomain, snapshot) {
      connection
        .prepare(
          `INSERT INTO "MetricsSnapshot" ("shopDomain", "key", "seenUntil", "orders", "data", "updatedAt") VALUES (?, ?, ?, ?, ?, ?) ${SNAPSHOT_UPSERT}`,
        )
        .run(shopDomain, snapshot.key, time(snapshot.seenUntil), snapshot.orders, snapshot.data, time(snapshot.updatedAt));
    },
  };
  return { url, store: sqliteFacts, close: async () => void connection.close() };
}

function postgresStore(url: string) {
  const pool = new pg.Pool({ connectionString: url, max: 2, allowExitOnIdle: true });
  // Minor units and epoch milliseconds are integers below 2^53: float8 carries them exactly and
  // parses faster than numeric text; timestamps leave as epoch ms, whatever the process's zone.
  const columns = `"id", "customerId", (EXTRACT(EPOCH FROM "processedAt") * 1000)::float8, "currentSubtotalAmount"::float8,
    "test", "cancelledAt" IS NOT NULL, "deletedAt" IS NOT NULL`;
  const query = (text: string, values: unknown[]) => pool.query({ text, values, rowMode: "array" });
  const postgresFacts: FactsStore = {
    async readOrders(shopDomain, since) {
      const rows: OrderFactRow[] = [];
      const push = (result: pg.QueryArrayResult) => {
        for (const row of result.rows as [number, number | null, number | null, number, boolean, boolean, boolean][]) {
          rows.push({
            id: row[0],
            customerId: row[1],
            processedAtMs: row[2],
            net: row[3],
            test: row[4],
            cancelled: row[5],
            deleted: row[6],
          });
        }
      };
      if (since) {
        push(
          await query(`SELECT ${columns} FROM "Order" WHERE "shopDomain" = $1 AND "updatedAt" >= $2`, [
            shopDomain,
            since.toISOString(),
          ]),
        );
        return rows;
      }
      // Pages by id keep the driver's buffer small on a million-order shop.
      for (let after = 0; ;) {
        const result = await query(
          `SELECT ${columns} FROM "Order" WHERE "shopDomain" = $1 AND "id" > $2 ${COUNTED_ONLY} ORDER BY "id" LIMIT ${PAGE}`,
          [shopDomain, after],
        );
        push(result);
        if (result.rows.length < PAGE) return rows;
        after = Number(result.rows.at(-1)![0]);
      }
    },
    async readSnapshot(shopDomain) {
      const result = await query(
        `SELECT "key", (EXTRACT(EPOCH FROM "seenUntil") * 1000)::float8, (EXTRACT(EPOCH FROM "updatedAt") * 1000)::float8, "orders", "data"
         FROM "MetricsSnapshot" WHERE "shopDomain" = $1`,
        [shopDomain],
      );
      const row = result.rows[0] as [string, number, number, number, Buffer] | undefined;
      return row ? { key: row[0], seenUntil: row[1], updatedAt: row[2], orders: row[3], data: row[4] } : null;
    },
    async writeSnapshot(shopDomain, snapshot) {
      const time = (ms: number) => new Date(ms).toISOString();
      await query(
        `INSERT INTO "MetricsSnapshot" ("shopDomain", "key", "seenUntil", "orders", "data", "updatedAt") VALUES ($1, $2, $3, $4, $5, $6) ${SNAPSHOT_UPSERT}`,
        [
          shopDomain,
          snapshot.key,
          time(snapshot.seenUntil),
          snapshot.orders,
          Buffer.from(snapshot.data.buffer, snapshot.data.byteOffset, snapshot.data.byteLength),
          time(snapshot.updatedAt),
        ],
      );
    },
  };
  return { url, store: postgresFacts, close: () => pool.end() };
}
