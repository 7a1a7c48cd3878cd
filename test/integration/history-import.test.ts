// Install through token exchange, the orders Bulk Operation, bulk_operations/finish, and the
// streamed import by the app's worker; Shopify's side is the local Admin API double.
import { describe, expect, inject, it } from "vitest";
import { syntheticJsonl } from "../../app/demo/synthetic-history";
import { ORDERS_BULK_QUERY } from "../../app/sync/history-import.server";
import { toMinorUnits } from "../../app/platform/money";
import { testDb } from "../support/db";
import { BROWSER_HEADERS, embeddedAppUrl, sessionToken } from "../support/session-token";
import { waitFor } from "../support/wait";
import { fixture, fixtureFor, sendWebhook, uniqueShop } from "../support/webhooks";

const app = () => inject("appUrl");
const double = () => inject("adminDoubleUrl");

let histories = 0;

/** A synthetic export with GIDs of its own: Shopify's GIDs are global, and webhooks refuse one another shop holds. */
function history(customers: number, options: { profiles?: boolean } = {}) {
  const offset = BigInt(Date.now() % 1_000_000) * 10n ** 12n + BigInt(++histories) * 10n ** 10n;
  const lines = [
    ...syntheticJsonl({
      customers,
      start: new Date("2023-01-01T00:00:00Z"),
      end: new Date("2025-12-31T00:00:00Z"),
      seed: 7,
      ...options,
    }),
  ].map((line) =>
    line.replace(
      /gid:\/\/shopify\/(Order|Customer|Refund)\/(\d+)/g,
      (_, kind, id) => `gid://shopify/${kind}/${BigInt(id) + offset}`,
    ),
  );
  const orders = lines.map((line) => JSON.parse(line));
  const total = orders.reduce((sum, o) => sum + toMinorUnits(o.totalPriceSet.shopMoney.amount, "EUR"), 0n);
  return { jsonl: lines.join("\n") + "\n", orders, total };
}

async function configureShop(shop: string, config: Record<string, unknown>) {
  const response = await fetch(`${double()}/_test/shops/${shop}`, { method: "PUT", body: JSON.stringify(config) });
  expect(response.ok).toBe(true);
}

async function install(shop: string) {
  const response = await fetch(embeddedAppUrl(app(), shop, sessionToken(shop)), { redirect: "manual", headers: BROWSER_HEADERS });
  expect(response.status).toBe(200);
  return response.text();
}

async function sentRequests(shop: string) {
  return (await (await fetch(`${double()}/_test/requests?shop=${shop}`)).json()) as { path: string; body: any }[];
}

describe("history import", () => {
  it("imports all orders after install, and live webhooks that overlap the import keep the newest state", async () => {
    const shop = uniqueShop("install");
    const { jsonl, orders, total } = history(150);
    await configureShop(shop, { name: "Install Test", currencyCode: "EUR", ianaTimezone: "Europe/Helsinki", jsonl });

    const page = await install(shop);
    expect(page).toContain("No orders yet"); // the dashboard, before the history arrives

    const requests = await sentRequests(shop);
    expect(requests[0].path).toBe("/admin/oauth/access_token");
    expect(requests[0].body.grant_type).toBe("urn:ietf:params:oauth:grant-type:token-exchange");
    const bulkStart = requests.find((r) => String(r.body.query).includes("bulkOperationRunQuery"));
    expect(bulkStart!.body.variables.query).toBe(ORDERS_BULK_QUERY);
    const db = testDb();
    expect(await db.shop.findUnique({ where: { domain: shop } })).toMatchObject({
      currency: "EUR",
      timezone: "Europe/Helsinki",
      name: "Install Test",
    });
    const job = await db.historyImport.findFirstOrThrow({ where: { shopDomain: shop } });
    expect(job.status).toBe("running");

    // While Shopify prepares the export, a live update arrives for one order (newer than the export)
    // and a stale one for another (older than the export).
    const newer = orders[10];
    const older = orders[20];
    const liveOrder = (gid: string, updatedAt: string, name: string) => ({
      ...fixtureFor("orders/updated", shop),
      admin_graphql_api_id: gid,
      updated_at: updatedAt,
      name,
      customer: null,
      refunds: [],
    });
    await sendWebhook(app(), { topic: "orders/updated", shop, body: liveOrder(newer.id, new Date().toISOString(), "#live") });
    await sendWebhook(app(), { topic: "orders/updated", shop, body: liveOrder(older.id, "2020-01-01T00:00:00Z", "#stale") });

    const finish = { ...fixture("bulk_operations/finish"), admin_graphql_api_id: job.bulkOperationGid };
    expect((await sendWebhook(app(), { topic: "bulk_operations/finish", shop, body: finish })).status).toBe(200);

    const done = await waitFor("the import to complete", async () => {
      const current = await db.historyImport.findUniqueOrThrow({ where: { id: job.id } });
      if (current.status === "failed") throw new Error(`import failed: ${current.error}`);
      return current.status === "completed" && current;
    });
    expect(done.ordersImported).toBe(orders.length);
    expect(await db.order.count({ where: { shopDomain: shop } })).toBe(orders.length);
    const stored = await db.order.findMany({ where: { shopDomain: shop }, select: { gid: true, name: true, totalAmount: true } });
    const byGid = new Map(stored.map((o) => [o.gid, o]));
    expect(byGid.get(newer.id)!.name).toBe("#live");
    expect(byGid.get(older.id)!.name).toBe(older.name);
    const storedTotal = stored.filter((o) => o.gid !== newer.id).reduce((sum, o) => sum + o.totalAmount, 0n);
    const fileTotal = total - toMinorUnits(newer.totalPriceSet.shopMoney.amount, "EUR");
    expect(storedTotal).toBe(fileTotal);
    const customers = new Set(orders.filter((o) => o.customer).map((o) => o.customer.id));
    expect(await db.customer.count({ where: { shopDomain: shop } })).toBe(customers.size);

    const status = await install(shop);
    expect(status).toContain(orders.filter((o) => o.processedAt).length.toLocaleString("en"));
    // Opening the app again starts no second export.
    expect((await sentRequests(shop)).filter((r) => String(r.body.query).includes("bulkOperationRunQuery"))).toHaveLength(1);
  });

  it("records a failed export with Shopify's reason", async () => {
    const shop = uniqueShop("bulkfail");
    await configureShop(shop, {
      name: "Busy",
      currencyCode: "USD",
      ianaTimezone: "America/New_York",
      bulkUserError: "A bulk query operation for this app and shop is already in progress",
    });
    await install(shop);
    const job = await testDb().historyImport.findFirstOrThrow({ where: { shopDomain: shop } });
    expect(job).toMatchObject({ status: "failed", error: "A bulk query operation for this app and shop is already in progress" });
  });

  it("asks Shopify about an export whose finish webhook never came, and imports it", async () => {
    const shop = uniqueShop("overdue");
    const { jsonl, orders } = history(20);
    await configureShop(shop, { name: "Overdue Test", currencyCode: "EUR", ianaTimezone: "UTC", jsonl });
    await install(shop);
    const db = testDb();
    const job = await db.historyImport.findFirstOrThrow({ where: { shopDomain: shop } });
    expect(job.status).toBe("running");
    const asked = async () =>
      (await sentRequests(shop)).filter((r) => String(r.body.query).includes("BulkOperationStatus")).length;
    // Not yet overdue: the worker leaves it to the webhook.
    await new Promise((done) => setTimeout(done, 1000));
    expect(await asked()).toBe(0);

    await db.historyImport.update({ where: { id: job.id }, data: { startedAt: new Date(Date.now() - 3_600_000) } });
    const done = await waitFor("the overdue export to be imported", async () => {
      const current = await db.historyImport.findUniqueOrThrow({ where: { id: job.id } });
      if (current.status === "failed") throw new Error(`import failed: ${current.error}`);
      return current.status === "completed" && current;
    });
    expect(done.ordersImported).toBe(orders.length);
    expect(await db.order.count({ where: { shopDomain: shop } })).toBe(orders.length);
    expect(await asked()).toBeGreaterThanOrEqual(1);
  });

  it("stores the customers' names, e-mails and marketing consent from the export, under a newer customers/update or consent change and never onto a deleted customer", async () => {
    const shop = uniqueShop("profiles");
    const { jsonl, orders } = history(40, { profiles: true });
    await configureShop(shop, { name: "Profiles Test", currencyCode: "EUR", ianaTimezone: "UTC", jsonl });
    await install(shop);
    const db = testDb();
    const job = await db.historyImport.findFirstOrThrow({ where: { shopDomain: shop } });
    const customers = [...new Map(orders.filter((o) => o.customer).map((o) => [o.customer.id, o.customer])).values()];
    const [renamed, deleted, plain] = customers;
    const unsubscribed = customers.slice(3).find((c) => c.defaultEmailAddress.marketingState === "SUBSCRIBED")!;

    // While the export runs, one customer changes their name (newer than the export) and another is deleted.
    const customerWebhook = (gid: string, fields: Record<string, unknown>) => {
      const { addresses: _a, default_address: _d, id: _id, ...rest } = fixtureFor("customers/update", shop);
      return { ...rest, admin_graphql_api_id: gid, ...fields };
    };
    await sendWebhook(app(), {
      topic: "customers/update",
      shop,
      body: customerWebhook(renamed.id, {
        first_name: "Renamed",
        last_name: "Later",
        email: "renamed@example.com",
        updated_at: new Date().toISOString(),
      }),
    }).then((response) => expect(response.status).toBe(200));
    // As Shopify sends it: a numeric id above 2^53, exact in the raw text.
    // A consent change while the export runs is newer than the export's state.
    const consent = {
      customer_id: unsubscribed.id.split("/").pop(),
      email_address: unsubscribed.defaultEmailAddress.emailAddress,
      email_marketing_consent: { state: "unsubscribed", opt_in_level: null, consent_updated_at: new Date().toISOString() },
    };
    expect((await sendWebhook(app(), { topic: "customers_email_marketing_consent/update", shop, body: consent })).status).toBe(
      200,
    );
    const deletion = `{"id":${deleted.id.split("/").pop()},"tax_exemptions":[],"admin_graphql_api_id":"${deleted.id}"}`;
    expect((await sendWebhook(app(), { topic: "customers/delete", shop, body: deletion })).status).toBe(200);

    const stored = async (gid: string) => db.customer.findUniqueOrThrow({ where: { shopDomain_gid: { shopDomain: shop, gid } } });
    // Both are stored before the export's lines arrive, so the import meets them.
    await waitFor(
      "the live changes",
      async () =>
        (await stored(renamed.id).catch(() => null))?.firstName === "Renamed" &&
        !!(await stored(deleted.id).catch(() => null))?.deletedAt,
    );

    const finish = { ...fixture("bulk_operations/finish"), admin_graphql_api_id: job.bulkOperationGid };
    await sendWebhook(app(), { topic: "bulk_operations/finish", shop, body: finish });
    await waitFor("the import to complete", async () => {
      const current = await db.historyImport.findUniqueOrThrow({ where: { id: job.id } });
      if (current.status === "failed") throw new Error(`import failed: ${current.error}`);
      return current.status === "completed";
    });

    expect(await stored(plain.id)).toMatchObject({
      firstName: plain.firstName,
      lastName: plain.lastName,
      email: plain.defaultEmailAddress.emailAddress,
      // Stored as the consent webhook writes it.
      marketingConsent: plain.defaultEmailAddress.marketingState.toLowerCase(),
      shopifyUpdatedAt: new Date(plain.updatedAt),
    });
    expect(await stored(unsubscribed.id)).toMatchObject({
      email: unsubscribed.defaultEmailAddress.emailAddress,
      marketingConsent: "unsubscribed",
    });
    expect(await db.customer.count({ where: { shopDomain: shop, marketingConsent: "subscribed" } })).toBeGreaterThan(0);
    expect(await stored(renamed.id)).toMatchObject({ firstName: "Renamed", lastName: "Later", email: "renamed@example.com" });
    const gone = await stored(deleted.id);
    expect(gone).toMatchObject({ firstName: null, lastName: null, email: null });
    expect(gone.deletedAt).not.toBeNull();
    expect(await db.customer.count({ where: { shopDomain: shop, firstName: null } })).toBe(1);
  });
});
