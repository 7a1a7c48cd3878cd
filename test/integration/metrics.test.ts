// Retention metrics end to end: orders arrive as signed webhooks, the merchant's session token
// reads the dashboard JSON and the CSV exports from the running app, and the operator CLI prints
// the same figures. Runs on SQLite and on PostgreSQL.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, inject, it } from "vitest";
import { startAppServer } from "../support/app-server";
import { testDb } from "../support/db";
import { BROWSER_HEADERS, embeddedAppUrl, sessionToken } from "../support/session-token";
import { waitFor } from "../support/wait";
import { fixtureTextFor, sendWebhook, shopIdOf, uniqueShop, orderPayload as order } from "../support/webhooks";

const app = () => inject("appUrl");
const double = () => inject("adminDoubleUrl");
const run = promisify(execFile);

// Auckland is UTC+13 in February: an order at 12:00 UTC on 31 January is on 1 February there.
const ZONE = "Pacific/Auckland";
const PERIOD = "from=2024-02-01&to=2024-02-29";

/** The numeric id of the shop's customer `n`: Shopify's ids are global, so no two shops share one. */
const customerOf = (shop: string, n: number) => String(BigInt(shopIdOf(shop)) * 1000n + BigInt(n));

async function install(shop: string) {
  const configured = await fetch(`${double()}/_test/shops/${shop}`, {
    method: "PUT",
    body: JSON.stringify({ name: "Metrics Test", currencyCode: "USD", ianaTimezone: ZONE, jsonl: "" }),
  });
  expect(configured.ok).toBe(true);
  const response = await fetch(embeddedAppUrl(app(), shop, sessionToken(shop)), { redirect: "manual", headers: BROWSER_HEADERS });
  expect(response.status).toBe(200);
}

function get(shop: string, path: string, token = sessionToken(shop), appUrl = app()) {
  return fetch(`${appUrl}${path}`, { headers: { ...BROWSER_HEADERS, Authorization: `Bearer ${token}` }, redirect: "manual" });
}

async function dashboard(shop: string, query = PERIOD, appUrl = app()) {
  const response = await get(shop, `/app/metrics.json?${query}`, sessionToken(shop), appUrl);
  expect(response.status).toBe(200);
  return response.json();
}

/**
 * Five customers and a guest, around February 2024 (lookback 365 days):
 * A ordered 2023-06-10 and 2024-02-05; B 2023-07-01; C first on 1 February (Auckland);
 * D 2022-12-01, then again 2024-02-20 (reactivated); E 2023-02-15 (active at the start, not at the end).
 */
async function seed(shop: string) {
  const orders = {
    a1: order(customerOf(shop, 101), "2023-06-10T00:00:00Z", "100.00"),
    a2: order(customerOf(shop, 101), "2024-02-05T00:00:00Z", "50.00"),
    b1: order(customerOf(shop, 102), "2023-07-01T00:00:00Z", "80.00"),
    c1: order(customerOf(shop, 103), "2024-01-31T12:00:00Z", "40.00"),
    d1: order(customerOf(shop, 104), "2022-12-01T00:00:00Z", "60.00"),
    d2: order(customerOf(shop, 104), "2024-02-20T00:00:00Z", "30.00"),
    e1: order(customerOf(shop, 105), "2023-02-15T00:00:00Z", "20.00"),
    guest: order(null, "2024-02-10T00:00:00Z", "10.00"),
    cancelled: order(customerOf(shop, 101), "2024-02-07T00:00:00Z", "999.00", { cancelled_at: "2024-02-07T01:00:00Z" }),
    test: order(customerOf(shop, 102), "2024-02-08T00:00:00Z", "999.00", { test: true }),
  };
  for (const body of Object.values(orders)) {
    expect((await sendWebhook(app(), { topic: "orders/create", shop, body })).status).toBe(200);
  }
  return orders;
}

describe("retention metrics", () => {
  it("computes every KPI of a period from webhooks, in the shop's timezone, and follows later changes", async () => {
    const shop = uniqueShop("metrics");
    await install(shop);
    const orders = await seed(shop);

    const first = await dashboard(shop);
    expect(first.shop).toMatchObject({ domain: shop, currency: "USD", timezone: ZONE });
    expect(first.periods.current).toEqual({ from: "2024-02-01", to: "2024-02-29", days: 29 });
    expect(first.periods.previous).toEqual({ from: "2024-01-03", to: "2024-01-31", days: 29 });
    expect(first.periods.yearAgo).toEqual({ from: "2023-02-01", to: "2023-02-28", days: 28 });
    expect(first.kpis.current).toMatchObject({
      customersAtStart: 3, // A, B, E
      customersAtEnd: 4, // A, B, C, D
      customersGained: 2,
      firstTimeCustomers: 1, // C, whose order is on 1 February in Auckland
      reactivatedCustomers: 1, // D
      retainedCustomers: 2,
      churnedCustomers: 1, // E
      orderingCustomers: 3,
      returningCustomers: 2,
      repeatCustomers: 2,
      customersToDate: 5,
      orders: 4, // the cancelled and the test order do not count
      customerOrders: 3,
      purchaseFrequency: 1,
      netRevenue: 13000,
      netRevenueNew: 4000,
      netRevenueReturning: 8000,
      netRevenueGuest: 1000,
      averageOrderValue: 3250,
      secondOrders: 2,
      medianDaysToSecondOrder: (240 + 446) / 2,
      historicalClv: 7600,
    });
    expect(first.kpis.current.retentionRate).toBeCloseTo((2 / 3) * 100, 10);
    expect(first.kpis.current.churnRate).toBeCloseTo((1 / 3) * 100, 10);
    expect(first.kpis.current.returningCustomerRate).toBeCloseTo((2 / 3) * 100, 10);
    expect(first.kpis.current.repeatPurchaseRate).toBe(40);
    // The year-ago period saw only E's first order.
    expect(first.kpis.yearAgo).toMatchObject({ orders: 1, netRevenue: 2000, firstTimeCustomers: 1 });
    expect(first.changes.netRevenue.vsYearAgo).toBe(550);
    expect(first.changes.repeatPurchaseRate.vsYearAgo).toBeCloseTo(40 - 0, 10);

    const cohorts = Object.fromEntries(first.cohorts.rows.map((row: any) => [row.cohort, row]));
    expect(cohorts["2024-02"].size).toBe(1);
    expect(cohorts["2023-06"].cells.map((c: any) => c.customers)).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(cohorts["2023-06"].cells.at(-1).cumulativeRevenuePerCustomer).toBe(15000);
    expect(first.segments.reduce((sum: number, s: any) => sum + s.customers, 0)).toBe(5);

    // D's February order is cancelled: the next read sees it, with no restart.
    const cancelled = { ...orders.d2, cancelled_at: "2024-03-02T00:00:00Z", updated_at: "2024-03-02T00:00:00Z" };
    expect((await sendWebhook(app(), { topic: "orders/cancelled", shop, body: cancelled })).status).toBe(200);
    const second = await dashboard(shop);
    expect(second.kpis.current).toMatchObject({
      reactivatedCustomers: 0,
      customersAtEnd: 3,
      orders: 3,
      netRevenue: 10000,
      secondOrders: 1,
    });

    // An order deleted in Shopify leaves the metrics too.
    // Raw text: the numeric id exceeds 2^53 and must reach the app exactly.
    const guestId = orders.guest.admin_graphql_api_id.split("/").pop();
    expect((await sendWebhook(app(), { topic: "orders/delete", shop, body: `{"id":${guestId}}` })).status).toBe(200);
    expect((await dashboard(shop)).kpis.current).toMatchObject({ orders: 2, netRevenueGuest: 0 });
  });

  it("exports the cohort table and the customers as CSV, without personal data", async () => {
    const shop = uniqueShop("metrics-csv");
    await install(shop);
    await seed(shop);

    const cohorts = await get(shop, `/app/metrics/cohorts.csv?${PERIOD}`);
    expect(cohorts.status).toBe(200);
    expect(cohorts.headers.get("content-type")).toContain("text/csv");
    const cohortLines = (await cohorts.text()).trim().split("\r\n");
    expect(cohortLines[0]).toBe(
      "cohort,cohort_customers,month,customers,percent,orders,net_revenue,cumulative_net_revenue_per_customer,in_progress",
    );
    expect(cohortLines).toContain("2024-02,1,0,1,100.00,1,40.00,40.00,false");

    const customers = await get(shop, "/app/metrics/customers.csv");
    expect(customers.status).toBe(200);
    const text = await customers.text();
    const lines = text.trim().split("\r\n");
    expect(lines[0]).toBe(
      "customer_gid,first_order,last_order,orders,net_spend,recency_days,r,f,m,segment,p_alive,expected_orders_90d,expected_orders_365d,predicted_clv_12m,churn_risk,next_order_due,overdue_days",
    );
    expect(lines).toHaveLength(6);
    const a = `gid://shopify/Customer/${customerOf(shop, 101)}`;
    expect(lines.find((line) => line.startsWith(`${a},`))).toMatch(new RegExp(`^${a},2023-06-10,2024-02-05,2,150\\.00,`));
    expect(text).not.toContain("@"); // no e-mail addresses
  });

  it("answers bad dates with a clear 400, and refuses requests without a valid session token", async () => {
    const shop = uniqueShop("metrics-auth");
    await install(shop);
    const bad = await get(shop, "/app/metrics.json?from=2024-02-30&to=2024-03-01");
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toContain("no such date");
    const reversed = await get(shop, "/app/metrics.json?from=2024-03-01&to=2024-02-01");
    expect(reversed.status).toBe(400);

    for (const path of ["/app/metrics.json", "/app/metrics/cohorts.csv", "/app/metrics/customers.csv"]) {
      const forged = await get(shop, path, sessionToken(shop, { secret: "forged" }));
      expect(forged.status, path).toBe(401);
      const none = await fetch(`${app()}${path}`, { headers: BROWSER_HEADERS, redirect: "manual" });
      expect(none.status, path).not.toBe(200);
    }
  });

  it("never shows one shop's figures to another", async () => {
    const owner = uniqueShop("metrics-owner");
    await install(owner);
    await seed(owner);
    const other = uniqueShop("metrics-other");
    await install(other);
    const theirs = await dashboard(other);
    expect(theirs.shop.domain).toBe(other);
    expect(theirs.kpis.current.orders).toBe(0);
    expect(theirs.kpis.current.customersToDate).toBe(0);
  });

  it("prints the same KPIs and the cohort table from the operator CLI", async () => {
    const shop = uniqueShop("metrics-cli");
    await install(shop);
    await seed(shop);
    const env = { ...process.env, DATABASE_URL: inject("databaseUrl"), COMEBACK_QUIET: "1" };
    const metrics = (...args: string[]) =>
      run(process.execPath, ["node_modules/tsx/dist/cli.mjs", "scripts/metrics.ts", "--shop", shop, ...args], { env });
    const period = ["--from", "2024-02-01", "--to", "2024-02-29"];
    const json = JSON.parse((await metrics(...period, "--format", "json")).stdout);
    expect(json.kpis.current).toMatchObject({ customersAtStart: 3, customersAtEnd: 4, orders: 4, netRevenue: 13000 });
    expect(json.predictions.status).not.toBe("pending");

    const csv = (await metrics(...period, "--format", "csv")).stdout;
    const [kpis, cohorts] = csv.split("\r\n\r\n");
    expect(kpis.split("\r\n")[0]).toBe("kpi,current,previous_period,year_ago,change_vs_previous,change_vs_year_ago");
    expect(kpis).toContain("\r\nnetRevenue,130.00,");
    expect(cohorts).toContain("2024-02,1,0,1,100.00,1,40.00,40.00");

    await expect(metrics("--format", "xml")).rejects.toMatchObject({ code: 2 });
    await expect(metrics("--from", "2024-02-31")).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining("no such date"),
    });
  });

  it("starts another instance from the stored snapshot plus the changes since, and erases both on shop/redact", async () => {
    const shop = uniqueShop("metrics-snapshot");
    await install(shop);
    await seed(shop);
    const before = await dashboard(shop);
    const db = testDb();
    await waitFor("the snapshot", async () => (await db.metricsSnapshot.count({ where: { shopDomain: shop } })) === 1);
    // The worker's first model fit may have written it while the seed was still arriving: it
    // holds at most the 8 counted orders, and never the one that follows.
    expect((await db.metricsSnapshot.findUniqueOrThrow({ where: { shopDomain: shop } })).orders).toBeLessThanOrEqual(8);

    // A new order after the snapshot; a second instance (as after a restart) must see both.
    expect(
      (
        await sendWebhook(app(), {
          topic: "orders/create",
          shop,
          body: order(customerOf(shop, 106), "2024-02-25T00:00:00Z", "70.00"),
        })
      ).status,
    ).toBe(200);
    const second = await startAppServer({
      databaseUrl: inject("databaseUrl"),
      adminDoubleUrl: double(),
      env: { COMEBACK_WORKER: "off" },
    });
    try {
      const after = await dashboard(shop, PERIOD, second.url);
      expect(after.kpis.current).toMatchObject({
        ...before.kpis.current,
        customersAtEnd: 5,
        customersGained: 3,
        firstTimeCustomers: 2,
        orderingCustomers: 4,
        customersToDate: 6,
        orders: 5,
        customerOrders: 4,
        netRevenue: 20000,
        netRevenueNew: 11000,
        averageOrderValue: 4000,
        historicalClv: Math.round(45000 / 6),
        repeatPurchaseRate: (2 / 6) * 100,
        purchaseFrequency: 1,
        returningCustomerRate: 50,
      });
    } finally {
      await second.stop();
    }

    expect((await sendWebhook(app(), { topic: "shop/redact", shop, body: fixtureTextFor("shop/redact", shop) })).status).toBe(
      200,
    );
    expect(await db.metricsSnapshot.count({ where: { shopDomain: shop } })).toBe(0);
    expect(await db.purchaseModelFit.count({ where: { shopDomain: shop } })).toBe(0);
  });
});
