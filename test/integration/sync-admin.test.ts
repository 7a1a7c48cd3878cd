// The sync page's "re-run import" inside Shopify: a new orders Bulk Operation through the Admin
// API (the local double), refused while an import runs or when Shopify refuses it, and only with
// a valid session token. The dashboard of a shop without orders is an empty state, not a blank page.
import { describe, expect, inject, it } from "vitest";
import { syntheticJsonl } from "../../app/demo/synthetic-history";
import { ORDERS_BULK_QUERY } from "../../app/sync/history-import.server";
import { testDb } from "../support/db";
import { BROWSER_HEADERS, embeddedAppUrl, sessionToken } from "../support/session-token";
import { waitFor } from "../support/wait";
import { fixture, sendWebhook, uniqueShop } from "../support/webhooks";

const app = () => inject("appUrl");
const double = () => inject("adminDoubleUrl");

async function install(shop: string, config: Record<string, unknown> = {}) {
  const jsonl =
    [
      ...syntheticJsonl({
        customers: 20,
        start: new Date("2025-01-01T00:00:00Z"),
        end: new Date("2025-06-30T00:00:00Z"),
        seed: 3,
      }),
    ].join("\n") + "\n";
  const configured = await fetch(`${double()}/_test/shops/${shop}`, {
    method: "PUT",
    body: JSON.stringify({ name: "Sync Test", currencyCode: "EUR", ianaTimezone: "Europe/Berlin", jsonl, ...config }),
  });
  expect(configured.ok).toBe(true);
  const response = await fetch(embeddedAppUrl(app(), shop, sessionToken(shop)), { redirect: "manual", headers: BROWSER_HEADERS });
  expect(response.status).toBe(200);
  return response.text();
}

/** The sync page's action, as the page's fetcher sends it (App Bridge adds the session token). */
function rerun(shop: string, token: string | null = sessionToken(shop)) {
  return fetch(`${app()}/app/sync.data`, {
    method: "POST",
    headers: {
      ...BROWSER_HEADERS,
      "Content-Type": "application/x-www-form-urlencoded",
      ...(token && { Authorization: `Bearer ${token}` }),
    },
    body: "",
    redirect: "manual",
  });
}

async function bulkStarts(shop: string) {
  const requests = (await (await fetch(`${double()}/_test/requests?shop=${shop}`)).json()) as { body: any }[];
  return requests.filter((r) => String(r.body?.query).includes("bulkOperationRunQuery"));
}

async function finishImport(shop: string, bulkOperationGid: string) {
  const finish = { ...fixture("bulk_operations/finish"), admin_graphql_api_id: bulkOperationGid };
  expect((await sendWebhook(app(), { topic: "bulk_operations/finish", shop, body: finish })).status).toBe(200);
  const db = testDb();
  return waitFor("the import to complete", async () => {
    const job = await db.historyImport.findFirstOrThrow({ where: { shopDomain: shop, bulkOperationGid } });
    if (job.status === "failed") throw new Error(`import failed: ${job.error}`);
    return job.status === "completed" && job;
  });
}

describe("re-running the history import", () => {
  it("is refused while the import runs, then starts a new Bulk Operation that imports again", async () => {
    const shop = uniqueShop("rerun");
    const page = await install(shop);
    expect(page).toContain("No orders yet"); // the dashboard before the history arrives
    const db = testDb();
    const first = await db.historyImport.findFirstOrThrow({ where: { shopDomain: shop } });
    expect(first.status).toBe("running");

    const refused = await rerun(shop);
    expect(refused.status).toBe(200);
    expect(await refused.text()).toContain("running");
    expect(await bulkStarts(shop)).toHaveLength(1);
    expect(await db.historyImport.count({ where: { shopDomain: shop } })).toBe(1);

    const done = await finishImport(shop, first.bulkOperationGid!);
    const orders = await db.order.count({ where: { shopDomain: shop } });
    expect(orders).toBe(done.ordersImported);
    expect(orders).toBeGreaterThan(0);

    const started = await rerun(shop);
    expect(started.status).toBe(200);
    const starts = await bulkStarts(shop);
    expect(starts).toHaveLength(2);
    expect(starts[1]!.body.variables.query).toBe(ORDERS_BULK_QUERY);
    const second = await db.historyImport.findFirstOrThrow({ where: { shopDomain: shop, NOT: { id: first.id } } });
    expect(second).toMatchObject({ source: "bulk", status: "running" });
    expect(second.bulkOperationGid).not.toBe(first.bulkOperationGid);

    // The same orders again: every one is still there once, nothing doubled.
    const again = await finishImport(shop, second.bulkOperationGid!);
    expect(again.ordersImported).toBe(orders);
    expect(await db.order.count({ where: { shopDomain: shop } })).toBe(orders);
  });

  it("says why when Shopify does not start the export", async () => {
    const shop = uniqueShop("rerun-refused");
    const message = "A bulk query operation for this app and shop is already in progress";
    await install(shop, { bulkUserError: message });
    const response = await rerun(shop);
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(body).toContain("refusedByShopify");
    expect(body).toContain(message);
    const imports = await testDb().historyImport.findMany({ where: { shopDomain: shop } });
    expect(imports.map((job) => [job.status, job.error])).toEqual([
      ["failed", message],
      ["failed", message],
    ]);
  });

  it("refuses requests without a valid session token", async () => {
    const shop = uniqueShop("rerun-auth");
    await install(shop);
    for (const token of [sessionToken(shop, { secret: "forged" }), sessionToken(shop, { expiresInSeconds: -120 })]) {
      expect((await rerun(shop, token)).status).toBe(401);
    }
    // Without a token Shopify's auth answers with a redirect to its login, never with the action's result.
    const anonymous = await (await rerun(shop, null)).text();
    expect(anonymous).toContain('"redirect","/auth/login"');
    for (const path of ["/app/sync.data", "/app.data", "/app/retention"]) {
      const forged = await fetch(`${app()}${path}`, {
        headers: { ...BROWSER_HEADERS, Authorization: `Bearer ${sessionToken(shop, { secret: "forged" })}` },
        redirect: "manual",
      });
      expect(forged.status, path).toBe(401);
    }
    expect(await bulkStarts(shop)).toHaveLength(1);
  });
});

describe("background jobs given up", () => {
  it("are on the sync page with their last error, and only the shop's own", async () => {
    const shop = uniqueShop("dead-jobs");
    const other = uniqueShop("dead-jobs-other");
    await install(shop);
    await install(other);
    // A program whose storefront copy failed on every attempt (the worker leaves it alone).
    const dead = { settings: "{}", salt: "salt", metafieldStale: true, metafieldAttempts: 12 };
    await testDb().loyaltyProgram.create({ data: { shopDomain: shop, ...dead, metafieldError: "Shopify refused: bad value" } });
    await testDb().loyaltyProgram.create({ data: { shopDomain: other, ...dead, metafieldError: "the other shop's error" } });
    // A Flow trigger Flow refused on every attempt.
    const refused = (shopDomain: string, error: string) => ({
      shopDomain,
      trigger: "comeback-campaign-entered",
      idempotencyKey: "campaign:1:entered",
      customerGid: "gid://shopify/Customer/1",
      payload: '{"customer_id":1}',
      attempts: 8,
      error,
    });
    await testDb().flowTriggerEvent.create({ data: refused(shop, "Flow refused the trigger: Arm is required") });
    await testDb().flowTriggerEvent.create({ data: refused(other, "the other shop's Flow error") });
    const page = await fetch(`${app()}/app/sync.data`, {
      headers: { ...BROWSER_HEADERS, Authorization: `Bearer ${sessionToken(shop)}` },
      redirect: "manual",
    });
    expect(page.status).toBe(200);
    const body = await page.text();
    expect(body).toContain("program-metafields");
    expect(body).toContain("Shopify refused: bad value");
    expect(body).not.toContain("the other shop's error");
    expect(body).toContain("flow-triggers");
    expect(body).toContain("Flow refused the trigger: Arm is required");
    expect(body).not.toContain("the other shop's Flow error");
  });
});
