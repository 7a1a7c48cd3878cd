// Writes synced records. Webhooks and the history importer share these functions, so a live
// delivery and an overlapping import converge on the same rows.
//
// Every write is a single INSERT ... ON CONFLICT DO UPDATE ... WHERE <incoming is newer>, which
// both SQLite and PostgreSQL execute atomically per row: concurrent deliveries on several app
// instances need no locks, and an older retry never overwrites a newer state.
import { kindOf, type Tx } from "../db.server";
import type { ConsentChange } from "./payloads";
import type { CustomerRecord, OrderRecord, RefundRecord } from "./records";

type Value = string | number | bigint | boolean | Date | null;

function placeholders(tx: Tx, rows: number, columns: number): string {
  const postgres = kindOf(tx) === "postgresql";
  let next = 1;
  const row = () => "(" + Array.from({ length: columns }, () => (postgres ? `$${next++}` : "?")).join(", ") + ")";
  return Array.from({ length: rows }, row).join(", ");
}

function inList(tx: Tx, count: number, offset: number): string {
  const postgres = kindOf(tx) === "postgresql";
  return Array.from({ length: count }, (_, i) => (postgres ? `$${offset + i + 1}` : "?")).join(", ");
}

/** INSERT rows; on a key conflict run `onConflict` (a DO UPDATE/NOTHING clause). */
export async function insertRows(tx: Tx, table: string, columns: string[], rows: Value[][], onConflict: string) {
  if (rows.length === 0) return 0;
  const sql =
    `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES ` +
    placeholders(tx, rows.length, columns.length) +
    " " +
    onConflict;
  return tx.$executeRawUnsafe(sql, ...rows.flat());
}

async function idsByGid(tx: Tx, table: "Customer" | "Order", shopDomain: string, gids: string[]) {
  const ids = new Map<string, number>();
  if (gids.length === 0) return ids;
  const rows = await tx.$queryRawUnsafe<{ id: number; gid: string }[]>(
    `SELECT "id", "gid" FROM "${table}" WHERE "shopDomain" = ${kindOf(tx) === "postgresql" ? "$1" : "?"} AND "gid" IN (${inList(tx, gids.length, 1)})`,
    shopDomain,
    ...gids,
  );
  for (const row of rows) ids.set(row.gid, Number(row.id));
  return ids;
}

const ORDER_COLUMNS = [
  "shopDomain", "gid", "customerId", "name", "processedAt", "shopifyCreatedAt", "shopifyUpdatedAt", "cancelledAt",
  "test", "sourceName", "financialStatus", "currency", "presentmentCurrency", "totalAmount", "subtotalAmount",
  "currentSubtotalAmount", "discountAmount", "shippingAmount", "taxAmount", "refundedAmount", "createdAt", "updatedAt",
];
const ORDER_UPDATED = ORDER_COLUMNS.filter((c) => !["shopDomain", "gid", "createdAt", "refundedAmount"].includes(c));

/**
 * Stores orders (with their customers as stubs and their refunds). An order whose stored
 * `updated_at` is newer than the incoming one, or that was deleted, is left as it is.
 */
export async function upsertOrders(tx: Tx, shopDomain: string, orders: OrderRecord[]): Promise<void> {
  if (orders.length === 0) return;
  const now = new Date();

  const customers = new Map<string, Date | null>();
  for (const order of orders) {
    if (!order.customer) continue;
    const seen = order.customer.createdAt ?? order.processedAt ?? order.createdAt;
    const known = customers.get(order.customer.gid);
    if (known === undefined || (seen && (!known || seen < known))) customers.set(order.customer.gid, seen);
  }
  await insertRows(
    tx,
    "Customer",
    ["shopDomain", "gid", "firstSeenAt", "createdAt", "updatedAt"],
    [...customers].map(([gid, seen]) => [shopDomain, gid, seen, now, now]),
    `ON CONFLICT ("shopDomain", "gid") DO UPDATE SET "firstSeenAt" = excluded."firstSeenAt"
     WHERE "Customer"."firstSeenAt" IS NULL OR excluded."firstSeenAt" < "Customer"."firstSeenAt"`,
  );
  const customerIds = await idsByGid(tx, "Customer", shopDomain, [...customers.keys()]);

  await insertRows(
    tx,
    "Order",
    ORDER_COLUMNS,
    orders.map((o) => [
      shopDomain, o.gid, o.customer ? customerIds.get(o.customer.gid) ?? null : null, o.name, o.processedAt, o.createdAt,
      o.updatedAt, o.cancelledAt, o.test, o.sourceName, o.financialStatus, o.currency, o.presentmentCurrency, o.totalAmount,
      o.subtotalAmount, o.currentSubtotalAmount, o.discountAmount, o.shippingAmount, o.taxAmount, 0n, now, now,
    ]),
    `ON CONFLICT ("shopDomain", "gid") DO UPDATE SET ${ORDER_UPDATED.map((c) => `"${c}" = excluded."${c}"`).join(", ")}
     WHERE "Order"."deletedAt" IS NULL
       AND ("Order"."shopifyUpdatedAt" IS NULL OR "Order"."shopifyUpdatedAt" <= excluded."shopifyUpdatedAt")`,
  );

  const refunds = orders.flatMap((order) => order.refunds);
  if (refunds.length) await upsertRefunds(tx, shopDomain, refunds);
}

/**
 * Stores refunds. A refund can arrive (refunds/create) before its order: the order then exists as
 * a stub without processed_at, which no metric counts, until the order itself arrives.
 */
export async function upsertRefunds(tx: Tx, shopDomain: string, refunds: RefundRecord[], shopCurrency = "USD"): Promise<void> {
  const now = new Date();
  const orderGids = [...new Set(refunds.map((refund) => refund.orderGid))];
  let orderIds = await idsByGid(tx, "Order", shopDomain, orderGids);
  const missing = orderGids.filter((gid) => !orderIds.has(gid));
  if (missing.length) {
    await insertRows(
      tx,
      "Order",
      ["shopDomain", "gid", "currency", "createdAt", "updatedAt"],
      missing.map((gid) => [shopDomain, gid, shopCurrency, now, now]),
      `ON CONFLICT ("shopDomain", "gid") DO NOTHING`,
    );
    orderIds = await idsByGid(tx, "Order", shopDomain, orderGids);
  }
  await insertRows(
    tx,
    "Refund",
    ["shopDomain", "gid", "orderId", "processedAt", "amount", "lineSubtotalAmount", "createdAt"],
    refunds.map((r) => [shopDomain, r.gid, orderIds.get(r.orderGid)!, r.processedAt, r.amount, r.lineSubtotalAmount, now]),
    // Refunds never change on Shopify; a webhook's line detail fills in what a bulk export lacks.
    `ON CONFLICT ("shopDomain", "gid") DO UPDATE SET "lineSubtotalAmount" = COALESCE("Refund"."lineSubtotalAmount", excluded."lineSubtotalAmount")`,
  );
  const ids = orderGids.map((gid) => orderIds.get(gid)!);
  await tx.$executeRawUnsafe(
    `UPDATE "Order" SET "refundedAmount" = (SELECT COALESCE(SUM("amount"), 0) FROM "Refund" WHERE "Refund"."orderId" = "Order"."id")
     WHERE "id" IN (${inList(tx, ids.length, 0)})`,
    ...ids,
  );
}

const CUSTOMER_COLUMNS = [
  "shopDomain", "gid", "email", "firstName", "lastName", "marketingConsent", "marketingConsentAt", "firstSeenAt",
  "shopifyUpdatedAt", "createdAt", "updatedAt",
];

/** Stores a customer unless a newer version, a deletion or a redaction is already stored. */
export async function upsertCustomer(tx: Tx, shopDomain: string, customer: CustomerRecord): Promise<void> {
  const now = new Date();
  await insertRows(
    tx,
    "Customer",
    CUSTOMER_COLUMNS,
    [[
      shopDomain, customer.gid, customer.email, customer.firstName, customer.lastName, customer.marketingConsent,
      customer.marketingConsentAt, customer.createdAt, customer.updatedAt, now, now,
    ]],
    `ON CONFLICT ("shopDomain", "gid") DO UPDATE SET
       "email" = excluded."email", "firstName" = excluded."firstName", "lastName" = excluded."lastName",
       "marketingConsent" = excluded."marketingConsent", "marketingConsentAt" = excluded."marketingConsentAt",
       "firstSeenAt" = COALESCE(excluded."firstSeenAt", "Customer"."firstSeenAt"),
       "shopifyUpdatedAt" = excluded."shopifyUpdatedAt", "updatedAt" = excluded."updatedAt"
     WHERE "Customer"."deletedAt" IS NULL AND "Customer"."redactedAt" IS NULL
       AND ("Customer"."shopifyUpdatedAt" IS NULL OR "Customer"."shopifyUpdatedAt" <= excluded."shopifyUpdatedAt")`,
  );
}

/** customers_email_marketing_consent/update: the newest consent change wins. */
export async function updateEmailConsent(tx: Tx, shopDomain: string, change: ConsentChange, receivedAt: Date): Promise<void> {
  const at = change.at ?? receivedAt;
  await insertRows(
    tx,
    "Customer",
    ["shopDomain", "gid", "marketingConsent", "marketingConsentAt", "createdAt", "updatedAt"],
    [[shopDomain, change.customerGid, change.state, at, receivedAt, receivedAt]],
    `ON CONFLICT ("shopDomain", "gid") DO UPDATE SET "marketingConsent" = excluded."marketingConsent",
       "marketingConsentAt" = excluded."marketingConsentAt", "updatedAt" = excluded."updatedAt"
     WHERE "Customer"."deletedAt" IS NULL AND "Customer"."redactedAt" IS NULL
       AND ("Customer"."marketingConsentAt" IS NULL OR "Customer"."marketingConsentAt" <= excluded."marketingConsentAt")`,
  );
}

/** orders/delete: a tombstone, so that no late delivery brings the order back. */
export async function markOrderDeleted(tx: Tx, shopDomain: string, gid: string, at: Date, currency: string): Promise<void> {
  await insertRows(
    tx,
    "Order",
    ["shopDomain", "gid", "currency", "deletedAt", "createdAt", "updatedAt"],
    [[shopDomain, gid, currency, at, at, at]],
    `ON CONFLICT ("shopDomain", "gid") DO UPDATE SET "deletedAt" = excluded."deletedAt" WHERE "Order"."deletedAt" IS NULL`,
  );
}

/** customers/delete: erase the personal fields and keep a tombstone; orders stay (anonymous revenue). */
export async function markCustomerDeleted(tx: Tx, shopDomain: string, gid: string, at: Date): Promise<void> {
  await insertRows(
    tx,
    "Customer",
    ["shopDomain", "gid", "deletedAt", "createdAt", "updatedAt"],
    [[shopDomain, gid, at, at, at]],
    `ON CONFLICT ("shopDomain", "gid") DO UPDATE SET "deletedAt" = excluded."deletedAt", "email" = NULL,
       "firstName" = NULL, "lastName" = NULL, "updatedAt" = excluded."updatedAt"
     WHERE "Customer"."deletedAt" IS NULL`,
  );
}
