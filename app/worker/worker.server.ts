// Background work of each app instance, above the domains: their queues run in the job system's
// pool (app/platform/jobs.server.ts, COMEBACK_WORKER_CONCURRENCY slots), and the periodic chores
// that are not jobs run between turns, every COMEBACK_WORKER_INTERVAL_MS. Jobs are claimed with a
// lease, so several instances sharing one database never do one twice, and a killed instance's jobs
// are taken up again when their lease runs out.
import db from "../db.server";
import { env } from "../env.server";
import { demoShop } from "../demo/mode.server";
import { dropTasksWithoutProgram, loyaltyTaskQueue, reviewDueMembers } from "../loyalty/tasks.server";
import { syncMetafields } from "../loyalty/metafields.server";
import { recoverAbandonedRedemptions } from "../loyalty/redemption.server";
import { settleCashback } from "../loyalty/cashback.server";
import { refitStaleModels } from "../metrics/metrics.server";
import { deadJobs, startPool, type DeadJob, type Pool, type Queue } from "../platform/jobs.server";
import { programMetafieldQueue } from "../storefront/program-metafield.server";
import { pruneRateLimits } from "../storefront/rate-limit.server";
import { eraseStaleBodies, historyImportQueue, overdueExportQueue, webhookRetryQueue } from "../sync/jobs.server";

/** Every queue this instance runs; the local demo has no Shopify store to write metafields to. */
export function workerQueues(): Queue[] {
  return [
    loyaltyTaskQueue,
    webhookRetryQueue,
    historyImportQueue,
    overdueExportQueue,
    ...(demoShop() ? [] : [programMetafieldQueue]),
  ];
}

/** Periodic work that is not a queue of jobs: sweeps, reviews due by time, model refits. */
async function chores(): Promise<void> {
  await eraseStaleBodies();
  // Shops without a running program earn nothing: their tasks go in one statement.
  await dropTasksWithoutProgram();
  await reviewDueMembers();
  // The local demo has no Shopify store to write metafields to or look codes up in.
  if (!demoShop()) {
    await recoverAbandonedRedemptions();
    await settleCashback();
    await syncMetafields();
  }
  await pruneRateLimits();
  // CPU-bound for up to a few seconds on a large shop, once a day; see docs/metrics.md.
  await refitStaleModels();
}

export type DeadJobs = { queue: string; total: number; rows: DeadJob[] }[];

/** Jobs whose last attempt failed, with their error, for the Sync page. */
export async function deadJobsOf(shopDomain: string): Promise<DeadJobs> {
  // Failed deliveries and imports have their own cards on the Sync page.
  const queues = [loyaltyTaskQueue, programMetafieldQueue];
  return Promise.all(queues.map(async (queue) => ({ queue: queue.name, ...(await deadJobs(queue, shopDomain)) })));
}

declare global {
  var comebackWorker: Pool | undefined;
}

export function startWorker(): void {
  if (!env.COMEBACK_WORKER || globalThis.comebackWorker) return;
  globalThis.comebackWorker = startPool({
    queues: workerQueues(),
    concurrency: env.COMEBACK_WORKER_CONCURRENCY,
    idleMs: env.COMEBACK_WORKER_INTERVAL_MS,
    chores,
  });
  // remix-serve closes the HTTP server on these signals; the worker and the database pool would
  // still keep the process alive (PostgreSQL's pool does), so release them too.
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      void globalThis.comebackWorker?.stop().finally(() => db.$disconnect());
    });
  }
}
