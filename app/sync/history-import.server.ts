// History: every past order of a shop, from a Bulk Operation export (on install) or a JSONL file
// (`npm run import`). The export is streamed line by line and written in batches; each batch and
// the import's progress commit together, so a crashed or restarted import resumes after the last
// committed line, and overlapping live webhooks converge (store.server.ts keeps the newest).
import { createReadStream, existsSync } from "node:fs";
import { basename } from "node:path";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import Database from "better-sqlite3";
import db, { databaseUrl, type Tx } from "../platform/db/client.server";
import { sqliteFilePath } from "../platform/db/url";
import { log } from "../platform/log.server";
import { leaseMs } from "../platform/jobs.server";
import { dialect } from "../platform/sql/dialect.server";
import { sqliteTime } from "../platform/sql/dialects";
import type { AdminClient } from "../platform/shopify/admin-client.server";
import { orderFromBulkLine } from "./bulk-order";
import { PayloadError } from "./payloads";
import type { OrderRecord } from "./records";
import { sqliteRunner } from "../platform/sql/rows.server";
import { upsertOrders } from "./store.server";

/**
 * Orders with what metrics and points need, and each customer's name and e-mail, which the
 * customers list shows and searches (customers/update keeps them current), and e-mail marketing
 * consent, which the marketing export needs; no addresses or phones. Not an operation of its own
 * (bulkOperationRunQuery runs it, without the connections' page sizes), so not typed by codegen.
 */
export const ORDERS_BULK_QUERY = `{
  orders {
    edges {
      node {
        id name createdAt updatedAt processedAt cancelledAt test sourceName
        currencyCode presentmentCurrencyCode displayFinancialStatus
        customer { id createdAt updatedAt firstName lastName defaultEmailAddress { emailAddress marketingState marketingUpdatedAt } }
        totalPriceSet { shopMoney { amount } }
        subtotalPriceSet { shopMoney { amount } }
        currentSubtotalPriceSet { shopMoney { amount } }
        totalDiscountsSet { shopMoney { amount } }
        totalShippingPriceSet { shopMoney { amount } }
        totalTaxSet { shopMoney { amount } }
        totalRefundedSet { shopMoney { amount } }
        refunds { id createdAt totalRefundedSet { shopMoney { amount } } }
      }
    }
  }
}`;

const RUN_BULK_QUERY = `#graphql
mutation RunOrdersExport($query: String!) {
  bulkOperationRunQuery(query: $query) {
    bulkOperation { id status }
    userErrors { field message }
  }
}`;

const BULK_OPERATION_STATUS = `#graphql
query BulkOperationStatus($id: ID!) {
  node(id: $id) { __typename ... on BulkOperation { id status errorCode url } }
}`;

// Large enough to amortise a transaction, small enough that a batch holds the SQLite write lock
// for only tens of milliseconds (webhooks wait that long at worst during an import).
export const BATCH_LINES = 2500;

/** The export's state on Shopify; null when Shopify knows no such operation. */
async function bulkOperation(admin: AdminClient, id: string | null) {
  if (!id) return null;
  const { node } = (await admin.request(BULK_OPERATION_STATUS, { id })).data;
  return node?.__typename === "BulkOperation" ? node : null;
}

/** Starts the orders export unless one is already under way or done. Called after install. */
export async function startHistoryImport(admin: AdminClient, shopDomain: string) {
  const current = await db.historyImport.findFirst({
    where: { shopDomain, source: "bulk", status: { in: ["running", "ready", "importing", "completed"] } },
    orderBy: { startedAt: "desc" },
  });
  if (current) return current;
  return runBulkExport(admin, shopDomain);
}

/** An import in one of these states is still under way: no second one starts beside it. */
export const ACTIVE_IMPORT_STATUSES = ["created", "running", "ready", "importing"];

export type RerunOutcome =
  | { started: true; importId: string }
  | { started: false; reason: "running" | "refusedByShopify" | "missingFile"; error?: string };

function activeImport(shopDomain: string) {
  return db.historyImport.findFirst({
    where: { shopDomain, status: { in: ACTIVE_IMPORT_STATUSES } },
    orderBy: { startedAt: "desc" },
  });
}

/** The admin's "re-run import": a fresh orders export from Shopify, refused while an import runs. */
export async function rerunHistoryImport(admin: AdminClient, shopDomain: string): Promise<RerunOutcome> {
  if (await activeImport(shopDomain)) return { started: false, reason: "running" };
  const job = await runBulkExport(admin, shopDomain);
  if (job.status === "failed") return { started: false, reason: "refusedByShopify", error: job.error ?? undefined };
  return { started: true, importId: job.id };
}

/**
 * The same for a shop whose history is a JSONL file (the local demo): the file again through the
 * importer, in the background; the sync page follows its progress. Idempotent: unchanged orders
 * stay as they are.
 */
export async function rerunFileImport(shopDomain: string, file: string): Promise<RerunOutcome> {
  if (await activeImport(shopDomain)) return { started: false, reason: "running" };
  if (!existsSync(file)) return { started: false, reason: "missingFile", error: file };
  const job = await db.historyImport.create({
    data: { shopDomain, source: "file", fileName: basename(file), status: "importing" },
  });
  importJsonl(job.id, createReadStream(file)).catch((error) => failImport(job.id, String(error)));
  return { started: true, importId: job.id };
}

/** Starts a fresh export (a reinstall, or the admin's re-run). */
export async function runBulkExport(admin: AdminClient, shopDomain: string) {
  const { bulkOperationRunQuery } = (await admin.request(RUN_BULK_QUERY, { query: ORDERS_BULK_QUERY })).data;
  const bulkOperation = bulkOperationRunQuery?.bulkOperation;
  if (!bulkOperation) {
    const error = bulkOperationRunQuery?.userErrors.map((e) => e.message).join("; ") || "Shopify did not start the export";
    log.error("history export not started", { shop: shopDomain, error });
    return db.historyImport.create({ data: { shopDomain, source: "bulk", status: "failed", error, finishedAt: new Date() } });
  }
  log.info("history export started", { shop: shopDomain, bulkOperation: bulkOperation.id });
  return db.historyImport.create({ data: { shopDomain, source: "bulk", bulkOperationGid: bulkOperation.id, status: "running" } });
}

/** bulk_operations/finish: the export is ready to download (the worker imports it) or failed. */
export async function markBulkOperationFinished(
  tx: Tx,
  shopDomain: string,
  finish: { admin_graphql_api_id: string; status: string; error_code?: string | null },
  at: Date,
) {
  const completed = finish.status.toLowerCase() === "completed";
  await tx.historyImport.updateMany({
    where: { shopDomain, bulkOperationGid: finish.admin_graphql_api_id, status: "running" },
    data: completed
      ? { status: "ready" }
      : {
          status: "failed",
          error: `export ${finish.status.toLowerCase()}${finish.error_code ? ` (${finish.error_code})` : ""}`,
          finishedAt: at,
        },
  });
}

/** How long after its start an export still "running" is asked about: its finish webhook may never come. */
export const OVERDUE_EXPORT_MS = 10 * 60_000;

/**
 * Asks Shopify about an export whose bulk_operations/finish has not arrived (Shopify gives up on a
 * webhook after its retries): a finished one is marked as the webhook would have marked it, and
 * the worker imports it; one still running is asked about again later.
 */
export async function checkOverdueExport(
  admin: AdminClient,
  job: { id: string; shopDomain: string; bulkOperationGid: string | null },
) {
  const node = await bulkOperation(admin, job.bulkOperationGid);
  if (!node) return failImport(job.id, "Shopify knows no such export");
  if (["CREATED", "RUNNING", "CANCELING"].includes(node.status)) return;
  const finish = { admin_graphql_api_id: job.bulkOperationGid!, status: node.status, error_code: node.errorCode };
  await db.$transaction((tx: Tx) => markBulkOperationFinished(tx, job.shopDomain, finish, new Date()));
  await db.historyImport.update({ where: { id: job.id }, data: { leaseUntil: null } });
}

/**
 * Opens a finished export for import: asks Shopify for its download URL and starts streaming it.
 * null when there is nothing to stream (the export failed, or the shop has no orders).
 */
export async function openBulkExport(admin: AdminClient, importId: string): Promise<JsonlImport | null> {
  const job = await db.historyImport.findUniqueOrThrow({ where: { id: importId } });
  const node = await bulkOperation(admin, job.bulkOperationGid);
  if (!node || node.status !== "COMPLETED") {
    await failImport(importId, `export is ${node?.status ?? "unknown"}${node?.errorCode ? ` (${node.errorCode})` : ""}`);
    return null;
  }
  if (!node.url) {
    // A shop without orders: Shopify returns no file.
    await db.historyImport.update({
      where: { id: importId },
      data: { status: "completed", finishedAt: new Date(), leaseUntil: null },
    });
    return null;
  }
  const response = await fetch(node.url);
  if (!response.ok || !response.body) throw new Error(`download failed: HTTP ${response.status}`);
  await db.historyImport.update({ where: { id: importId }, data: { status: "importing" } });
  return openJsonlImport(importId, Readable.fromWeb(response.body as import("node:stream/web").ReadableStream));
}

/** An error as one line of text, for the import's record and the operator's terminal. */
export function errorLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\s+/g, " ").trim().slice(0, 500);
}

export async function failImport(importId: string, error: string) {
  log.error("history import failed", { importId, error });
  return db.historyImport.update({
    where: { id: importId },
    data: { status: "failed", error, finishedAt: new Date(), leaseUntil: null },
  });
}

/** Writes one batch of orders and the import's progress in one transaction. */
interface BatchWriter {
  write(orders: OrderRecord[], progress: { linesDone: number; ordersImported: number }): Promise<void>;
  close(): void;
}

function prismaBatchWriter(importId: string, shopDomain: string): BatchWriter {
  return {
    write: (orders, progress) =>
      db.$transaction(async (tx) => {
        await upsertOrders(tx, shopDomain, orders);
        await tx.historyImport.update({
          where: { id: importId },
          data: { ...progress, status: "importing", leaseUntil: new Date(Date.now() + leaseMs()) },
        });
      }),
    close() {},
  };
}

/**
 * SQLite: the import writes through its own better-sqlite3 connection, not through Prisma, whose
 * per-statement overhead would halve the import's speed. A batch runs from BEGIN to COMMIT without
 * yielding to the event loop (every call is synchronous), so webhooks handled by the same process
 * interleave only between batches; the connection never waits for a lock (busy_timeout 0) but
 * retries the batch shortly after, so it cannot stall a webhook's transaction.
 */
function sqliteBatchWriter(importId: string, shopDomain: string): BatchWriter {
  const connection = new Database(sqliteFilePath(databaseUrl()));
  connection.pragma("busy_timeout = 0");
  connection.pragma("synchronous = NORMAL");
  connection.pragma("wal_autocheckpoint = 10000");
  const runner = sqliteRunner(connection);
  const progressUpdate = connection.prepare(
    `UPDATE "HistoryImport" SET "linesDone" = ?, "ordersImported" = ?, "status" = 'importing', "leaseUntil" = ?, "updatedAt" = ? WHERE "id" = ?`,
  );
  return {
    async write(orders, { linesDone, ordersImported }) {
      for (let attempt = 0; ; attempt++) {
        try {
          connection.exec("BEGIN IMMEDIATE");
          await upsertOrders(runner, shopDomain, orders);
          const now = Date.now();
          progressUpdate.run(
            linesDone,
            ordersImported,
            sqliteTime(new Date(now + leaseMs())),
            sqliteTime(new Date(now)),
            importId,
          );
          connection.exec("COMMIT");
          return;
        } catch (error) {
          if (connection.inTransaction) connection.exec("ROLLBACK");
          if ((error as { code?: string }).code !== "SQLITE_BUSY" || attempt >= 500) throw error;
          await new Promise((resume) => setTimeout(resume, 20));
        }
      }
    },
    close: () => connection.close(),
  };
}

type HistoryImportRow = Awaited<ReturnType<typeof db.historyImport.findUniqueOrThrow>>;

/** An import under way: run it to its end, or a slice at a time (the worker's jobs). */
export interface JsonlImport {
  /**
   * Imports until the input ends, or until the first batch written after `deadline` (epoch ms):
   * the import's row when it has finished (completed or failed), null when there is more.
   */
  run(deadline?: number): Promise<HistoryImportRow | null>;
  /** Lets go of the input and the connection of an import left unfinished. */
  close(): void;
}

/**
 * Streams JSONL order lines into the database. Lines already done (a resumed import) are skipped.
 * A line that is not a valid order stops the import with its line number; the batch it was in is
 * not written. Lines of nested connections (`__parentId`) are not part of this export and skipped.
 */
export async function importJsonl(importId: string, input: Readable, onProgress?: (linesDone: number) => void) {
  return (await (await openJsonlImport(importId, input, onProgress)).run())!;
}

export async function openJsonlImport(
  importId: string,
  input: Readable,
  onProgress?: (linesDone: number) => void,
): Promise<JsonlImport> {
  const job = await db.historyImport.findUniqueOrThrow({ where: { id: importId } });
  const shop = await db.shop.findUniqueOrThrow({ where: { domain: job.shopDomain } });
  const writer = dialect.embedded ? sqliteBatchWriter(importId, shop.domain) : prismaBatchWriter(importId, shop.domain);
  let lineNumber = 0;
  let linesDone = job.linesDone;
  let ordersImported = job.ordersImported;
  let batch: OrderRecord[] = [];

  const flush = async () => {
    try {
      await writer.write(batch, { linesDone: lineNumber, ordersImported: ordersImported + batch.length });
    } catch (error) {
      throw new Error(`lines ${linesDone + 1}-${lineNumber}: ${errorLine(error)}`, { cause: error });
    }
    ordersImported += batch.length;
    linesDone = lineNumber;
    batch = [];
    onProgress?.(linesDone);
  };

  const lines = createInterface({ input, crlfDelay: Infinity });
  // Read by hand, not with for await, which would close the input when a slice stops.
  const iterator = lines[Symbol.asyncIterator]();
  const close = () => {
    lines.close();
    input.destroy();
    writer.close();
  };

  /** Reads and writes until the input ends (true) or a batch is written after the deadline (false). */
  const importLines = async (deadline: number): Promise<boolean> => {
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      const line = next.value;
      lineNumber++;
      if (lineNumber <= linesDone || line.trim() === "") continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        throw new PayloadError(`line ${lineNumber}: not valid JSON`);
      }
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
        throw new PayloadError(`line ${lineNumber}: not a JSON object`);
      if ("__parentId" in parsed) continue;
      try {
        batch.push(orderFromBulkLine(parsed));
      } catch (error) {
        throw new PayloadError(`line ${lineNumber}: ${(error as Error).message}`);
      }
      if (batch.length >= BATCH_LINES) {
        await flush();
        if (Date.now() >= deadline) return false;
      }
    }
    if (batch.length) await flush();
    else if (lineNumber > linesDone) {
      await db.historyImport.update({ where: { id: importId }, data: { linesDone: lineNumber } });
    }
    return true;
  };

  return {
    close,
    async run(deadline = Infinity) {
      try {
        if (!(await importLines(deadline))) return null;
      } catch (error) {
        close();
        if (error instanceof PayloadError) {
          await failImport(importId, error.message);
          return db.historyImport.findUniqueOrThrow({ where: { id: importId } });
        }
        throw error;
      }
      close();
      log.info("history import completed", { shop: shop.domain, importId, orders: ordersImported, lines: lineNumber });
      // Fresh planner statistics after a bulk load: without them PostgreSQL may sort a million orders
      // to page through them (the metrics' first load), whether or not autovacuum runs soon.
      const analyze = dialect.analyze(["Order", "Customer", "Refund"]);
      if (analyze) await db.$executeRawUnsafe(analyze);
      return db.historyImport.update({
        where: { id: importId },
        data: { status: "completed", finishedAt: new Date(), leaseUntil: null },
      });
    },
  };
}
