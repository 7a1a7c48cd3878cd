// Compliance erasure without a trace: after customers/redact nothing in the database names the
// customer, nothing delivered or imported later brings them back, and stored delivery bodies are
// kept only as long as docs/compliance.md says. Runs on SQLite and on PostgreSQL.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { describe, expect, inject, it } from "vitest";
import { TEST_API_SECRET } from "../support/app-server";
import { adminCall, installShop, proxyFetch } from "../support/app-proxy";
import { testDb } from "../support/db";
import { failOrderWrites } from "../support/run-sql";
import { BROWSER_HEADERS, embeddedAppUrl, sessionToken } from "../support/session-token";
import { findTraces } from "../support/traces";
import { waitFor } from "../support/wait";
import { fixture, fixtureFor, orderPayload, sendWebhook, uniqueShop } from "../support/webhooks";

const app = () => inject("appUrl");
const double = () => inject("adminDoubleUrl");
const DAY_MS = 86_400_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS).toISOString();

const REWARD = { id: "ten-off", name: "$10 off", kind: "fixed_amount", pointsCost: 60, validDays: 30, value: "1000" } as const;
const RULES = [
  { id: "purchase", kind: "purchase", points: 1, perAmount: "100", effectiveFrom: daysAgo(365) },
  { id: "welcome", kind: "signup", points: 25 },
  { id: "birthday", kind: "birthday", points: 50 },
];

let sequence = 0;

/** A customer no other test names: a long id and a name and e-mail found nowhere else. */
function person() {
  const tag = randomUUID().replace(/-/g, "").slice(0, 10);
  const id = String(6_100_000_000_000_000_000n + BigInt(Date.now() % 1_000_000) * 1000n + BigInt(++sequence));
  return {
    id,
    gid: `gid://shopify/Customer/${id}`,
    email: `wren.${tag}@example.org`,
    firstName: `Wrenna${tag}`,
    lastName: `Okonkwo${tag}`,
  };
}
type Person = ReturnType<typeof person>;

const needles = (who: Person) => [who.id, who.gid, who.email, who.firstName, who.lastName];

function customerBody(who: Person, updatedAt: string, changes: Record<string, unknown> = {}) {
  const { addresses: _a, default_address: _d, ...base } = fixture("customers/create");
  return {
    ...base,
    id: who.id,
    admin_graphql_api_id: who.gid,
    email: who.email,
    first_name: who.firstName,
    last_name: who.lastName,
    created_at: daysAgo(400),
    updated_at: updatedAt,
    ...changes,
  };
}

/** An orders/* body of the customer, carrying their name and e-mail as Shopify's do. */
function orderBody(who: Person, processedAt: string, amount: string, changes: Record<string, unknown> = {}) {
  const order = orderPayload(who.id, processedAt, amount, changes);
  return {
    ...order,
    email: who.email,
    contact_email: who.email,
    customer: { ...order.customer, email: who.email, first_name: who.firstName, last_name: who.lastName, default_address: null },
  };
}

const redactBody = (shop: string, who: Person) => ({
  ...fixtureFor("customers/redact", shop),
  customer: { id: who.id, email: who.email, phone: null },
  orders_to_redact: [],
});

async function deliver(shop: string, topic: string, body: unknown, status = 200) {
  const response = await sendWebhook(app(), { topic, shop, body: body as Record<string, unknown> });
  expect(response.status, `${topic}: ${response.text}`).toBe(status);
  return response;
}

/** An installed shop with the points program on: 1 point per 1.00, signup and birthday bonuses, one reward. */
async function programShop(prefix: string) {
  const shop = uniqueShop(prefix);
  await installShop(app(), double(), shop);
  const saved = await adminCall(app(), shop, "/app/api/loyalty/program", {
    enabled: true,
    settings: { pendingDays: 14 },
    rules: RULES,
    rewards: [REWARD],
  });
  expect(saved.status, await saved.clone().text()).toBe(200);
  return shop;
}

const tasksDone = (shop: string) =>
  waitFor("the loyalty tasks done", async () => (await testDb().loyaltyTask.count({ where: { shopDomain: shop } })) === 0);

async function available(shop: string, who: Person) {
  const response = await adminCall(app(), shop, `/app/api/loyalty/members/${who.id}`);
  return response.status === 200 ? ((await response.json()) as { balance: { available: number } }).balance.available : null;
}

/** What the admin shows and exports about the shop's customers, all of it as text. */
async function adminViews(shop: string) {
  const list = await fetch(embeddedAppUrl(app(), shop, sessionToken(shop), "/app/customers"), {
    headers: BROWSER_HEADERS,
    redirect: "manual",
  });
  const listCsv = await adminCall(app(), shop, "/app/customers.csv");
  const metricsCsv = await adminCall(app(), shop, "/app/metrics/customers.csv");
  for (const response of [list, listCsv, metricsCsv]) expect(response.status).toBe(200);
  return [await list.text(), await listCsv.text(), await metricsCsv.text()].join("\n");
}

function runImport(shop: string, file: string) {
  const child = spawn(process.execPath, ["node_modules/tsx/dist/cli.mjs", "scripts/import.ts", "--shop", shop, file, "--quiet"], {
    env: { ...process.env, DATABASE_URL: inject("databaseUrl"), SHOPIFY_API_SECRET: TEST_API_SECRET, COMEBACK_QUIET: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  return new Promise<{ code: number | null; output: string }>((resolve) => child.on("exit", (code) => resolve({ code, output })));
}

/** A Bulk Operation JSONL line (ORDERS_BULK_QUERY) of an order of the customer, with their profile. */
function bulkLine(who: Person, orderGid: string, at: string, amount: string) {
  const money = { shopMoney: { amount } };
  const zero = { shopMoney: { amount: "0.00" } };
  return JSON.stringify({
    id: orderGid,
    name: `#${orderGid.split("/").pop()!.slice(-4)}`,
    createdAt: at,
    updatedAt: at,
    processedAt: at,
    cancelledAt: null,
    test: false,
    sourceName: "web",
    currencyCode: "USD",
    presentmentCurrencyCode: "USD",
    displayFinancialStatus: "PAID",
    customer: {
      id: who.gid,
      createdAt: daysAgo(400),
      updatedAt: at,
      firstName: who.firstName,
      lastName: who.lastName,
      defaultEmailAddress: { emailAddress: who.email },
    },
    totalPriceSet: money,
    subtotalPriceSet: money,
    currentSubtotalPriceSet: money,
    totalDiscountsSet: zero,
    totalShippingPriceSet: zero,
    totalTaxSet: zero,
    totalRefundedSet: zero,
    refunds: [],
  });
}

describe("customers/redact leaves no trace", () => {
  it("leaves nothing in any column of any table that names the customer: id, GID, e-mail, first and last name", async () => {
    const shop = await programShop("erase");
    const who = person();
    const other = person();

    // The customer's life in the app: signup, an order with a partial refund, points earned.
    await deliver(shop, "customers/create", customerBody(who, daysAgo(300)));
    const placed = orderBody(who, daysAgo(30), "300.00");
    await deliver(shop, "orders/create", placed);
    const refund = {
      ...fixture("refunds/create"),
      order_id: placed.id,
      admin_graphql_api_id: `gid://shopify/Refund/${placed.id}1`,
    };
    await deliver(shop, "refunds/create", refund);
    const kept = {
      shop_money: { amount: "250.00", currency_code: "USD" },
      presentment_money: { amount: "250.00", currency_code: "USD" },
    };
    await deliver(shop, "orders/updated", {
      ...placed,
      updated_at: daysAgo(29),
      current_subtotal_price: "250.00",
      current_subtotal_price_set: kept,
    });
    await tasksDone(shop);
    await waitFor("points earned", async () => ((await available(shop, who)) ?? 0) >= 250);

    // Staff name the customer in free text: a manual adjustment's reason and request id, a redemption's key.
    const adjustment = {
      customerGid: who.gid,
      points: 10,
      reason: `Goodwill for ${who.firstName} ${who.lastName} (${who.email})`,
      requestId: `req-${who.email}`,
    };
    expect((await adminCall(app(), shop, "/app/api/loyalty/adjust", adjustment)).status).toBe(200);
    const staffRedemption = await adminCall(app(), shop, "/app/api/loyalty/redeem", {
      customerGid: who.gid,
      rewardId: REWARD.id,
      clientKey: `desk-${who.email}`,
    });
    expect(staffRedemption.status, await staffRedemption.clone().text()).toBe(200);
    // The storefront: a redemption (its key embeds the GID), a birthday, the rate-limit counters.
    const shopperRedemption = await proxyFetch(app(), "redeem", {
      shop,
      customerId: who.id,
      body: { rewardId: REWARD.id, clientKey: "storefront-key-1" },
    });
    expect(shopperRedemption.status, await shopperRedemption.clone().text()).toBe(200);
    expect((await proxyFetch(app(), "birthday", { shop, customerId: who.id, body: { birthday: "07-14" } })).status).toBe(200);
    // A data request's export, a rejected delivery and a failed one that name them.
    await deliver(shop, "customers/data_request", {
      ...fixtureFor("customers/data_request", shop),
      customer: { id: who.id, email: who.email, phone: null },
    });
    await deliver(shop, "customers/update", customerBody(who, "not a time"), 422);
    // One names them by e-mail and name only (its id is unusable).
    await deliver(shop, "customers/update", customerBody({ ...who, id: "none", gid: "none" }, daysAgo(1)), 422);
    await deliver(shop, "customers/update", customerBody(other, "not a time"), 422);
    // A Flow trigger waiting for them (its payload carries their id and code), and their customer signals.
    await testDb().flowTriggerEvent.create({
      data: {
        shopDomain: shop,
        trigger: "comeback-campaign-entered",
        idempotencyKey: `campaign:1:${who.gid}`,
        customerGid: who.gid,
        payload: `{"customer_id":${who.id},"Discount code":"CB-${who.firstName}"}`,
        status: "sent",
      },
    });
    await testDb().customerSignal.create({
      data: { shopDomain: shop, customerGid: who.gid, churnBand: "high", metafields: "{}", writtenMetafields: "{}" },
    });
    const failing = orderBody(who, daysAgo(2), "40.00");
    const restore = await failOrderWrites(failing.admin_graphql_api_id);
    try {
      await deliver(shop, "orders/create", failing, 500);
      await tasksDone(shop);
      // The admin's views are built (and cached) while the customer is still there.
      const before = await adminViews(shop);
      expect(before).toContain(who.gid);

      const found = await findTraces(needles(who));
      const tables = new Set(found.map((trace) => trace.table));
      for (const table of [
        "Customer",
        "LoyaltyMember",
        "LedgerEntry",
        "Redemption",
        "ProxyRateLimit",
        "CustomerDataExport",
        "WebhookEvent",
        "FlowTriggerEvent",
        "CustomerSignal",
      ]) {
        expect(tables, `the search finds the customer in ${table} before the redact`).toContain(table);
      }

      await deliver(shop, "customers/redact", redactBody(shop, who));
      await tasksDone(shop);
      expect(await findTraces(needles(who))).toEqual([]);
      expect(await adminViews(shop)).not.toContain(who.id);
    } finally {
      await restore();
    }
    // What does not name them stays: the order, anonymous, and another customer's rejected delivery.
    const order = await testDb().order.findUniqueOrThrow({
      where: { shopDomain_gid: { shopDomain: shop, gid: placed.admin_graphql_api_id } },
      include: { customer: true },
    });
    expect(order.customer!.gid).toMatch(/^redacted:/);
    expect(await findTraces([other.email])).toEqual([expect.objectContaining({ table: "WebhookEvent", column: "payload" })]);
  });

  it("does not bring a redacted customer back: late customer and order deliveries, older or newer, and an import line", async () => {
    const shop = await programShop("comeback");
    const who = person();
    const placed = orderBody(who, daysAgo(10), "80.00", { updated_at: daysAgo(9) });
    await deliver(shop, "customers/update", customerBody(who, daysAgo(20)));
    await deliver(shop, "orders/create", placed);
    await tasksDone(shop);
    await deliver(shop, "customers/redact", redactBody(shop, who));
    const [pseudonymised] = await testDb().customer.findMany({ where: { shopDomain: shop } });
    expect(pseudonymised.gid).toMatch(/^redacted:/);

    // Delivered late, each as Shopify would: older than the redact, and newer.
    await deliver(shop, "customers/update", customerBody(who, daysAgo(15)));
    await deliver(shop, "customers/update", customerBody(who, new Date().toISOString()));
    await deliver(shop, "customers/create", customerBody(who, daysAgo(20)));
    await deliver(shop, "orders/updated", { ...placed, updated_at: daysAgo(11) });
    await deliver(shop, "orders/updated", { ...placed, updated_at: daysAgo(1), name: "#edited" });
    const later = orderBody(who, daysAgo(1), "20.00");
    await deliver(shop, "orders/create", later);
    const consent = {
      customer_id: who.id,
      email_address: who.email,
      email_marketing_consent: {
        state: "subscribed",
        opt_in_level: "single_opt_in",
        consent_updated_at: new Date().toISOString(),
      },
    };
    await deliver(shop, "customers_email_marketing_consent/update", consent);
    await deliver(shop, "customers/delete", { id: who.id, admin_graphql_api_id: who.gid });
    // The history import: the same order again and one never seen, with the customer's profile.
    const imported = `gid://shopify/Order/${BigInt(placed.id) + 7n}`;
    mkdirSync("test-results", { recursive: true });
    const file = `test-results/erasure-${randomUUID()}.jsonl`;
    writeFileSync(
      file,
      [bulkLine(who, placed.admin_graphql_api_id, daysAgo(5), "80.00"), bulkLine(who, imported, daysAgo(3), "55.00")].join("\n") +
        "\n",
    );
    const run = await runImport(shop, file);
    expect(run.code, run.output).toBe(0);
    await tasksDone(shop);

    const customers = await testDb().customer.findMany({ where: { shopDomain: shop } });
    expect(customers.map((c) => c.id)).toEqual([pseudonymised.id]);
    expect(customers[0]).toMatchObject({
      gid: pseudonymised.gid,
      email: null,
      firstName: null,
      lastName: null,
      marketingConsent: null,
      deletedAt: null,
    });
    // Their orders, late or imported, stay with the pseudonymised row: the metrics count them as before.
    const orders = await testDb().order.findMany({ where: { shopDomain: shop }, orderBy: { id: "asc" } });
    expect(orders.map((o) => [o.gid, o.customerId])).toEqual([
      [placed.admin_graphql_api_id, pseudonymised.id],
      [later.admin_graphql_api_id, pseudonymised.id],
      [imported, pseudonymised.id],
    ]);
    expect(orders[0].name).toBe("#edited");
    expect(await testDb().loyaltyMember.count({ where: { shopDomain: shop, customerGid: who.gid } })).toBe(0);
    expect(await findTraces(needles(who))).toEqual([]);
  });
});

describe("stored delivery bodies", () => {
  it("erases a rejected body after 7 days and a failed one once given up, and keeps the rows", async () => {
    const shop = await programShop("bodies");
    const who = person();
    await deliver(shop, "customers/update", customerBody(who, "not a time"), 422);
    await deliver(shop, "customers/update", customerBody(who, "still not a time"), 422);
    const [old, recent] = await testDb().webhookEvent.findMany({ where: { shopDomain: shop }, orderBy: { id: "asc" } });
    await testDb().webhookEvent.update({
      where: { id: old.id },
      data: { receivedAt: new Date(Date.now() - 7 * DAY_MS - 60_000) },
    });
    await waitFor(
      "the old rejected body erased",
      async () => (await testDb().webhookEvent.findUniqueOrThrow({ where: { id: old.id } })).payload === null,
    );
    const kept = await testDb().webhookEvent.findUniqueOrThrow({ where: { id: recent.id } });
    expect(kept).toMatchObject({ status: "rejected" });
    expect(kept.payload).toContain(who.email);

    const failing = orderBody(who, daysAgo(2), "40.00");
    const restore = await failOrderWrites(failing.admin_graphql_api_id);
    try {
      await deliver(shop, "orders/create", failing, 500);
      const failed = await testDb().webhookEvent.findFirstOrThrow({ where: { shopDomain: shop, status: "failed" } });
      expect(failed.payload).toContain(who.email);
      // The worker's retries used up (waiting for twelve real ones would take minutes).
      await testDb().webhookEvent.update({ where: { id: failed.id }, data: { attempts: 12 } });
      await waitFor(
        "the given-up body erased",
        async () => (await testDb().webhookEvent.findUniqueOrThrow({ where: { id: failed.id } })).payload === null,
      );
      expect(await testDb().webhookEvent.findUniqueOrThrow({ where: { id: failed.id } })).toMatchObject({
        status: "failed",
        attempts: 12,
      });
    } finally {
      await restore();
    }
    expect(await testDb().webhookEvent.count({ where: { shopDomain: shop } })).toBe(3);
  });

  it("erases every stored body of the shop on shop/redact, a rejected shop/redact's too", async () => {
    const shop = await programShop("shopbodies");
    const who = person();
    await deliver(shop, "customers/update", customerBody(who, "not a time"), 422);
    await deliver(shop, "shop/redact", { shop_id: 548380009, note: `no shop_domain; ${who.email}` }, 422);
    expect(await testDb().webhookEvent.count({ where: { shopDomain: shop, payload: { not: null } } })).toBe(2);
    await deliver(shop, "app/uninstalled", fixtureFor("app/uninstalled", shop));
    await deliver(shop, "shop/redact", fixtureFor("shop/redact", shop));
    expect(await testDb().webhookEvent.count({ where: { shopDomain: shop, payload: { not: null } } })).toBe(0);
    expect(await findTraces(needles(who))).toEqual([]);
  });
});
