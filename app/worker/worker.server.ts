// Background work of each app instance, above the domains: their queues run in the job system's
// pool (app/platform/jobs.server.ts, COMEBACK_WORKER_CONCURRENCY slots), and the periodic chores
// that are not jobs run between turns, every COMEBACK_WORKER_INTERVAL_MS. Jobs are claimed with a
// lease, so several instances sharing one database never do one twice, and a killed instance's jobs
// are taken up again when their lease runs out.
import db from "../platform/db/client.server";
import { env } from "../platform/env.server";
import { demoShop } from "../demo/mode.server";
import { dropTasksWithoutProgram, loyaltyTaskQueue, memberReviewQueue, requestDueReviews } from "../loyalty/tasks.server";
import { memberMetafieldQueue } from "../loyalty/metafields.server";
import { abandonedRedemptionQueue } from "../loyalty/redemption.server";
import { abandonedClaimQueue } from "../referrals/claims.server";
import { cashbackQueue } from "../loyalty/cashback.server";
import { campaignQueue } from "../campaigns/campaigns.server";
import { campaignOfferQueue } from "../campaigns/offers.server";
import { flowTriggerQueue, pruneFlowTriggerEvents } from "../delivery/flow.server";
import { queueReadySurveys } from "../feedback/ready.server";
import { customerSignalQueue, refreshStaleSignals } from "../delivery/signals.server";
import { refitStaleModels } from "../metrics/metrics.server";
import { deadJobs, startPool, type DeadJob, type Pool, type Queue } from "../platform/jobs.server";
import { programMetafieldQueue } from "../storefront/program-metafield.server";
import { pruneRateLimits } from "../storefront/rate-limit.server";
import { eraseStaleBodies, historyImportQueue, overdueExportQueue, webhookRetryQueue } from "../sync/jobs.server";

/** Every queue this instance runs; the local demo has no Shopify store to write metafields to or look codes up in. */
export function workerQueues(): Queue[] {
  return [
    loyaltyTaskQueue,
    memberReviewQueue,
    webhookRetryQueue,
    historyImportQueue,
    overdueExportQueue,
    campaignQueue,
    ...(demoShop()
      ? []
      : [
          programMetafieldQueue,
          cashbackQueue,
          memberMetafieldQueue,
          abandonedRedemptionQueue,
          abandonedClaimQueue,
          campaignOfferQueue,
          flowTriggerQueue,
          customerSignalQueue,
        ]),
  ];
}

/** Periodic work that is not a queue of jobs: sweeps, asking for reviews due by time, model refits. */
async function chores(): Promise<void> {
  await eraseStaleBodies();
  // Shops without a running program earn nothing: their tasks go in one statement.
  await dropTasksWithoutProgram();
  // Reviews due by time (points becoming available or expiring) become review tasks.
  await requestDueReviews();
  await pruneRateLimits();
  await pruneFlowTriggerEvents();
  // CPU-bound for up to a few seconds on a large shop, once a day; see docs/metrics.md.
  await refitStaleModels();
  // After a refit: churn-risk moves to high (a Flow trigger) and the customer metafields' values,
  // which the customer-signals queue writes.
  await refreshStaleSignals();
  // Surveys that became due: Flow's "Customer survey ready", for shops whose workflows use it.
  await queueReadySurveys();
}

export type DeadJobs = { queue: string; total: number; rows: DeadJob[] }[];

/** Jobs whose last attempt failed, with their error, for the Sync page. */
export async function deadJobsOf(shopDomain: string): Promise<DeadJobs> {
  // Failed deliveries and imports have their own cards on the Sync page.
  const queues = [
    loyaltyTaskQueue,
    memberMetafieldQueue,
    programMetafieldQueue,
    cashbackQueue,
    abandonedRedemptionQueue,
    abandonedClaimQueue,
    campaignQueue,
    campaignOfferQueue,
    flowTriggerQueue,
    customerSignalQueue,
  ];
  return Promise.all(queues.map(async (queue) => ({ queue: queue.name, ...(await deadJobs(queue, shopDomain)) })));
}

declare global {
  var comebackWorker: Pool | undefined;
  /** Set by the production server (server.mjs), which calls stopWorker once its last request is answered. */
  var comebackServerStopsWorker: boolean | undefined;
}

/** Stops this instance's worker and releases the database (PostgreSQL's pool would keep the process alive). */
export function stopWorker(): Promise<void> {
  return (globalThis.comebackWorker?.stop() ?? Promise.resolve()).finally(() => db.$disconnect());
}

export function startWorker(): void {
  if (!env.COMEBACK_WORKER || globalThis.comebackWorker) return;
  globalThis.comebackWorker = startPool({
    queues: workerQueues(),
    concurrency: env.COMEBACK_WORKER_CONCURRENCY,
    idleMs: env.COMEBACK_WORKER_INTERVAL_MS,
    chores,
  });
  // Any other server (Vite's in development) is left to close itself on these signals.
  if (globalThis.comebackServerStopsWorker) return;
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => void stopWorker());
}
