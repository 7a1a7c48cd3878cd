// Webhooks as Shopify delivers them: real HTTP requests with Shopify's headers and a valid HMAC,
// against the running app, on SQLite and on PostgreSQL (see vitest.config.ts).
import { describe, expect, inject, it } from "vitest";
import { fixture, fixtureText, sendWebhook, sign, uniqueShop } from "../support/webhooks";
import { testDb } from "../support/db";

const app = () => inject("appUrl");
const ORDER_GID = "gid://shopify/Order/820982911946154508";
const CUSTOMER_GID = "gid://shopify/Customer/706405506930370084";

function orderAt(updatedAt: string, changes: Record<string, unknown> = {}) {
  return { ...fixture("orders/create"), updated_at: updatedAt, ...changes };
}

async function storedOrder(shop: string, gid = ORDER_GID) {
  return testDb().order.findUnique({ where: { shopDomain_gid: { shopDomain: shop, gid } }, include: { refunds: true, customer: true } });
}

describe("orders", () => {
  it("stores an order keyed on its GID with exact shop-money amounts", async () => {
    const shop = uniqueShop("orders");
    // The raw fixture text: its ids exceed 2^53 and must survive parsing.
    const response = await sendWebhook(app(), { topic: "orders/create", shop, body: fixtureText("orders/create") });
    expect(response.status).toBe(200);
    const order = await storedOrder(shop);
    const sample = fixture("orders/create");
    expect(order).toMatchObject({
      gid: ORDER_GID,
      name: sample.name,
      currency: "USD",
      test: sample.test,
      totalAmount: 23998n,
      subtotalAmount: 22998n,
      discountAmount: 2000n,
      shippingAmount: 1000n,
      refundedAmount: 0n,
    });
    expect(order!.processedAt!.toISOString()).toBe(new Date(sample.processed_at).toISOString());
    expect(order!.customer!.gid).toBe(CUSTOMER_GID);
  });

  it("gives a repeated delivery (same X-Shopify-Webhook-Id) no second effect", async () => {
    const shop = uniqueShop("dup");
    const delivery = { topic: "orders/create", shop, body: fixtureText("orders/create"), webhookId: "dup-1" };
    expect((await sendWebhook(app(), delivery)).json).toEqual({ status: "processed" });
    // Between the two deliveries the order changes; the retry of the old delivery must not undo it.
    await sendWebhook(app(), { topic: "orders/updated", shop, body: orderAt("2030-01-01T00:00:00Z", { name: "#newer" }) });
    const again = await sendWebhook(app(), delivery);
    expect(again.status).toBe(200);
    expect(again.json).toEqual({ duplicate: true });
    expect((await storedOrder(shop))!.name).toBe("#newer");
    expect(await testDb().webhookEvent.count({ where: { shopDomain: shop, webhookId: "dup-1" } })).toBe(1);
  });

  it("ends in the same state whatever order updates arrive in", async () => {
    const versions = [
      orderAt("2024-01-01T10:00:00Z", { name: "#v1", cancelled_at: null }),
      orderAt("2024-01-01T11:00:00Z", { name: "#v2", financial_status: "paid" }),
      orderAt("2024-01-01T12:00:00Z", { name: "#v3", cancelled_at: "2024-01-01T12:00:00Z" }),
    ];
    const topics = ["orders/create", "orders/paid", "orders/cancelled"];
    const inOrder = uniqueShop("inorder");
    for (const [i, body] of versions.entries()) await sendWebhook(app(), { topic: topics[i], shop: inOrder, body });
    const reversed = uniqueShop("reversed");
    for (const i of [2, 0, 1]) await sendWebhook(app(), { topic: topics[i], shop: reversed, body: versions[i] });
    const concurrent = uniqueShop("concurrent");
    await Promise.all([1, 2, 0, 2, 1].map((i) => sendWebhook(app(), { topic: topics[i], shop: concurrent, body: versions[i] })));

    const pick = (o: Awaited<ReturnType<typeof storedOrder>>) => ({ name: o!.name, cancelledAt: o!.cancelledAt?.toISOString(), updated: o!.shopifyUpdatedAt?.toISOString() });
    const expected = { name: "#v3", cancelledAt: "2024-01-01T12:00:00.000Z", updated: "2024-01-01T12:00:00.000Z" };
    expect(pick(await storedOrder(inOrder))).toEqual(expected);
    expect(pick(await storedOrder(reversed))).toEqual(expected);
    expect(pick(await storedOrder(concurrent))).toEqual(expected);
  });

  it("stores a refund that arrives before its order and totals refunds on the order", async () => {
    const shop = uniqueShop("refund");
    const refund = await sendWebhook(app(), { topic: "refunds/create", shop, body: fixtureText("refunds/create") });
    expect(refund.status).toBe(200);
    const stub = await storedOrder(shop);
    expect(stub!.processedAt).toBeNull(); // a stub: counted by no metric until the order arrives
    expect(stub!.refundedAmount).toBe(7500n);

    await sendWebhook(app(), { topic: "orders/create", shop, body: fixtureText("orders/create") });
    await sendWebhook(app(), { topic: "orders/updated", shop, body: fixtureText("orders/updated") });
    await sendWebhook(app(), { topic: "refunds/create", shop, body: fixtureText("refunds/create") });
    const order = await storedOrder(shop);
    expect(order!.processedAt).not.toBeNull();
    expect(order!.refunds).toHaveLength(1);
    expect(order!.refunds[0]).toMatchObject({ gid: "gid://shopify/Refund/890088186047892319", amount: 7500n, lineSubtotalAmount: 8279n });
    expect(order!.refundedAmount).toBe(7500n);
    expect(order!.currentSubtotalAmount).toBe(BigInt(Math.round(Number(fixture("orders/updated").current_subtotal_price_set.shop_money.amount) * 100)));
  });

  it("keeps a deleted order deleted when an older update arrives late", async () => {
    const shop = uniqueShop("delete");
    await sendWebhook(app(), { topic: "orders/create", shop, body: fixtureText("orders/create") });
    expect((await sendWebhook(app(), { topic: "orders/delete", shop, body: fixtureText("orders/delete") })).status).toBe(200);
    await sendWebhook(app(), { topic: "orders/updated", shop, body: fixtureText("orders/updated") });
    expect((await storedOrder(shop))!.deletedAt).not.toBeNull();
  });
});

describe("customers", () => {
  it("keeps the newest version, and erases personal data on customers/delete", async () => {
    const shop = uniqueShop("customers");
    const update = fixture("customers/update");
    await sendWebhook(app(), { topic: "customers/update", shop, body: fixtureText("customers/update") });
    await sendWebhook(app(), { topic: "customers/create", shop, body: fixtureText("customers/create") }); // older
    const key = { shopDomain_gid: { shopDomain: shop, gid: CUSTOMER_GID } };
    expect(await testDb().customer.findUnique({ where: key })).toMatchObject({
      email: update.email,
      firstName: update.first_name,
      shopifyUpdatedAt: new Date(update.updated_at),
    });
    await sendWebhook(app(), { topic: "customers/delete", shop, body: fixtureText("customers/delete") });
    const deleted = await testDb().customer.findUnique({ where: key });
    expect(deleted).toMatchObject({ email: null, firstName: null, lastName: null });
    expect(deleted!.deletedAt).not.toBeNull();
  });
});

describe("hostile input", () => {
  it("refuses a bad or missing HMAC with 401 and stores nothing", async () => {
    const shop = uniqueShop("hmac");
    const body = fixtureText("orders/create");
    expect((await sendWebhook(app(), { topic: "orders/create", shop, body, hmac: sign(body, "not-the-secret") })).status).toBe(401);
    expect((await sendWebhook(app(), { topic: "orders/create", shop, body, hmac: null })).status).toBe(401);
    expect((await sendWebhook(app(), { topic: "orders/create", shop, body: body.replace("#9999", "#9998"), hmac: sign(body) })).status).toBe(401);
    expect(await testDb().webhookEvent.count({ where: { shopDomain: shop } })).toBe(0);
    expect(await testDb().order.count({ where: { shopDomain: shop } })).toBe(0);
    expect(await testDb().shop.count({ where: { domain: shop } })).toBe(0);
  });

  it("answers malformed JSON with 400 and writes nothing", async () => {
    const shop = uniqueShop("malformed");
    const response = await sendWebhook(app(), { topic: "orders/create", shop, body: '{"id": 1, "admin_graphql_api_id": ' });
    expect(response.status).toBe(400);
    expect(response.json.error).toMatch(/JSON/);
    expect(await testDb().webhookEvent.count({ where: { shopDomain: shop } })).toBe(0);
  });

  it("rejects wrong types and missing fields with 422, logs the rejection and changes nothing", async () => {
    const shop = uniqueShop("invalid");
    const wrongType = { ...fixture("orders/create"), total_price_set: { shop_money: { amount: { value: 1 } } } };
    const wrong = await sendWebhook(app(), { topic: "orders/create", shop, body: wrongType });
    expect(wrong.status).toBe(422);
    expect(wrong.json.error).toMatch(/total_price_set/);
    const { updated_at: _dropped, ...missing } = fixture("orders/create");
    const absent = await sendWebhook(app(), { topic: "orders/create", shop, body: missing });
    expect(absent.status).toBe(422);
    expect(absent.json.error).toMatch(/updated_at/);
    const notObject = await sendWebhook(app(), { topic: "customers/update", shop, body: "[1,2,3]" });
    expect(notObject.status).toBe(422);
    expect(await testDb().order.count({ where: { shopDomain: shop } })).toBe(0);
    const events = await testDb().webhookEvent.findMany({ where: { shopDomain: shop } });
    expect(events.map((e) => e.status)).toEqual(["rejected", "rejected", "rejected"]);
  });

  it("answers an unknown topic with 400 and an oversize body with 413", async () => {
    const shop = uniqueShop("odd");
    const unknown = await sendWebhook(app(), { topic: "products/create", shop, body: { id: 1 } });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error).toMatch(/unsupported topic/);
    const huge = JSON.stringify({ ...fixture("orders/create"), note: "x".repeat(3 * 1024 * 1024) });
    expect((await sendWebhook(app(), { topic: "orders/create", shop, body: huge })).status).toBe(413);
    expect(await testDb().webhookEvent.count({ where: { shopDomain: shop } })).toBe(0);
  });
});

describe("app lifecycle and compliance", () => {
  it("stops all work for an uninstalled shop: sessions removed, later webhooks acknowledged and ignored", async () => {
    const shop = uniqueShop("uninstall");
    await testDb().session.create({ data: { id: `offline_${shop}`, shop, state: "x", accessToken: "shpat_x" } });
    expect((await sendWebhook(app(), { topic: "app/uninstalled", shop, body: fixtureText("app/uninstalled") })).status).toBe(200);
    expect(await testDb().session.count({ where: { shop } })).toBe(0);
    expect((await testDb().shop.findUnique({ where: { domain: shop } }))!.installState).toBe("uninstalled");
    const late = await sendWebhook(app(), { topic: "orders/create", shop, body: fixtureText("orders/create") });
    expect(late.status).toBe(200);
    expect(late.json).toEqual({ status: "ignored" });
    expect(await testDb().order.count({ where: { shopDomain: shop } })).toBe(0);
  });

  it("updates the stored scopes on app/scopes_update", async () => {
    const shop = uniqueShop("scopes");
    await testDb().session.create({ data: { id: `offline_${shop}`, shop, state: "x", accessToken: "shpat_x", scope: "read_orders" } });
    await sendWebhook(app(), { topic: "app/scopes_update", shop, body: fixtureText("app/scopes_update") });
    const session = await testDb().session.findUnique({ where: { id: `offline_${shop}` } });
    expect(session!.scope).toBe(fixture("app/scopes_update").current.join(","));
  });

  it("exports a customer's data on customers/data_request", async () => {
    const shop = uniqueShop("datarequest");
    await sendWebhook(app(), { topic: "customers/update", shop, body: fixtureText("customers/update") });
    await sendWebhook(app(), { topic: "orders/updated", shop, body: fixtureText("orders/updated") });
    const request = fixture("customers/data_request");
    expect((await sendWebhook(app(), { topic: "customers/data_request", shop, body: fixtureText("customers/data_request") })).status).toBe(200);
    const stored = await testDb().customerDataExport.findFirst({ where: { shopDomain: shop } });
    const document = JSON.parse(stored!.document);
    expect(document).toMatchObject({
      format: "comeback.customer-data/v1",
      customer: CUSTOMER_GID,
      found: true,
      profile: { email: fixture("customers/update").email },
    });
    expect(document.orders).toHaveLength(1);
    expect(document.orders[0]).toMatchObject({ order: ORDER_GID, refunds: [{ amount: "75.00" }] });
    expect(stored!.requestId).toBe(String(request.data_request.id));
  });

  it("erases a customer's personal data and identity on customers/redact", async () => {
    const shop = uniqueShop("redact");
    await sendWebhook(app(), { topic: "customers/update", shop, body: fixtureText("customers/update") });
    await sendWebhook(app(), { topic: "orders/create", shop, body: fixtureText("orders/create") });
    await sendWebhook(app(), { topic: "customers/data_request", shop, body: fixtureText("customers/data_request") });
    expect((await sendWebhook(app(), { topic: "customers/redact", shop, body: fixtureText("customers/redact") })).status).toBe(200);
    const customers = await testDb().customer.findMany({ where: { shopDomain: shop } });
    expect(customers).toHaveLength(1);
    expect(customers[0]).toMatchObject({ email: null, firstName: null, lastName: null, marketingConsent: null });
    expect(customers[0].gid).toMatch(/^redacted:/);
    expect(customers[0].redactedAt).not.toBeNull();
    // Orders stay for aggregate metrics, linked to the pseudonym only.
    expect((await storedOrder(shop))!.customerId).toBe(customers[0].id);
    expect(await testDb().customerDataExport.count({ where: { shopDomain: shop } })).toBe(0);
    const remaining = await testDb().webhookEvent.findMany({ where: { shopDomain: shop } });
    expect(remaining.every((e) => e.payload === null)).toBe(true);
  });

  it("erases everything of the shop on shop/redact and ignores later deliveries", async () => {
    const shop = uniqueShop("shopredact");
    await sendWebhook(app(), { topic: "customers/update", shop, body: fixtureText("customers/update") });
    await sendWebhook(app(), { topic: "orders/updated", shop, body: fixtureText("orders/updated") });
    await testDb().session.create({ data: { id: `offline_${shop}`, shop, state: "x", accessToken: "shpat_x" } });
    await sendWebhook(app(), { topic: "app/uninstalled", shop, body: fixtureText("app/uninstalled") });
    expect((await sendWebhook(app(), { topic: "shop/redact", shop, body: fixtureText("shop/redact") })).status).toBe(200);
    const db = testDb();
    expect(await db.order.count({ where: { shopDomain: shop } })).toBe(0);
    expect(await db.refund.count({ where: { shopDomain: shop } })).toBe(0);
    expect(await db.customer.count({ where: { shopDomain: shop } })).toBe(0);
    expect(await db.session.count({ where: { shop } })).toBe(0);
    expect((await db.webhookEvent.findMany({ where: { shopDomain: shop } })).map((e) => e.topic)).toEqual(["SHOP_REDACT"]);
    expect((await db.shop.findUnique({ where: { domain: shop } }))!.installState).toBe("redacted");
    const late = await sendWebhook(app(), { topic: "customers/update", shop, body: fixtureText("customers/update") });
    expect(late.json).toEqual({ status: "ignored" });
    expect(await db.customer.count({ where: { shopDomain: shop } })).toBe(0);
  });

  it("keeps no webhook body after processing it", async () => {
    const shop = uniqueShop("nobody");
    await sendWebhook(app(), { topic: "customers/update", shop, body: fixtureText("customers/update") });
    const events = await testDb().webhookEvent.findMany({ where: { shopDomain: shop } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ status: "processed", payload: null, topic: "CUSTOMERS_UPDATE" });
  });
});
