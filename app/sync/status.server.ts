// What the admin shows about the sync: the copy's size, the history imports, the last webhook
// received per topic, and the deliveries that failed, with their retry state, a page at a time.
import db from "../platform/db/client.server";
import { ACTIVE_IMPORT_STATUSES } from "./history-import.server";
import { MAX_ATTEMPTS } from "./jobs.server";

export const ERRORS_PAGE_SIZE = 10;
const RECENT_IMPORTS = 5;
const ERROR_STATUSES = ["failed", "rejected"];

/** Whether the worker tries a failed delivery again, and when. */
export type RetryState =
  | { state: "scheduled"; attempts: number; maxAttempts: number; nextAttemptAt: string | null }
  | { state: "gaveUp"; attempts: number }
  | { state: "rejected" };

function retryState(event: { status: string; attempts: number; leaseUntil: Date | null }): RetryState {
  if (event.status === "rejected") return { state: "rejected" };
  if (event.attempts >= MAX_ATTEMPTS) return { state: "gaveUp", attempts: event.attempts };
  return {
    state: "scheduled",
    attempts: event.attempts,
    maxAttempts: MAX_ATTEMPTS,
    nextAttemptAt: event.leaseUntil?.toISOString() ?? null,
  };
}

export async function getSyncStatus(shopDomain: string, { errorsPage = 0 }: { errorsPage?: number } = {}) {
  const errorsWhere = { shopDomain, status: { in: ERROR_STATUSES } };
  const [shop, orders, customers, imports, topics, errorsByTopic, errorCount, errors] = await Promise.all([
    db.shop.findUnique({ where: { domain: shopDomain } }),
    db.order.count({ where: { shopDomain, deletedAt: null, processedAt: { not: null } } }),
    db.customer.count({ where: { shopDomain, deletedAt: null } }),
    db.historyImport.findMany({ where: { shopDomain }, orderBy: { startedAt: "desc" }, take: RECENT_IMPORTS }),
    db.webhookEvent.groupBy({ by: ["topic"], where: { shopDomain }, _max: { receivedAt: true }, _count: { _all: true } }),
    db.webhookEvent.groupBy({ by: ["topic"], where: errorsWhere, _count: { _all: true } }),
    db.webhookEvent.count({ where: errorsWhere }),
    db.webhookEvent.findMany({
      where: errorsWhere,
      orderBy: [{ receivedAt: "desc" }, { id: "desc" }],
      skip: errorsPage * ERRORS_PAGE_SIZE,
      take: ERRORS_PAGE_SIZE,
      select: { id: true, topic: true, status: true, lastError: true, receivedAt: true, attempts: true, leaseUntil: true },
    }),
  ]);
  const failuresOf = new Map(errorsByTopic.map((t) => [t.topic, t._count._all]));
  const describeImport = (job: (typeof imports)[number]) => ({
    id: job.id,
    status: job.status,
    source: job.source,
    fileName: job.fileName,
    ordersImported: job.ordersImported,
    startedAt: job.startedAt.toISOString(),
    finishedAt: job.finishedAt?.toISOString() ?? null,
    error: job.error,
  });
  return {
    shop: shop && {
      domain: shop.domain,
      name: shop.name,
      currency: shop.currency,
      timezone: shop.timezone,
      installState: shop.installState,
    },
    orders,
    customers,
    historyImport: imports[0] ? describeImport(imports[0]) : null,
    importRunning: imports.some((job) => ACTIVE_IMPORT_STATUSES.includes(job.status)),
    previousImports: imports.slice(1).map(describeImport),
    webhooks: topics
      .map((t) => ({
        topic: t.topic,
        count: t._count._all,
        failures: failuresOf.get(t.topic) ?? 0,
        lastReceivedAt: t._max.receivedAt?.toISOString() ?? null,
      }))
      .sort((a, b) => a.topic.localeCompare(b.topic)),
    errors: {
      total: errorCount,
      page: errorsPage,
      pageSize: ERRORS_PAGE_SIZE,
      rows: errors.map((e) => ({
        id: e.id,
        topic: e.topic,
        status: e.status,
        error: e.lastError,
        receivedAt: e.receivedAt.toISOString(),
        retry: retryState(e),
      })),
    },
  };
}

export type SyncStatus = Awaited<ReturnType<typeof getSyncStatus>>;
