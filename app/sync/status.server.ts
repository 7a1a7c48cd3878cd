// What the admin shows about the sync: the copy's size, the history import, webhook activity.
import db from "../db.server";

export async function getSyncStatus(shopDomain: string) {
  const [shop, orders, customers, lastImport, topics, failedEvents, recentErrors] = await Promise.all([
    db.shop.findUnique({ where: { domain: shopDomain } }),
    db.order.count({ where: { shopDomain, deletedAt: null, processedAt: { not: null } } }),
    db.customer.count({ where: { shopDomain, deletedAt: null } }),
    db.historyImport.findFirst({ where: { shopDomain }, orderBy: { startedAt: "desc" } }),
    db.webhookEvent.groupBy({ by: ["topic"], where: { shopDomain }, _max: { receivedAt: true }, _count: { _all: true } }),
    db.webhookEvent.count({ where: { shopDomain, status: { in: ["failed", "rejected"] } } }),
    db.webhookEvent.findMany({
      where: { shopDomain, status: { in: ["failed", "rejected"] } },
      orderBy: { receivedAt: "desc" },
      take: 5,
      select: { topic: true, status: true, lastError: true, receivedAt: true },
    }),
  ]);
  return {
    shop: shop && { domain: shop.domain, name: shop.name, currency: shop.currency, timezone: shop.timezone, installState: shop.installState },
    orders,
    customers,
    historyImport: lastImport && {
      status: lastImport.status,
      source: lastImport.source,
      ordersImported: lastImport.ordersImported,
      startedAt: lastImport.startedAt.toISOString(),
      finishedAt: lastImport.finishedAt?.toISOString() ?? null,
      error: lastImport.error,
    },
    webhooks: topics
      .map((t) => ({ topic: t.topic, count: t._count._all, lastReceivedAt: t._max.receivedAt?.toISOString() ?? null }))
      .sort((a, b) => a.topic.localeCompare(b.topic)),
    failedEvents,
    recentErrors: recentErrors.map((e) => ({ ...e, receivedAt: e.receivedAt.toISOString() })),
  };
}

export type SyncStatus = Awaited<ReturnType<typeof getSyncStatus>>;
