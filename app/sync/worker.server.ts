// Background work of each app instance: retry stored webhook events that failed or were left
// unprocessed by a crash, run history imports whose export is ready (or was interrupted), and do
// the loyalty program's work (app/loyalty/tasks.server.ts, metafields.server.ts).
// Work is claimed with a lease, so several instances sharing one database never do it twice.
import db from "../db.server";
import { env } from "../env.server";
import { log } from "../log.server";
import { unauthenticated } from "../shopify.server";
import { refitStaleModels } from "../metrics/metrics.server";
import { checkOverdueExport, failImport, importBulkExport, OVERDUE_EXPORT_MS } from "./history-import.server";
import { retryEvent } from "./webhooks.server";
import { claimable, leaseMs } from "./lease";
import { reviewDueMembers, runLoyaltyTasks } from "../loyalty/tasks.server";
import { syncMetafields } from "../loyalty/metafields.server";
import { recoverAbandonedRedemptions } from "../loyalty/redemption.server";
import { syncProgramMetafields } from "../storefront/program-metafield.server";
import { pruneRateLimits } from "../storefront/rate-limit.server";
import { demoShop } from "../demo/mode.server";

const TICK_MS = env.COMEBACK_WORKER_INTERVAL_MS;
/** An event still "received" after this long was abandoned by a crashed request. */
const STALE_MS = 30_000;
export const MAX_ATTEMPTS = 12;
/** How long a rejected delivery's body is kept for an operator to look into (docs/compliance.md). */
export const REJECTED_BODY_DAYS = 7;

export async function retryPendingEvents(now = new Date()): Promise<number> {
  const events = await db.webhookEvent.findMany({
    where: {
      AND: [
        { OR: [{ status: "failed" }, { status: "received", receivedAt: { lt: new Date(now.getTime() - STALE_MS) } }] },
        claimable(now),
      ],
      attempts: { lt: MAX_ATTEMPTS },
    },
    orderBy: { receivedAt: "asc" },
    take: 100,
  });
  let retried = 0;
  for (const event of events) {
    const claim = await db.webhookEvent.updateMany({
      where: { id: event.id, ...claimable(now) },
      data: { leaseUntil: new Date(now.getTime() + leaseMs()) },
    });
    if (claim.count !== 1) continue;
    await retryEvent(event);
    retried++;
  }
  return retried;
}

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

export async function runReadyImports(now = new Date()): Promise<number> {
  const jobs = await db.historyImport.findMany({
    where: { source: "bulk", status: { in: ["ready", "importing"] }, ...claimable(now) },
    take: 5,
  });
  let ran = 0;
  for (const job of jobs) {
    const claim = await db.historyImport.updateMany({
      where: { id: job.id, ...claimable(now) },
      data: { leaseUntil: new Date(now.getTime() + leaseMs()) },
    });
    if (claim.count !== 1) continue;
    try {
      const { admin } = await unauthenticated.admin(job.shopDomain);
      await importBulkExport(admin.graphql, job.id);
    } catch (error) {
      // Left claimable after the lease: the next tick resumes from the last committed line.
      log.error("history import interrupted", { importId: job.id, error: String(error) });
      if (job.status === "ready" && /no offline session|Could not find a session/i.test(String(error))) {
        await failImport(job.id, "no access token for the shop");
      }
    }
    ran++;
  }
  return ran;
}

/** Exports running for long without their finish webhook: Shopify is asked, every OVERDUE_EXPORT_MS. */
export async function checkOverdueExports(now = new Date()): Promise<number> {
  const jobs = await db.historyImport.findMany({
    where: {
      source: "bulk",
      status: "running",
      startedAt: { lt: new Date(now.getTime() - OVERDUE_EXPORT_MS) },
      ...claimable(now),
    },
    take: 5,
  });
  let checked = 0;
  for (const job of jobs) {
    const claim = await db.historyImport.updateMany({
      where: { id: job.id, ...claimable(now) },
      data: { leaseUntil: new Date(now.getTime() + OVERDUE_EXPORT_MS) },
    });
    if (claim.count !== 1) continue;
    try {
      const { admin } = await unauthenticated.admin(job.shopDomain);
      await checkOverdueExport(admin.graphql, job);
    } catch (error) {
      log.warn("overdue export not checked", { importId: job.id, error: String(error) });
    }
    checked++;
  }
  return checked;
}

declare global {
  var comebackWorker: NodeJS.Timeout | undefined;
}

export function startWorker(): void {
  if (!env.COMEBACK_WORKER || globalThis.comebackWorker) return;
  let running = false;
  globalThis.comebackWorker = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      await retryPendingEvents();
      await eraseStaleBodies();
      await checkOverdueExports();
      await runReadyImports();
      await runLoyaltyTasks();
      await reviewDueMembers();
      // The local demo has no Shopify store to write metafields to or look codes up in.
      if (!demoShop()) {
        await recoverAbandonedRedemptions();
        await syncMetafields();
        await syncProgramMetafields();
      }
      await pruneRateLimits();
      // CPU-bound for up to a few seconds on a large shop, once a day; see docs/metrics.md.
      await refitStaleModels();
    } catch (error) {
      log.error("worker tick failed", { error: String(error) });
    } finally {
      running = false;
    }
  }, TICK_MS);
  globalThis.comebackWorker.unref();
  // remix-serve closes the HTTP server on these signals; the worker and the database pool would
  // still keep the process alive (PostgreSQL's pool does), so release them too.
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      clearInterval(globalThis.comebackWorker);
      void db.$disconnect();
    });
  }
}
