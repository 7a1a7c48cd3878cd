// Webhooks as Shopify delivers them: real HTTP requests with Shopify's headers and a valid HMAC,
// against the running app, on SQLite and on PostgreSQL (see vitest.config.ts).
import { describe, expect, inject, it } from "vitest";
import { fixtureFor, fixtureGidsOf, fixtureTextFor, installedShop, sendWebhook, sign, uniqueShop } from "../support/webhooks";
import { testDb } from "../support/db";

const app = () => inject("appUrl");

function orderAt(shop: string, updatedAt: string, changes: Record<string, unknown> = {}) {
  return { ...fixtureFor("orders/create", shop), updated_at: updatedAt, ...changes };
}

async function storedOrder(shop: string, gid = fixtureGidsOf(shop).order) {
  return testDb().order.findUnique({
    where: { shopDomain_gid: { shopDomain: shop, gid } },
    include: { refunds: true, customer: true },
  });
}

describe("orders", () => {
  it("stores an order keyed on its GID with exact shop-money amounts", async () => {
    const shop = await installedShop("orders");
    // The raw fixture text: its ids exceed 2^53 and must survive parsing.
    const response = await sendWebhook(app(), { topic: "orders/create", shop, body: fixtureTextFor("orders/create", shop) });
    expect(response.status).toBe(200);
    const order = await storedOrder(shop);
    const sample = fixtureFor("orders/create", shop);
    expect(order).toMatchObject({
      gid: fixtureGidsOf(shop).order,
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
    expect(order!.customer!.gid).toBe(fixtureGidsOf(shop).customer);
  });

  it("gives a repeated delivery (same X-Shopify-Webhook-Id) no second effect", async () => {
    const shop = await installedShop("dup");
    const delivery = { topic: "orders/create", shop, body: fixtureTextFor("orders/create", shop), webhookId: "dup-1" };
    expect((await sendWebhook(app(), delivery)).json).toEqual({ status: "processed" });
    // Between the two deliveries the order changes; the retry of the old delivery must not undo it.
    await sendWebhook(app(), {
      topic: "orders/updated",
      shop,
      body: orderAt(shop, new Date().toISOString(), { name: "#newer" }),
    });
    const again = await sendWebhook(app(), delivery);
    expect(again.status).toBe(200);
    expect(again.json).toEqual({ duplicate: true });
    expect((await storedOrder(shop))!.name).toBe("#newer");
    expect(await testDb().webhookEvent.count({ where: { shopDomain: shop, webhookId: "dup-1" } })).toBe(1);
  });

  it("ends in the same state whatever order updates arrive in", async () => {
    const versions = (shop: string) => [
      orderAt(shop, "2024-01-01T10:00:00Z", { name: "#v1", cancelled_at: null }),
      orderAt(shop, "2024-01-01T11:00:00Z", { name: "#v2", financial_status: "paid" }),
      orderAt(shop, "2024-01-01T12:00:00Z", { name: "#v3", cancelled_at: "2024-01-01T12:00:00Z" }),
    ];
    const topics = ["orders/create", "orders/paid", "orders/cancelled"];
    const inOrder = await installedShop("inorder");
    for (const [i, body] of versions(inOrder).entries()) await sendWebhook(app(), { topic: topics[i], shop: inOrder, body });
    const reversed = await installedShop("reversed");
    for (const i of [2, 0, 1]) await sendWebhook(app(), { topic: topics[i], shop: reversed, body: versions(reversed)[i] });
    const concurrent = await installedShop("concurrent");
    await Promise.all(
      [1, 2, 0, 2, 1].map((i) => sendWebhook(app(), { topic: topics[i], shop: concurrent, body: versions(concurrent)[i] })),
    );

    const pick = (o: Awaited<ReturnType<typeof storedOrder>>) => ({
      name: o!.name,
      cancelledAt: o!.cancelledAt?.toISOString(),
      updated: o!.shopifyUpdatedAt?.toISOString(),
    });
    const expected = { name: "#v3", cancelledAt: "2024-01-01T12:00:00.000Z", updated: "2024-01-01T12:00:00.000Z" };
    expect(pick(await storedOrder(inOrder))).toEqual(expected);
    expect(pick(await storedOrder(reversed))).toEqual(expected);
    expect(pick(await storedOrder(concurrent))).toEqual(expected);
  });

  it("stores a refund that arrives before its order and totals refunds on the order", async () => {
    const shop = await installedShop("refund");
    const refund = await sendWebhook(app(), { topic: "refunds/create", shop, body: fixtureTextFor("refunds/create", shop) });
    expect(refund.status).toBe(200);
    const stub = await storedOrder(shop);
    expect(stub!.processedAt).toBeNull(); // a stub: counted by no metric until the order arrives
    expect(stub!.refundedAmount).toBe(7500n);

    await sendWebhook(app(), { topic: "orders/create", shop, body: fixtureTextFor("orders/create", shop) });
    await sendWebhook(app(), { topic: "orders/updated", shop, body: fixtureTextFor("orders/updated", shop) });
    await sendWebhook(app(), { topic: "refunds/create", shop, body: fixtureTextFor("refunds/create", shop) });
    const order = await storedOrder(shop);
    expect(order!.processedAt).not.toBeNull();
    expect(order!.refunds).toHaveLength(1);
    expect(order!.refunds[0]).toMatchObject({ gid: fixtureGidsOf(shop).refund, amount: 7500n, lineSubtotalAmount: 8279n });
    expect(order!.refundedAmount).toBe(7500n);
    expect(order!.currentSubtotalAmount).toBe(
      BigInt(Math.round(Number(fixtureFor("orders/updated", shop).current_subtotal_price_set.shop_money.amount) * 100)),
    );
  });

  it("keeps a deleted order deleted when an older update arrives late", async () => {
    const shop = await installedShop("delete");
    await sendWebhook(app(), { topic: "orders/create", shop, body: fixtureTextFor("orders/create", shop) });
    expect((await sendWebhook(app(), { topic: "orders/delete", shop, body: fixtureTextFor("orders/delete", shop) })).status).toBe(
      200,
    );
    await sendWebhook(app(), { topic: "orders/updated", shop, body: fixtureTextFor("orders/updated", shop) });
    expect((await storedOrder(shop))!.deletedAt).not.toBeNull();
  });
});

describe("customers", () => {
  it("keeps the newest version, and erases personal data on customers/delete", async () => {
    const shop = await installedShop("customers");
    const update = fixtureFor("customers/update", shop);
    await sendWebhook(app(), { topic: "customers/update", shop, body: fixtureTextFor("customers/update", shop) });
    await sendWebhook(app(), { topic: "customers/create", shop, body: fixtureTextFor("customers/create", shop) }); // older
    const key = { shopDomain_gid: { shopDomain: shop, gid: fixtureGidsOf(shop).customer } };
    expect(await testDb().customer.findUnique({ where: key })).toMatchObject({
      email: update.email,
      firstName: update.first_name,
      shopifyUpdatedAt: new Date(update.updated_at),
    });
    await sendWebhook(app(), { topic: "customers/delete", shop, body: fixtureTextFor("customers/delete", shop) });
    const deleted = await testDb().customer.findUnique({ where: key });
    expect(deleted).toMatchObject({ email: null, firstName: null, lastName: null });
    expect(deleted!.deletedAt).not.toBeNull();
  });
});

describe("hostile input", () => {
  it("refuses a bad or missing HMAC with 401 and stores nothing", async () => {
    const shop = uniqueShop("hmac");
    const body = fixtureTextFor("orders/create", shop);
    expect((await sendWebhook(app(), { topic: "orders/create", shop, body, hmac: sign(body, "not-the-secret") })).status).toBe(
      401,
    );
    expect((await sendWebhook(app(), { topic: "orders/create", shop, body, hmac: null })).status).toBe(401);
    expect(
      (await sendWebhook(app(), { topic: "orders/create", shop, body: body.replace("#9999", "#9998"), hmac: sign(body) })).status,
    ).toBe(401);
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
    const shop = await installedShop("invalid");
    const wrongType = { ...fixtureFor("orders/create", shop), total_price_set: { shop_money: { amount: { value: 1 } } } };
    const wrong = await sendWebhook(app(), { topic: "orders/create", shop, body: wrongType });
    expect(wrong.status).toBe(422);
    expect(wrong.json.error).toMatch(/total_price_set/);
    const { updated_at: _dropped, ...missing } = fixtureFor("orders/create", shop);
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
    const huge = JSON.stringify({ ...fixtureFor("orders/create", shop), note: "x".repeat(3 * 1024 * 1024) });
    expect((await sendWebhook(app(), { topic: "orders/create", shop, body: huge })).status).toBe(413);
    expect(await testDb().webhookEvent.count({ where: { shopDomain: shop } })).toBe(0);
  });
});

describe("app lifecycle and compliance", () => {
  it("stops all work for an uninstalled shop: sessions removed, later webhooks acknowledged and ignored", async () => {
    const shop = await installedShop("uninstall");
    expect(await testDb().session.count({ where: { shop } })).toBe(1);
    expect(
      (await sendWebhook(app(), { topic: "app/uninstalled", shop, body: fixtureTextFor("app/uninstalled", shop) })).status,
    ).toBe(200);
    expect(await testDb().session.count({ where: { shop } })).toBe(0);
    expect((await testDb().shop.findUnique({ where: { domain: shop } }))!.installState).toBe("uninstalled");
    const late = await sendWebhook(app(), { topic: "orders/create", shop, body: fixtureTextFor("orders/create", shop) });
    expect(late.status).toBe(200);
    expect(late.json).toEqual({ status: "ignored" });
    expect(await testDb().order.count({ where: { shopDomain: shop } })).toBe(0);
  });

  it("updates the stored scopes on app/scopes_update", async () => {
    const shop = await installedShop("scopes");
    await sendWebhook(app(), { topic: "app/scopes_update", shop, body: fixtureTextFor("app/scopes_update", shop) });
    const session = await testDb().session.findUnique({ where: { id: `offline_${shop}` } });
    expect(session!.scope).toBe(fixtureFor("app/scopes_update", shop).current.join(","));
  });

  it("exports a customer's data on customers/data_request", async () => {
    const shop = await installedShop("datarequest");
    await sendWebhook(app(), { topic: "customers/update", shop, body: fixtureTextFor("customers/update", shop) });
    await sendWebhook(app(), { topic: "orders/updated", shop, body: fixtureTextFor("orders/updated", shop) });
    const request = fixtureFor("customers/data_request", shop);
    expect(
      (await sendWebhook(app(), { topic: "customers/data_request", shop, body: fixtureTextFor("customers/data_request", shop) }))
        .status,
    ).toBe(200);
    const stored = await testDb().customerDataExport.findFirst({ where: { shopDomain: shop } });
    const document = JSON.parse(stored!.document);
    expect(document).toMatchObject({
      format: "comeback.customer-data/v1",
      customer: fixtureGidsOf(shop).customer,
      found: true,
      profile: { email: fixtureFor("customers/update", shop).email },
    });
    expect(document.orders).toHaveLength(1);
    expect(document.orders[0]).toMatchObject({ order: fixtureGidsOf(shop).order, refunds: [{ amount: "75.00" }] });
    expect(stored!.requestId).toBe(String(request.data_request.id));
  });

  it("erases a customer's personal data and identity on customers/redact", async () => {
    const shop = await installedShop("redact");
    await sendWebhook(app(), { topic: "customers/update", shop, body: fixtureTextFor("customers/update", shop) });
    await sendWebhook(app(), { topic: "orders/create", shop, body: fixtureTextFor("orders/create", shop) });
    await sendWebhook(app(), { topic: "customers/data_request", shop, body: fixtureTextFor("customers/data_request", shop) });
    expect(
      (await sendWebhook(app(), { topic: "customers/redact", shop, body: fixtureTextFor("customers/redact", shop) })).status,
    ).toBe(200);
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
    const shop = await installedShop("shopredact");
    await sendWebhook(app(), { topic: "customers/update", shop, body: fixtureTextFor("customers/update", shop) });
    await sendWebhook(app(), { topic: "orders/updated", shop, body: fixtureTextFor("orders/updated", shop) });
    await sendWebhook(app(), { topic: "app/uninstalled", shop, body: fixtureTextFor("app/uninstalled", shop) });
    expect((await sendWebhook(app(), { topic: "shop/redact", shop, body: fixtureTextFor("shop/redact", shop) })).status).toBe(
      200,
    );
    const db = testDb();
    expect(await db.order.count({ where: { shopDomain: shop } })).toBe(0);
    expect(await db.refund.count({ where: { shopDomain: shop } })).toBe(0);
    expect(await db.customer.count({ where: { shopDomain: shop } })).toBe(0);
    expect(await db.session.count({ where: { shop } })).toBe(0);
    expect((await db.webhookEvent.findMany({ where: { shopDomain: shop } })).map((e) => e.topic)).toEqual(["SHOP_REDACT"]);
    expect((await db.shop.findUnique({ where: { domain: shop } }))!.installState).toBe("redacted");
    const late = await sendWebhook(app(), { topic: "customers/update", shop, body: fixtureTextFor("customers/update", shop) });
    expect(late.json).toEqual({ status: "ignored" });
    expect(await db.customer.count({ where: { shopDomain: shop } })).toBe(0);
  });

  it("keeps no webhook body after processing it", async () => {
    const shop = await installedShop("nobody");
    await sendWebhook(app(), { topic: "customers/update", shop, body: fixtureTextFor("customers/update", shop) });
    const events = await testDb().webhookEvent.findMany({ where: { shopDomain: shop } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ status: "processed", payload: null, topic: "CUSTOMERS_UPDATE" });
  });
});
