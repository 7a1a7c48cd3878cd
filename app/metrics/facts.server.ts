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
export function metricsTimeZone(zone: string): string {
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
  return { shop: { domain: shop.domain, currency: shop.currency, timezone, lookbackDays: shop.lookbackDays }, facts: entry.facts! };
}

/** One refresh at a time per shop; callers arriving meanwhile share it. */
async function refresh(shopDomain: string, timezone: string, entry: CacheEntry): Promise<void> {
  while (entry.pending) await entry.pending;
  entry.pending = (async () => {
    const lookStartedAt = Date.now();
    if (!entry.facts) {
      const snapshot = await db.metricsSnapshot.findUnique({ where: { shopDomain } });
      const restored = snapshot?.key === entry.key ? OrderFacts.fromSnapshot(timezone, snapshot.data) : null;
      if (restored && snapshot) {
        entry.facts = restored;
        entry.seenUntil = snapshot.seenUntil.getTime();
        entry.snapshotVersion = restored.version;
        entry.snapshotAt = snapshot.updatedAt.getTime();
      } else {
        entry.facts = new OrderFacts(timezone);
      }
    }
    const since = entry.seenUntil === 0 ? null : new Date(entry.seenUntil - OVERLAP_MS);
    entry.facts.apply(await readOrders(shopDomain, since));
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
  const data = { key: entry.key, seenUntil: new Date(entry.seenUntil), orders: facts.size, data: facts.toSnapshot() };
  entry.snapshotVersion = facts.version;
  entry.snapshotAt = Date.now();
  db.metricsSnapshot
    .upsert({ where: { shopDomain }, create: { shopDomain, ...data }, update: data })
    .catch((error: unknown) => log.error("metrics snapshot not saved", { shop: shopDomain, error: String(error) }));
}

/** Drops what this instance holds (tests and the bench measure a cold start with it). */
export function forgetFacts(shopDomain?: string): void {
  if (shopDomain) cache.delete(shopDomain);
  else cache.clear();
}

/**
 * Orders of the shop: all counted ones on the first load; every changed row (counted or not, so
 * a cancellation or deletion takes effect) after that. Reads through the database driver itself:
 * Prisma's row mapping costs more than the metrics for a million rows.
 */
async function readOrders(shopDomain: string, since: Date | null): Promise<OrderFactRow[]> {
  const url = databaseUrl();
  return databaseKind(url) === "postgresql" ? readPostgres(url, shopDomain, since) : readSqlite(url, shopDomain, since);
}

const COUNTED_ONLY = `AND "processedAt" IS NOT NULL AND "test" = false AND "cancelledAt" IS NULL AND "deletedAt" IS NULL`;

let sqlite: { file: string; connection: Database.Database } | null = null;

function readSqlite(url: string, shopDomain: string, since: Date | null): OrderFactRow[] {
  const file = sqliteFilePath(url);
  if (sqlite?.file !== file) {
    sqlite?.connection.close();
    sqlite = { file, connection: new Database(file, { readonly: true, fileMustExist: true }) };
  }
  // julianday() parses the stored ISO text in C, far faster than Date.parse on each row.
  const sql = `SELECT "id", "customerId", CAST(ROUND((julianday("processedAt") - 2440587.5) * 86400000) AS INTEGER),
      "currentSubtotalAmount", "test", "cancelledAt" IS NOT NULL, "deletedAt" IS NOT NULL
    FROM "Order" WHERE "shopDomain" = ? ${since ? `AND "updatedAt" >= ?` : `${COUNTED_ONLY} ORDER BY "id"`}`;
  const statement = sqlite.connection.prepare(sql).raw(true);
  const parameters = since ? [shopDomain, since.toISOString().replace("Z", "+00:00")] : [shopDomain];
  const rows: OrderFactRow[] = [];
  for (const row of statement.iterate(...parameters) as Iterable<[number, number | null, number | null, number, number, number, number]>) {
    rows.push({ id: row[0], customerId: row[1], processedAtMs: row[2], net: row[3], test: row[4] === 1, cancelled: row[5] === 1, deleted: row[6] === 1 });
  }
  return rows;
}

let postgres: { url: string; pool: pg.Pool } | null = null;

async function readPostgres(url: string, shopDomain: string, since: Date | null): Promise<OrderFactRow[]> {
  if (postgres?.url !== url) {
    await postgres?.pool.end();
    postgres = { url, pool: new pg.Pool({ connectionString: url, max: 2, allowExitOnIdle: true }) };
  }
  // Minor units and epoch milliseconds are integers below 2^53: float8 carries them exactly and
  // parses faster than numeric text.
  const columns = `"id", "customerId", (EXTRACT(EPOCH FROM "processedAt") * 1000)::float8, "currentSubtotalAmount"::float8,
    "test", "cancelledAt" IS NOT NULL, "deletedAt" IS NOT NULL`;
  const rows: OrderFactRow[] = [];
  const push = (result: pg.QueryArrayResult) => {
    for (const row of result.rows as [number, number | null, number | null, number, boolean, boolean, boolean][]) {
      rows.push({ id: row[0], customerId: row[1], processedAtMs: row[2], net: row[3], test: row[4], cancelled: row[5], deleted: row[6] });
    }
  };
  if (since) {
    push(await postgres.pool.query({
      text: `SELECT ${columns} FROM "Order" WHERE "shopDomain" = $1 AND "updatedAt" >= $2`,
      values: [shopDomain, since.toISOString()],
      rowMode: "array",
    }));
    return rows;
  }
  // Pages by id keep the driver's buffer small on a million-order shop.
  for (let after = 0; ; ) {
    const result = await postgres.pool.query({
      text: `SELECT ${columns} FROM "Order" WHERE "shopDomain" = $1 AND "id" > $2 ${COUNTED_ONLY} ORDER BY "id" LIMIT ${PAGE}`,
      values: [shopDomain, after],
      rowMode: "array",
    });
    push(result);
    if (result.rows.length < PAGE) return rows;
    after = Number(result.rows.at(-1)![0]);
  }
}
