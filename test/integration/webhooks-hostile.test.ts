// What a validly signed delivery may do. Shopify's HMAC covers the body only: the shop and topic
// headers are not signed, so a body captured from one shop can be replayed under another shop's
// header or another topic. Each probe is a real signed delivery against the running app, on
// SQLite and on PostgreSQL (docs/decisions/0003-webhook-pipeline.md).
import { describe, expect, inject, it } from "vitest";
import { adminCall } from "../support/app-proxy";
import { testDb } from "../support/db";
import {
  fixtureFor,
  fixtureGidsOf,
  fixtureTextFor,
  installedShop,
  orderPayload,
  sendWebhook,
  shopIdOf,
  uniqueShop,
} from "../support/webhooks";

const app = () => inject("appUrl");
const DAY_MS = 86_400_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS).toISOString();

/** The delivery was refused: 422, stored as a rejected event of `shop` with a reason matching `reason`. */
async function expectRejected(response: { status: number; json: any }, shop: string, reason: RegExp) {
  expect(response.status, JSON.stringify(response.json)).toBe(422);
  expect(response.json.error).toMatch(reason);
  const events = await testDb().webhookEvent.findMany({ where: { shopDomain: shop, lastError: response.json.error } });
  expect(events.map((event) => event.status)).toContain("rejected");
}

/** Orders, customers and refunds stored for `shop`. */
async function storedCounts(shop: string) {
  const db = testDb();
  const [orders, customers, refunds] = await Promise.all([
    db.order.count({ where: { shopDomain: shop } }),
    db.customer.count({ where: { shopDomain: shop } }),
    db.refund.count({ where: { shopDomain: shop } }),
  ]);
  return { orders, customers, refunds };
}

describe("a signed body replayed under another shop's header", () => {
  it("refuses compliance bodies whose shop_domain or shop_id names another shop", async () => {
    const victim = await installedShop("compliance-victim");
    const attacker = await installedShop("compliance-other");
    await sendWebhook(app(), { topic: "customers/update", shop: victim, body: fixtureTextFor("customers/update", victim) });
    await sendWebhook(app(), { topic: "orders/create", shop: victim, body: fixtureTextFor("orders/create", victim) });
    const before = await storedCounts(victim);

    for (const topic of ["customers/redact", "customers/data_request", "shop/redact"]) {
      // The victim's own signed body under the other shop's header.
      const replayed = await sendWebhook(app(), { topic, shop: attacker, body: fixtureTextFor(topic, victim) });
      await expectRejected(replayed, attacker, /^shop_domain: names another shop/);
      // The right domain with another shop's id.
      const wrongId = { ...fixtureFor(topic, attacker), shop_id: shopIdOf(victim) };
      await expectRejected(
        await sendWebhook(app(), { topic, shop: attacker, body: wrongId }),
        attacker,
        /^shop_id: names another shop/,
      );
    }
    expect(await testDb().customerDataExport.count({ where: { shopDomain: { in: [victim, attacker] } } })).toBe(0);
    expect(await storedCounts(victim)).toEqual(before);
    expect((await testDb().customer.findFirst({ where: { shopDomain: victim } }))!.gid).toBe(fixtureGidsOf(victim).customer);
    expect((await testDb().shop.findUnique({ where: { domain: attacker } }))!.installState).toBe("installed");
  });

  it("uninstalls only with the shop's own shop object", async () => {
    const victim = await installedShop("uninstall-victim");
    const attacker = await installedShop("uninstall-other");
    const replayed = await sendWebhook(app(), {
      topic: "app/uninstalled",
      shop: attacker,
      body: fixtureTextFor("app/uninstalled", victim),
    });
    await expectRejected(replayed, attacker, /^myshopify_domain: names another shop/);
    const wrongId = { ...fixtureFor("app/uninstalled", attacker), id: shopIdOf(victim) };
    await expectRejected(
      await sendWebhook(app(), { topic: "app/uninstalled", shop: attacker, body: wrongId }),
      attacker,
      /^id: names another shop/,
    );
    for (const shop of [victim, attacker]) {
      expect((await testDb().shop.findUnique({ where: { domain: shop } }))!.installState).toBe("installed");
      expect(await testDb().session.count({ where: { shop } })).toBe(1);
    }
  });

  it("never writes an order, refund or customer GID that another shop holds", async () => {
    const owner = await installedShop("gid-owner");
    const other = await installedShop("gid-other");
    for (const topic of ["customers/create", "orders/create", "refunds/create"]) {
      expect((await sendWebhook(app(), { topic, shop: owner, body: fixtureTextFor(topic, owner) })).status).toBe(200);
    }
    const before = await storedCounts(owner);
    const gids = fixtureGidsOf(owner);
    for (const topic of [
      "orders/updated",
      "orders/cancelled",
      "orders/delete",
      "refunds/create",
      "customers/update",
      "customers/delete",
    ]) {
      const replayed = await sendWebhook(app(), { topic, shop: other, body: fixtureTextFor(topic, owner) });
      await expectRejected(replayed, other, /belongs to another shop/);
    }
    // The owner's customer inside an order of the other shop's own.
    const ownOrder = {
      ...orderPayload(null, daysAgo(1), "10.00"),
      customer: { ...fixtureFor("orders/create", owner).customer, admin_graphql_api_id: gids.customer },
    };
    await expectRejected(
      await sendWebhook(app(), { topic: "orders/create", shop: other, body: ownOrder }),
      other,
      new RegExp(`^${gids.customer} belongs to another shop`),
    );
    expect(await storedCounts(other)).toEqual({ orders: 0, customers: 0, refunds: 0 });
    expect(await storedCounts(owner)).toEqual(before);
    expect((await testDb().order.findFirst({ where: { shopDomain: owner, gid: gids.order } }))!.deletedAt).toBeNull();
  });
});

describe("a signed body sent under another topic", () => {
  it("refuses bodies that lack the topic's identifying fields or carry another topic's", async () => {
    const shop = await installedShop("topic-shape");
    await sendWebhook(app(), { topic: "orders/create", shop, body: fixtureTextFor("orders/create", shop) });
    const order = fixtureTextFor("orders/create", shop);
    const cases: [topic: string, body: string, reason: RegExp][] = [
      ["app/uninstalled", order, /^myshopify_domain: /],
      ["shop/redact", order, /^shop_id: /],
      ["customers/redact", order, /^shop_id: /],
      ["customers/data_request", fixtureTextFor("customers/redact", shop), /^orders_requested: /],
      ["customers/redact", fixtureTextFor("customers/data_request", shop), /^orders_to_redact: /],
      ["shop/redact", fixtureTextFor("customers/redact", shop), /^customer: belongs to another topic/],
      ["orders/delete", order, /^updated_at: belongs to another topic/],
      ["customers/delete", fixtureTextFor("customers/update", shop), /^updated_at: belongs to another topic/],
      ["customers/update", order, /^admin_graphql_api_id: /],
      ["refunds/create", order, /^admin_graphql_api_id: /],
      ["app/scopes_update", order, /^current: /],
    ];
    for (const [topic, body, reason] of cases)
      await expectRejected(await sendWebhook(app(), { topic, shop, body }), shop, reason);
    expect((await testDb().shop.findUnique({ where: { domain: shop } }))!.installState).toBe("installed");
    expect(await testDb().session.count({ where: { shop } })).toBe(1);
    expect(await storedCounts(shop)).toEqual({ orders: 1, customers: 1, refunds: 0 });
    expect((await testDb().order.findFirst({ where: { shopDomain: shop } }))!.deletedAt).toBeNull();
  });
});

describe("shops that never installed the app", () => {
  it("acknowledges their deliveries and stores nothing, not even the shop", async () => {
    const stranger = uniqueShop("never-installed");
    for (const topic of [
      "orders/create",
      "customers/create",
      "refunds/create",
      "app/uninstalled",
      "customers/redact",
      "shop/redact",
    ]) {
      const response = await sendWebhook(app(), { topic, shop: stranger, body: fixtureTextFor(topic, stranger) });
      expect(response.status, topic).toBe(200);
      expect(response.json).toEqual({ status: "ignored" });
    }
    expect(await testDb().shop.count({ where: { domain: stranger } })).toBe(0);
    expect(await testDb().webhookEvent.count({ where: { shopDomain: stranger } })).toBe(0);
    expect(await storedCounts(stranger)).toEqual({ orders: 0, customers: 0, refunds: 0 });
  });

  it("answers a shop header that is not a myshopify.com domain with 400 and stores nothing", async () => {
    for (const shop of ["shop.example.com", "evil.myshopify.com.example.com", "../admin", "my_shop.myshopify.com", ""]) {
      const response = await sendWebhook(app(), {
        topic: "orders/create",
        shop,
        body: fixtureTextFor("orders/create", "x.myshopify.com"),
      });
      expect(response.status, shop).toBe(400);
      expect(response.json.error).toMatch(/myshopify\.com/);
    }
    expect(
      await testDb().webhookEvent.count({
        where: { shopDomain: { in: ["shop.example.com", "evil.myshopify.com.example.com"] } },
      }),
    ).toBe(0);
  });
});

describe("values out of range", () => {
  it("rejects them at the door with 422, stores nothing, and the dashboard, lists and exports keep answering", async () => {
    const shop = await installedShop("bounds");
    expect(
      (await sendWebhook(app(), { topic: "orders/create", shop, body: orderPayload("4201", daysAgo(3), "25.00") })).status,
    ).toBe(200);
    const before = await storedCounts(shop);
    const money = (amount: string | number) => ({
      shop_money: { amount, currency_code: "USD" },
      presentment_money: { amount, currency_code: "USD" },
    });
    const customer = fixtureFor("customers/create", shop);
    const refund = fixtureFor("refunds/create", shop);
    const cases: [topic: string, body: unknown, reason: RegExp][] = [
      // About 9e13 dollars is 2^53 cents: the metrics hold revenue as doubles and refuse a sum they
      // cannot hold exactly, so before this guard one such order made the dashboard, the customers
      // list and the exports answer 500 for good.
      ["orders/create", orderPayload("4202", daysAgo(2), "90071992547409.93"), /^subtotal_price_set: amount out of range/],
      ["orders/create", orderPayload("4211", daysAgo(2), "100000000000000.00"), /^subtotal_price_set: amount out of range/],
      [
        "orders/create",
        orderPayload("4203", daysAgo(2), "10.00", { total_price_set: money("1000000000.01") }),
        /^total_price_set: amount out of range/,
      ],
      [
        "orders/create",
        orderPayload("4204", daysAgo(2), "10.00", { total_tax_set: money(-12345678901234.5) }),
        /^total_tax_set: amount out of range/,
      ],
      [
        "orders/create",
        orderPayload("4205", daysAgo(2), "99999999999999999999999999.99"),
        /^subtotal_price_set: amount out of range/,
      ],
      [
        "orders/create",
        orderPayload("4206", daysAgo(2), "10.00", { processed_at: "1989-12-31T23:59:59Z" }),
        /^processed_at: out of range/,
      ],
      [
        "orders/create",
        orderPayload("4207", daysAgo(2), "10.00", { updated_at: "2999-01-01T00:00:00Z" }),
        /^updated_at: out of range/,
      ],
      [
        "orders/create",
        orderPayload("4208", daysAgo(2), "10.00", { cancelled_at: "+275760-09-13T00:00:00Z" }),
        /^cancelled_at: out of range/,
      ],
      [
        "orders/create",
        orderPayload("4209", daysAgo(2), "10.00", { created_at: "0001-01-01T00:00:00Z" }),
        /^created_at: out of range/,
      ],
      ["refunds/create", { ...refund, created_at: "1970-01-01T00:00:00Z" }, /^created_at: out of range/],
      [
        "refunds/create",
        { ...refund, processed_at: new Date(Date.now() + 3 * DAY_MS).toISOString() },
        /^processed_at: out of range/,
      ],
      ["customers/create", { ...customer, updated_at: "1900-01-01T00:00:00Z" }, /^updated_at: out of range/],
      ["customers/create", { ...customer, first_name: "Nul\u0000Byte" }, /^first_name: text with a NUL/],
      [
        "orders/create",
        orderPayload("4210", daysAgo(2), "10.00", { note_attributes: [{ name: "gift", value: "x\u0000" }] }),
        /^note_attributes\.0\.value: text with a NUL/,
      ],
    ];
    for (const [topic, body, reason] of cases)
      await expectRejected(await sendWebhook(app(), { topic, shop, body: body as Record<string, unknown> }), shop, reason);
    // A lone surrogate can only travel as a JSON escape (UTF-8 has no encoding for it).
    const surrogate = JSON.stringify({ ...customer, last_name: "PLACEHOLDER" }).replace("PLACEHOLDER", "\\ud800x");
    await expectRejected(
      await sendWebhook(app(), { topic: "customers/update", shop, body: surrogate }),
      shop,
      /^last_name: text with a NUL character or an unpaired surrogate/,
    );
    const inKey = JSON.stringify({ ...customer, PLACEHOLDER: 1 }).replace("PLACEHOLDER", "\\udc00");
    await expectRejected(
      await sendWebhook(app(), { topic: "customers/update", shop, body: inKey }),
      shop,
      /^\(key\): text with a NUL/,
    );

    expect(await storedCounts(shop)).toEqual(before);
    for (const path of [
      "/app/metrics.json",
      "/app/customers",
      "/app/customers.csv",
      "/app/metrics/customers.csv",
      "/app/metrics/cohorts.csv",
    ]) {
      const response = await adminCall(app(), shop, path);
      expect(response.status, `${path}: ${(await response.text()).slice(0, 300)}`).toBe(200);
    }
  });
});
