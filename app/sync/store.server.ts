// Writes synced records. Webhooks and the history importer share these functions, so a live
// delivery and an overlapping import converge on the same rows.
//
// Every write is a single INSERT ... ON CONFLICT DO UPDATE ... WHERE <incoming is newer>, which
// both SQLite and PostgreSQL execute atomically per row: concurrent deliveries on several app
// instances need no locks, and an older retry never overwrites a newer state.
//
// A redacted customer never comes back: every row naming a customer carries the keyed digest of
// their GID (redaction.server.ts), and the same statement leaves it out when the digest is among
// the shop's redacted customers; their orders join the pseudonymised customer row instead.
import { customerDigest } from "./redaction.server";
import { insertRows, shopAndGids, type Column, type SqlRunner } from "../platform/sql/rows.server";
import type { ConsentChange } from "./payloads";
import type { CustomerProfile, CustomerRecord, OrderRecord, RefundRecord } from "./records";

const ORDER_COLUMNS: Column[] = [
  ["shopDomain", "text"],
  ["gid", "text"],
  ["customerId", "customerGid"],
  ["name", "text"],
  ["processedAt", "time"],
  ["shopifyCreatedAt", "time"],
  ["shopifyUpdatedAt", "time"],
  ["cancelledAt", "time"],
  ["test", "bool"],
  ["sourceName", "text"],
  ["financialStatus", "text"],
  ["currency", "text"],
  ["presentmentCurrency", "text"],
  ["totalAmount", "bigint"],
  ["subtotalAmount", "bigint"],
  ["currentSubtotalAmount", "bigint"],
  ["discountAmount", "bigint"],
  ["shippingAmount", "bigint"],
  ["taxAmount", "bigint"],
  ["refundedAmount", "bigint"],
  ["discountCodes", "text"],
  ["createdAt", "time"],
  ["updatedAt", "time"],
];
const ORDER_UPDATED = ORDER_COLUMNS.map(([name]) => name).filter(
  (c) => !["shopDomain", "gid", "createdAt", "refundedAmount", "discountCodes"].includes(c),
);

/** One row per key: a statement may not upsert the same row twice (PostgreSQL refuses). */
function newestByGid<T extends { gid: string }>(items: T[], newer: (a: T, b: T) => boolean): T[] {
  const byGid = new Map<string, T>();
  for (const item of items) {
    const seen = byGid.get(item.gid);
    if (!seen || newer(item, seen)) byGid.set(item.gid, item);
  }
  return byGid.size === items.length ? items : [...byGid.values()];
}

/**
 * Stores orders (with their customers as stubs and their refunds). An order whose stored
 * `updated_at` is newer than the incoming one, or that was deleted, is left as it is.
 */
export async function upsertOrders(tx: SqlRunner, shopDomain: string, incoming: OrderRecord[]): Promise<void> {
  if (incoming.length === 0) return;
  const orders = newestByGid(incoming, (a, b) => a.updatedAt >= b.updatedAt);
  const now = new Date();

  await upsertCustomerStubs(tx, shopDomain, orders, now);

  await insertRows(
    tx,
    "Order",
    ORDER_COLUMNS,
    orders.map((o) => [
      shopDomain,
      o.gid,
      o.customer?.gid ?? null,
      o.name,
      o.processedAt,
      o.createdAt,
      o.updatedAt,
      o.cancelledAt,
      o.test,
      o.sourceName,
      o.financialStatus,
      o.currency,
      o.presentmentCurrency,
      o.totalAmount,
      o.subtotalAmount,
      o.currentSubtotalAmount,
      o.discountAmount,
      o.shippingAmount,
      o.taxAmount,
      0n,
      o.discountCodes ? JSON.stringify(o.discountCodes.map(({ code, amount }) => ({ code, amount: String(amount) }))) : null,
      now,
      now,
      o.customer ? customerDigest(shopDomain, o.customer.gid) : null,
    ]),
    // The history import has no codes: it keeps what a webhook stored.
    `ON CONFLICT ("shopDomain", "gid") DO UPDATE SET ${ORDER_UPDATED.map((c) => `"${c}" = excluded."${c}"`).join(", ")},
       "discountCodes" = COALESCE(excluded."discountCodes", "Order"."discountCodes")
     WHERE "Order"."deletedAt" IS NULL
       AND ("Order"."shopifyUpdatedAt" IS NULL OR "Order"."shopifyUpdatedAt" <= excluded."shopifyUpdatedAt")`,
    "pseudonym",
  );

  const refunds = newestByGid(
    orders.flatMap((order) => order.refunds),
    () => false,
  );
  if (refunds.length) await upsertRefunds(tx, shopDomain, refunds);
}

/**
 * Stores refunds. A refund can arrive (refunds/create) before its order: the order then exists as
 * a stub without processed_at, which no metric counts, until the order itself arrives.
 */
export async function upsertRefunds(
  tx: SqlRunner,
  shopDomain: string,
  refunds: RefundRecord[],
  shopCurrency = "USD",
): Promise<void> {
  const now = new Date();
  const orderGids = [...new Set(refunds.map((refund) => refund.orderGid))];
  await insertRows(
    tx,
    "Order",
    [
      ["shopDomain", "text"],
      ["gid", "text"],
      ["currency", "text"],
      ["createdAt", "time"],
      ["updatedAt", "time"],
    ],
    orderGids.map((gid) => [shopDomain, gid, shopCurrency, now, now]),
    `ON CONFLICT ("shopDomain", "gid") DO NOTHING`,
  );
  await insertRows(
    tx,
    "Refund",
    [
      ["shopDomain", "text"],
      ["gid", "text"],
      ["orderId", "orderGid"],
      ["processedAt", "time"],
      ["amount", "bigint"],
      ["lineSubtotalAmount", "bigint"],
      ["createdAt", "time"],
    ],
    refunds.map((r) => [shopDomain, r.gid, r.orderGid, r.processedAt, r.amount, r.lineSubtotalAmount, now]),
    // Refunds never change on Shopify; a webhook's line detail fills in what a bulk export lacks.
    `ON CONFLICT ("shopDomain", "gid") DO UPDATE SET "lineSubtotalAmount" = COALESCE("Refund"."lineSubtotalAmount", excluded."lineSubtotalAmount")`,
  );
  const [where, ...params] = shopAndGids(shopDomain, orderGids);
  await tx.$executeRawUnsafe(
    `UPDATE "Order" SET "refundedAmount" = (SELECT COALESCE(SUM("amount"), 0) FROM "Refund" WHERE "Refund"."orderId" = "Order"."id")
     WHERE ${where}`,
    ...params,
  );
}

const STUB_COLUMNS: Column[] = [
  ["shopDomain", "text"],
  ["gid", "text"],
  ["firstSeenAt", "time"],
  ["firstName", "text"],
  ["lastName", "text"],
  ["email", "text"],
  ["marketingConsent", "text"],
  ["marketingConsentAt", "time"],
  ["shopifyUpdatedAt", "time"],
  ["createdAt", "time"],
  ["updatedAt", "time"],
];

/** The incoming profile is newer than the stored one, and the customer was neither deleted nor redacted. */
const NEWER_PROFILE = `excluded."shopifyUpdatedAt" IS NOT NULL AND "Customer"."deletedAt" IS NULL AND "Customer"."redactedAt" IS NULL
  AND ("Customer"."shopifyUpdatedAt" IS NULL OR "Customer"."shopifyUpdatedAt" < excluded."shopifyUpdatedAt")`;
const EARLIER_SEEN = `"Customer"."firstSeenAt" IS NULL OR excluded."firstSeenAt" < "Customer"."firstSeenAt"`;
/** ...and its consent is not older than the stored one (a consent webhook may have been newer). */
const NEWER_CONSENT = `${NEWER_PROFILE} AND ("Customer"."marketingConsentAt" IS NULL
  OR (excluded."marketingConsentAt" IS NOT NULL AND "Customer"."marketingConsentAt" <= excluded."marketingConsentAt"))`;
const ifNewerConsent = (column: string) =>
  `"${column}" = CASE WHEN ${NEWER_CONSENT} THEN excluded."${column}" ELSE "Customer"."${column}" END`;
const ifNewer = (column: string) =>
  `"${column}" = CASE WHEN ${NEWER_PROFILE} THEN excluded."${column}" ELSE "Customer"."${column}" END`;

/**
 * The orders' customers, in one statement: each as a stub with the earliest time it was seen, and
 * with the name, e-mail and consent the order carries (the history export's), newest per customer,
 * written only over an older version; consent only over an older consent.
 */
async function upsertCustomerStubs(tx: SqlRunner, shopDomain: string, orders: OrderRecord[], now: Date): Promise<void> {
  const customers = new Map<string, { seen: Date | null; profile?: CustomerProfile }>();
  for (const order of orders) {
    if (!order.customer) continue;
    const seen = order.customer.createdAt ?? order.processedAt ?? order.createdAt;
    const { profile } = order.customer;
    const known = customers.get(order.customer.gid);
    if (!known) {
      customers.set(order.customer.gid, { seen, profile });
      continue;
    }
    if (seen && (!known.seen || seen < known.seen)) known.seen = seen;
    if (profile && (!known.profile || known.profile.updatedAt < profile.updatedAt)) known.profile = profile;
  }
  await insertRows(
    tx,
    "Customer",
    STUB_COLUMNS,
    [...customers].map(([gid, { seen, profile: p }]) => [
      shopDomain,
      gid,
      seen,
      p?.firstName ?? null,
      p?.lastName ?? null,
      p?.email ?? null,
      p?.marketingConsent ?? null,
      p?.marketingConsentAt ?? null,
      p?.updatedAt ?? null,
      now,
      now,
      customerDigest(shopDomain, gid),
    ]),
    `ON CONFLICT ("shopDomain", "gid") DO UPDATE SET
       "firstSeenAt" = CASE WHEN ${EARLIER_SEEN} THEN excluded."firstSeenAt" ELSE "Customer"."firstSeenAt" END,
       ${["marketingConsent", "marketingConsentAt"].map(ifNewerConsent).join(", ")},
       ${["firstName", "lastName", "email", "shopifyUpdatedAt", "updatedAt"].map(ifNewer).join(", ")}
     WHERE ${EARLIER_SEEN} OR (${NEWER_PROFILE})`,
    "skip",
  );
}

const CUSTOMER_COLUMNS: Column[] = [
  ["shopDomain", "text"],
  ["gid", "text"],
  ["email", "text"],
  ["firstName", "text"],
  ["lastName", "text"],
  ["marketingConsent", "text"],
  ["marketingConsentAt", "time"],
  ["firstSeenAt", "time"],
  ["shopifyUpdatedAt", "time"],
  ["createdAt", "time"],
  ["updatedAt", "time"],
];

/** Stores a customer unless a newer version, a deletion or a redaction is already stored. */
export async function upsertCustomer(tx: SqlRunner, shopDomain: string, customer: CustomerRecord): Promise<void> {
  const now = new Date();
  await insertRows(
    tx,
    "Customer",
    CUSTOMER_COLUMNS,
    [
      [
        shopDomain,
        customer.gid,
        customer.email,
        customer.firstName,
        customer.lastName,
        customer.marketingConsent,
        customer.marketingConsentAt,
        customer.createdAt,
        customer.updatedAt,
        now,
        now,
        customerDigest(shopDomain, customer.gid),
      ],
    ],
    `ON CONFLICT ("shopDomain", "gid") DO UPDATE SET
       "email" = excluded."email", "firstName" = excluded."firstName", "lastName" = excluded."lastName",
       "marketingConsent" = excluded."marketingConsent", "marketingConsentAt" = excluded."marketingConsentAt",
       "firstSeenAt" = COALESCE(excluded."firstSeenAt", "Customer"."firstSeenAt"),
       "shopifyUpdatedAt" = excluded."shopifyUpdatedAt", "updatedAt" = excluded."updatedAt"
     WHERE "Customer"."deletedAt" IS NULL AND "Customer"."redactedAt" IS NULL
       AND ("Customer"."shopifyUpdatedAt" IS NULL OR "Customer"."shopifyUpdatedAt" <= excluded."shopifyUpdatedAt")`,
    "skip",
  );
}

/** customers_email_marketing_consent/update: the newest consent change wins. */
export async function updateEmailConsent(
  tx: SqlRunner,
  shopDomain: string,
  change: ConsentChange,
  receivedAt: Date,
): Promise<void> {
  const at = change.at ?? receivedAt;
  await insertRows(
    tx,
    "Customer",
    [
      ["shopDomain", "text"],
      ["gid", "text"],
      ["marketingConsent", "text"],
      ["marketingConsentAt", "time"],
      ["createdAt", "time"],
      ["updatedAt", "time"],
    ],
    [[shopDomain, change.customerGid, change.state, at, receivedAt, receivedAt, customerDigest(shopDomain, change.customerGid)]],
    `ON CONFLICT ("shopDomain", "gid") DO UPDATE SET "marketingConsent" = excluded."marketingConsent",
       "marketingConsentAt" = excluded."marketingConsentAt", "updatedAt" = excluded."updatedAt"
     WHERE "Customer"."deletedAt" IS NULL AND "Customer"."redactedAt" IS NULL
       AND ("Customer"."marketingConsentAt" IS NULL OR "Customer"."marketingConsentAt" <= excluded."marketingConsentAt")`,
    "skip",
  );
}

/** orders/delete: a tombstone, so that no late delivery brings the order back. */
export async function markOrderDeleted(
  tx: SqlRunner,
  shopDomain: string,
  gid: string,
  at: Date,
  currency: string,
): Promise<void> {
  await insertRows(
    tx,
    "Order",
    [
      ["shopDomain", "text"],
      ["gid", "text"],
      ["currency", "text"],
      ["deletedAt", "time"],
      ["createdAt", "time"],
      ["updatedAt", "time"],
    ],
    [[shopDomain, gid, currency, at, at, new Date()]],
    // updatedAt moves so that the metrics, which read changed orders, see the deletion.
    `ON CONFLICT ("shopDomain", "gid") DO UPDATE SET "deletedAt" = excluded."deletedAt", "updatedAt" = excluded."updatedAt"
     WHERE "Order"."deletedAt" IS NULL`,
  );
}

/** customers/delete: erase the personal fields and keep a tombstone; orders stay (anonymous revenue). */
export async function markCustomerDeleted(tx: SqlRunner, shopDomain: string, gid: string, at: Date): Promise<void> {
  await insertRows(
    tx,
    "Customer",
    [
      ["shopDomain", "text"],
      ["gid", "text"],
      ["deletedAt", "time"],
      ["createdAt", "time"],
      ["updatedAt", "time"],
    ],
    [[shopDomain, gid, at, at, at, customerDigest(shopDomain, gid)]],
    `ON CONFLICT ("shopDomain", "gid") DO UPDATE SET "deletedAt" = excluded."deletedAt", "email" = NULL,
       "firstName" = NULL, "lastName" = NULL, "updatedAt" = excluded."updatedAt"
     WHERE "Customer"."deletedAt" IS NULL`,
    "skip",
  );
}
