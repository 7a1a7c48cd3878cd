// Keeps each shop's OrderFacts in this instance's memory, current with the database, within the
// instance's cache budget (app/platform/cache.server.ts).
//
// The first request after a start, or after the budget pushed the shop out, reads the shop's
// snapshot (one row of bytes, written in the background every few minutes and when the shop is
// pushed out) and the orders changed since it; without a snapshot it reads every counted order
// once, in slices that leave the event loop to other requests. After that every request reads only
// the orders whose row changed since the last look (an index on shopDomain, updatedAt), so webhooks
// do no metrics work at all and several instances stay correct on one database. See
// docs/decisions/0006-metrics-in-memory.md and 0020-one-cache-budget.md.
import { setImmediate as nextTurn } from "node:timers/promises";
import Database from "better-sqlite3";
import pg from "pg";
import db, { databaseUrl } from "../platform/db/client.server";
import { sqliteFilePath } from "../platform/db/url";
import { log } from "../platform/log.server";
import { dialect } from "../platform/sql/dialect.server";
import { sqliteTime } from "../platform/sql/dialects";
import { shopCaches } from "../platform/cache.server";
import { isKnownTimeZone } from "./calendar";
import { OrderFacts, type OrderFactRow } from "./order-facts";

/**
 * Re-read this much before the last look: a transaction that stamped updatedAt before the look
 * but committed after it (or a few seconds of clock skew between instances) is still seen.
 */
const OVERLAP_MS = 60_000;
/** Rows applied between two turns of the event loop: a few milliseconds of work. */
const SLICE = 5_000;
/**
 * Rows per PostgreSQL page: a page dies young, in the garbage collector's cheap young generation;
 * 100,000-row pages lived long enough to need old-space collections of hundreds of milliseconds.
 */
const PAGE = 2 * SLICE;
/** A changed shop's snapshot is rewritten at most this often. */
const SNAPSHOT_EVERY_MS = 5 * 60_000;
/**
 * What lives as long as the facts besides their own arrays: the histories every dashboard builds
 * (a day and an amount per counted order, a start per customer) and the customers export's
 * predictions (metrics.server.ts: 37 bytes a customer).
 */
const DERIVED_BYTES_PER_ORDER = 12;
const DERIVED_BYTES_PER_CUSTOMER = 4 + 37;

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

const cache = shopCaches.kind<CacheEntry>("order facts", {
  sizeOf: ({ facts }) =>
    facts ? facts.byteSize() + facts.size * DERIVED_BYTES_PER_ORDER + facts.customerCount * DERIVED_BYTES_PER_CUSTOMER : 0,
  // Whatever changed since the last snapshot is written now, so the shop's next load is a short one.
  onEvict: (shopDomain, entry) => {
    if (entry.facts && entry.facts.version !== entry.snapshotVersion) saveSnapshot(shopDomain, entry);
  },
});

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
  cache.resize(shopDomain);
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
    // Facts being loaded are not the entry's until complete: a snapshot of half a load would
    // claim orders it lacks.
    let facts = entry.facts;
    if (!facts) {
      const snapshot = await factsStore().readSnapshot(shopDomain);
      const restored = snapshot?.key === entry.key ? OrderFacts.fromSnapshot(timezone, snapshot.data) : null;
      if (restored && snapshot) {
        facts = restored;
        entry.seenUntil = snapshot.seenUntil;
        entry.snapshotVersion = restored.version;
        entry.snapshotAt = snapshot.updatedAt;
      } else {
        facts = new OrderFacts(timezone);
      }
    }
    const since = entry.seenUntil === 0 ? null : new Date(entry.seenUntil - OVERLAP_MS);
    for await (const rows of factsStore().readOrders(shopDomain, since)) {
      facts.apply(rows);
      await nextTurn();
    }
    entry.facts = facts;
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
  if (entry.facts!.version === entry.snapshotVersion || Date.now() - entry.snapshotAt < SNAPSHOT_EVERY_MS) return;
  saveSnapshot(shopDomain, entry);
}

function saveSnapshot(shopDomain: string, entry: CacheEntry): void {
  const facts = entry.facts!;
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
  /**
   * All counted orders on the first load (by id); every changed row after that, so a cancellation
   * or deletion takes effect. In slices of at most SLICE rows, read as they are asked for.
   */
  readOrders(shopDomain: string, since: Date | null): AsyncIterable<OrderFactRow[]>;
  readSnapshot(shopDomain: string): Promise<StoredSnapshot | null>;
  writeSnapshot(shopDomain: string, snapshot: StoredSnapshot): Promise<void>;
}

let store: { url: string; store: FactsStore; close(): Promise<void> } | null = null;

function factsStore(): FactsStore {
  const url = databaseUrl();
  if (store?.url !== url) {
    void store?.close();
    store = dialect.embedded ? sqliteStore(url) : postgresStore(url);
  }
  return store.store;
}

/** A snapshot is read from PostgreSQL this many bytes at a time (8 MB of hex text each). */
const SNAPSHOT_PIECE_BYTES = 4 * 1024 * 1024;

const COUNTED_ONLY = `AND "processedAt" IS NOT NULL AND "test" = false AND "cancelledAt" IS NULL AND "deletedAt" IS NULL`;
const SNAPSHOT_UPSERT = `ON CONFLICT ("shopDomain") DO UPDATE SET "key" = excluded."key", "seenUntil" = excluded."seenUntil",
  "orders" = excluded."orders", "data" = excluded."data", "updatedAt" = excluded."updatedAt"`;

function sqliteStore(url: string) {
  const connection = new Database(sqliteFilePath(url), { fileMustExist: true, timeout: 5000 });
  const time = (ms: number) => sqliteTime(new Date(ms));
  const toRow = (row: [number, number | null, number | null, number, number, number, number]): OrderFactRow => ({
    id: row[0],
    customerId: row[1],
    processedAtMs: row[2],
    net: row[3],
    test: row[4] === 1,
    cancelled: row[5] === 1,
    deleted: row[6] === 1,
  });
  const sqliteFacts: FactsStore = {
    async *readOrders(shopDomain, since) {
      // julianday() parses the stored ISO text in C, far faster than Date.parse on each row.
      const sql = `SELECT "id", "customerId", CAST(ROUND((julianday("processedAt") - 2440587.5) * 86400000) AS INTEGER),
          "currentSubtotalAmount", "test", "cancelledAt" IS NOT NULL, "deletedAt" IS NOT NULL
        FROM "Order" WHERE "shopDomain" = ? ${since ? `AND "updatedAt" >= ?` : `${COUNTED_ONLY} ORDER BY "id"`}`;
      if (since) {
        // Few rows: read at once, since the shared connection can run nothing else while a read is open.
        const rows = connection.prepare(sql).raw(true).all(shopDomain, time(since.getTime())) as Parameters<typeof toRow>[0][];
        for (let start = 0; start < rows.length; start += SLICE) yield rows.slice(start, start + SLICE).map(toRow);
        return;
      }
      // A first load reads on a connection of its own, left open between slices (one consistent
      // read in WAL mode) while other shops use the shared one.
      const own = new Database(sqliteFilePath(url), { readonly: true, fileMustExist: true, timeout: 5000 });
      try {
        let rows: OrderFactRow[] = [];
        for (const row of own.prepare(sql).raw(true).iterate(shopDomain) as Iterable<Parameters<typeof toRow>[0]>) {
          rows.push(toRow(row));
          if (rows.length === SLICE) {
            yield rows;
            rows = [];
          }
        }
        if (rows.length) yield rows;
      } finally {
        own.close();
      }
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
    async *readOrders(shopDomain, since) {
      const slices = function* (result: pg.QueryArrayResult) {
        const rows = result.rows as [number, number | null, number | null, number, boolean, boolean, boolean][];
        for (let start = 0; start < rows.length; start += SLICE) {
          yield rows.slice(start, start + SLICE).map((row) => ({
            id: row[0],
            customerId: row[1],
            processedAtMs: row[2],
            net: row[3],
            test: row[4],
            cancelled: row[5],
            deleted: row[6],
          }));
        }
      };
      if (since) {
        yield* slices(
          await query(`SELECT ${columns} FROM "Order" WHERE "shopDomain" = $1 AND "updatedAt" >= $2`, [
            shopDomain,
            since.toISOString(),
          ]),
        );
        return;
      }
      // Pages by id keep the driver's buffer small on a million-order shop.
      for (let after = 0; ;) {
        const result = await query(
          `SELECT ${columns} FROM "Order" WHERE "shopDomain" = $1 AND "id" > $2 ${COUNTED_ONLY} ORDER BY "id" LIMIT ${PAGE}`,
          [shopDomain, after],
        );
        yield* slices(result);
        if (result.rows.length < PAGE) return;
        after = Number(result.rows.at(-1)![0]);
      }
    },
    async readSnapshot(shopDomain) {
      // In pieces, within one view of the database (a snapshot written meanwhile is not mixed in):
      // pg reads a bytea as hex text, so a 20 MB snapshot read whole took 40 MB of message, 40 MB
      // of string and the bytes at once, an instance's largest spike when a large shop came back.
      const client = await pool.connect();
      try {
        await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
        const head = await client.query({
          text: `SELECT "key", (EXTRACT(EPOCH FROM "seenUntil") * 1000)::float8, (EXTRACT(EPOCH FROM "updatedAt") * 1000)::float8, "orders", octet_length("data")
                 FROM "MetricsSnapshot" WHERE "shopDomain" = $1`,
          values: [shopDomain],
          rowMode: "array",
        });
        const row = head.rows[0] as [string, number, number, number, number] | undefined;
        if (!row) return null;
        const data = new Uint8Array(row[4]);
        for (let offset = 0; offset < data.length; offset += SNAPSHOT_PIECE_BYTES) {
          const piece = await client.query({
            text: `SELECT substring("data" FROM $2 FOR $3) FROM "MetricsSnapshot" WHERE "shopDomain" = $1`,
            values: [shopDomain, offset + 1, SNAPSHOT_PIECE_BYTES],
            rowMode: "array",
          });
          data.set(piece.rows[0][0] as Buffer, offset);
        }
        return { key: row[0], seenUntil: row[1], updatedAt: row[2], orders: row[3], data };
      } finally {
        await client.query("ROLLBACK").catch(() => undefined);
        client.release();
      }
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
