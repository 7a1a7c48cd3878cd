// The sync's background jobs (app/platform/jobs.server.ts runs them): stored webhook events that
// failed or were left unprocessed by a crash, history imports whose export is ready (or was
// interrupted), a slice at a time, and exports whose finish webhook never came.
import db from "../platform/db/client.server";
import { leaseMs, shortLeaseMs, type Job, type Outcome, type Queue } from "../platform/jobs.server";
import { adminClientFor } from "../offline-admin.server";
import { checkOverdueExport, failImport, openBulkExport, OVERDUE_EXPORT_MS, type JsonlImport } from "./history-import.server";
import { retryEvent } from "./webhooks.server";

/** An event still "received" after this long was abandoned by a crashed request. */
const STALE_MS = 30_000;
export const MAX_ATTEMPTS = 12;
/** How long a rejected delivery's body is kept for an operator to look into (docs/compliance.md). */
export const REJECTED_BODY_DAYS = 7;
/** How long one turn of an import may hold a worker slot (it stops after the batch that passes it). */
export const IMPORT_SLICE_MS = 2000;

/** applyEvent counts the attempts and sets the backoff itself; the job only holds the event. */
export const webhookRetryQueue: Queue = {
  name: "webhook-retries",
  table: "WebhookEvent",
  id: "id",
  shop: "shopDomain",
  lease: "leaseUntil",
  attempts: "attempts",
  lastError: "lastError",
  ready: (bind) => `"status" = 'failed' OR ("status" = 'received' AND "receivedAt" < ${bind(new Date(Date.now() - STALE_MS))})`,
  shops: "filter",
  maxAttempts: MAX_ATTEMPTS,
  batch: 20,
  leaseMs: shortLeaseMs,
  async run({ id }: Job): Promise<Outcome> {
    const event = await db.webhookEvent.findUniqueOrThrow({ where: { id: Number(id) } });
    await retryEvent(event);
    return "done";
  },
};

/** Per instance: the imports this instance is streaming, between their slices. */
const openImports = new Map<string, JsonlImport>();

export const historyImportQueue: Queue = {
  name: "history-imports",
  table: "HistoryImport",
  id: "id",
  shop: "shopDomain",
  lease: "leaseUntil",
  attempts: "attempts",
  lastError: "lastError",
  ready: () => `"source" = 'bulk' AND "status" IN ('ready', 'importing')`,
  shops: "filter",
  maxAttempts: MAX_ATTEMPTS,
  batch: 2,
  leaseMs,
  async run(job: Job): Promise<Outcome> {
    const id = String(job.id);
    let open = openImports.get(id);
    if (!open) {
      const admin = await adminClientFor(job.shopDomain).catch(async (error) => {
        if (!/no offline session|Could not find a session/i.test(String(error))) throw error;
        await failImport(id, "no access token for the shop");
        return null;
      });
      if (!admin) return "done";
      // Picked up anew (another instance's, or after a failure): resumes after the last committed line.
      const opened = await openBulkExport(admin, id);
      if (!opened) return "done";
      openImports.set(id, (open = opened));
    }
    try {
      if (!(await open.run(Date.now() + IMPORT_SLICE_MS))) return "slice";
    } catch (error) {
      open.close();
      openImports.delete(id);
      throw error;
    }
    openImports.delete(id);
    return "done";
  },
  dead: (job, error) => failImport(String(job.id), error).then(() => undefined),
};

/** Exports running for long without their finish webhook: Shopify is asked, every OVERDUE_EXPORT_MS. */
export const overdueExportQueue: Queue = {
  name: "overdue-exports",
  table: "HistoryImport",
  id: "id",
  shop: "shopDomain",
  lease: "leaseUntil",
  attempts: "attempts",
  lastError: "lastError",
  ready: (bind) =>
    `"source" = 'bulk' AND "status" = 'running' AND "startedAt" < ${bind(new Date(Date.now() - OVERDUE_EXPORT_MS))}`,
  shops: "filter",
  maxAttempts: MAX_ATTEMPTS,
  batch: 5,
  leaseMs: () => OVERDUE_EXPORT_MS,
  async run(job: Job): Promise<Outcome> {
    const id = String(job.id);
    const admin = await adminClientFor(job.shopDomain);
    const row = await db.historyImport.findUniqueOrThrow({ where: { id } });
    // Still running on Shopify: asked again when the lease (OVERDUE_EXPORT_MS) runs out.
    await checkOverdueExport(admin, row);
    return "done";
  },
  dead: (job, error) => failImport(String(job.id), error).then(() => undefined),
};

/**
 * Erases the bodies of deliveries that will never be applied and may name a customer: rejected
 * ones after REJECTED_BODY_DAYS, failed ones once given up. The rows stay, as the record.
 */
export async function eraseStaleBodies(now = new Date()): Promise<number> {
  const { count } = await db.webhookEvent.updateMany({
    where: {
      payload: { not: null },
      OR: [
        { status: "rejected", receivedAt: { lt: new Date(now.getTime() - REJECTED_BODY_DAYS * 86_400_000) } },
        { status: "failed", attempts: { gte: MAX_ATTEMPTS } },
      ],
    },
    data: { payload: null },
  });
  return count;
}
