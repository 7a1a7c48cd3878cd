// The customers admin end to end: customers and orders arrive as signed webhooks, the loyalty
// worker earns their points, and the merchant's session token reads the list (search, filters,
// sorts, pages), a customer page, the analysis and marketing CSV exports, and records a manual
// adjustment.
// Runs on SQLite and on PostgreSQL.
import "../support/second-instance";
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { parseListQuery } from "../../app/customers/list";
import { listCustomers } from "../../app/customers/list.server";
import { adjustPoints } from "../../app/loyalty/admin.server";
import { isHeldOut } from "../../app/loyalty/holdout";
import { enrollMember, loadProgram } from "../../app/loyalty/store.server";
import { testDb } from "../support/db";
import { BROWSER_HEADERS, embeddedAppUrl, sessionToken } from "../support/session-token";
import { waitFor } from "../support/wait";
import { fixtureFor, sendCustomer, sendWebhook, uniqueShop, orderPayload } from "../support/webhooks";

const app = () => inject("appUrl");
const double = () => inject("adminDoubleUrl");
const DAY_MS = 86_400_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS).toISOString();

// Shopify's ids exceed 2^53: 9,100,000,000,000,000,00x cannot be a double.
let sequence = 0;
const newId = () => String(9_100_000_000_000_000_000n + BigInt(Date.now() % 1_000_000) * 1000n + BigInt(++sequence));
const gidOf = (id: string) => `gid://shopify/Customer/${id}`;

async function install(shop: string) {
  const configured = await fetch(`${double()}/_test/shops/${shop}`, {
    method: "PUT",
    body: JSON.stringify({ name: "Customers Test", currencyCode: "USD", ianaTimezone: "UTC", jsonl: "" }),
  });
  expect(configured.ok).toBe(true);
  expect(
    (await fetch(embeddedAppUrl(app(), shop, sessionToken(shop)), { redirect: "manual", headers: BROWSER_HEADERS })).status,
  ).toBe(200);
}

const createCustomer = (shop: string, id: string, firstName: string | null, lastName: string | null, email: string | null) =>
  sendCustomer(app(), shop, id, { first_name: firstName, last_name: lastName, email, updated_at: daysAgo(400) });

async function placeOrder(shop: string, customerId: string, days: number, amount: string, changes: Record<string, unknown> = {}) {
  const body = orderPayload(customerId, daysAgo(days), amount, changes);
  expect((await sendWebhook(app(), { topic: "orders/create", shop, body })).status).toBe(200);
}

let consentMinutes = 0;
/** customers_email_marketing_consent/update, each later than the one before. */
async function setConsent(shop: string, customerId: string, state: string) {
  const body = {
    customer_id: customerId,
    email_address: null,
    email_marketing_consent: {
      state,
      opt_in_level: "single_opt_in",
      consent_updated_at: new Date(Date.now() - DAY_MS + ++consentMinutes * 60_000).toISOString(),
    },
  };
  expect((await sendWebhook(app(), { topic: "customers_email_marketing_consent/update", shop, body })).status).toBe(200);
}

/** An admin page as Shopify's admin loads it (the session token in the URL); its HTML. */
async function page(shop: string, path: string, token = sessionToken(shop)) {
  const [pathname, search = ""] = path.split("?");
  const response = await fetch(`${embeddedAppUrl(app(), shop, token, pathname)}${search ? `&${search}` : ""}`, {
    headers: BROWSER_HEADERS,
    redirect: "manual",
  });
  return { status: response.status, html: await response.text() };
}

/** The customer GIDs of the list's rows, in order. */
const listedGids = (html: string) => [...html.matchAll(/<tr[^>]*id="(gid:\/\/shopify\/Customer\/\d+)"/g)].map((m) => m[1]);

async function list(shop: string, search = "") {
  const { status, html } = await page(shop, `/app/customers${search ? `?${search}` : ""}`);
  expect(status, html.slice(0, 500)).toBe(200);
  return { html, gids: listedGids(html) };
}

function api(shop: string, path: string, init: { method?: string; body?: string | URLSearchParams; token?: string | null } = {}) {
  const token = init.token === undefined ? sessionToken(shop) : init.token;
  return fetch(`${app()}${path}`, {
    method: init.method ?? "GET",
    body: init.body,
    headers: {
      ...BROWSER_HEADERS,
      ...(token && { Authorization: `Bearer ${token}` }),
      ...(init.body instanceof URLSearchParams && { "Content-Type": "application/x-www-form-urlencoded" }),
    },
    redirect: "manual",
  });
}

const shop = uniqueShop("customers");
const ada = newId();
const grace = newId();
const guest = newId(); // no customers/* webhook: a stub known only from its orders, without a name
const eve = newId(); // redacted
const linus = newId(); // an account, no orders
const fillers = Array.from({ length: 50 }, newId);

beforeAll(async () => {
  await install(shop);
  const program = await api(shop, "/app/api/loyalty/program", {
    method: "POST",
    body: JSON.stringify({
      enabled: true,
      settings: { pendingDays: 14 },
      rules: [{ id: "purchase", kind: "purchase", points: 1, perAmount: "100", effectiveFrom: daysAgo(365) }],
      tiers: [
        { id: "bronze", name: "Bronze", threshold: "1", multiplierBasisPoints: 10000 },
        { id: "gold", name: "Gold", threshold: "100", multiplierBasisPoints: 10000 },
      ],
    }),
  });
  expect(program.status, await program.clone().text()).toBe(200);
  await createCustomer(shop, ada, "Ada", "Lovelace", "ada@example.com");
  await createCustomer(shop, grace, "Grace", "Hopper", "Grace.Hopper@example.com");
  await createCustomer(shop, eve, "Eve", "Secret", "eve@example.com");
  await createCustomer(shop, linus, "Linus", "Noorders", "linus@example.com");
  for (const id of fillers) await createCustomer(shop, id, null, null, `filler-${id}@example.org`);
  await placeOrder(shop, ada, 200, "100.10");
  await placeOrder(shop, ada, 100, "25.05");
  await placeOrder(shop, ada, 20, "25.00");
  await placeOrder(shop, grace, 20, "20.00");
  await placeOrder(shop, guest, 300, "40.00");
  await placeOrder(shop, guest, 30, "7.01");
  await placeOrder(shop, eve, 50, "500.00");
  // Listed on Ada's page, in no count.
  await placeOrder(shop, ada, 10, "30.00", { test: true });
  await setConsent(shop, ada, "subscribed");
  await setConsent(shop, linus, "subscribed");
  await setConsent(shop, fillers[0]!, "subscribed");
  await setConsent(shop, eve, "subscribed");
  await setConsent(shop, grace, "subscribed");
  await setConsent(shop, grace, "unsubscribed");
  await setConsent(shop, fillers[1]!, "pending");
  const redact = {
    ...fixtureFor("customers/redact", shop),
    customer: { id: eve, email: "eve@example.com", phone: null },
    orders_to_redact: [],
  };
  expect((await sendWebhook(app(), { topic: "customers/redact", shop, body: redact })).status).toBe(200);
  // The worker earns the points and places members in tiers.
  await waitFor("points and tiers", async () => {
    const gold = await testDb().loyaltyMember.findFirst({ where: { shopDomain: shop, customerGid: gidOf(ada), tierId: "gold" } });
    const due = await testDb().loyaltyMember.count({ where: { shopDomain: shop, reviewAt: { lte: new Date() } } });
    const tasks = await testDb().loyaltyTask.count({ where: { shopDomain: shop } });
    return gold !== null && due === 0 && tasks === 0;
  });
});

describe("the customers list", () => {
  it("lists every customer but the redacted one, by net spend, money exact, a nameless customer by its id", async () => {
    const { html, gids } = await list(shop);
    expect(gids.slice(0, 3)).toEqual([gidOf(ada), gidOf(guest), gidOf(grace)]);
    expect(gids).toHaveLength(50);
    expect(gids).not.toContain(gidOf(eve));
    expect(html).toContain("Ada Lovelace");
    expect(html).toContain("$150.15");
    expect(html).toContain("$47.01");
    expect(html).toContain(`Customer ${guest}`);
    expect(html).not.toContain("Eve");
    expect(html).not.toContain("eve@example.com");
    expect(html).toContain("Page 1 of 2");
  });

  it("pages on the server: page 2 has the rest, no customer twice", async () => {
    const first = await list(shop);
    const second = await list(shop, "page=2");
    // Ada, Grace, the guest, Linus and 50 more; not Eve.
    expect(second.gids).toHaveLength(54 - 50);
    expect(new Set([...first.gids, ...second.gids]).size).toBe(54);
    expect(second.html).toContain("Page 2 of 2");
  });

  it("searches names, e-mails (any case), ids and GIDs", async () => {
    expect((await list(shop, "q=lovelace")).gids).toEqual([gidOf(ada)]);
    expect((await list(shop, "q=grace.HOPPER")).gids).toEqual([gidOf(grace)]);
    expect((await list(shop, "q=ada%20love")).gids).toEqual([gidOf(ada)]);
    expect((await list(shop, `q=${guest}`)).gids).toEqual([gidOf(guest)]);
    expect((await list(shop, `q=${encodeURIComponent(gidOf(grace))}`)).gids).toEqual([gidOf(grace)]);
    expect((await list(shop, "q=secret")).gids).toEqual([]);
    expect((await list(shop, "q=nobody-like-this")).html).toContain("No customers found");
  });

  it("filters by tier and loyalty membership and sorts by points, orders and last order", async () => {
    expect((await list(shop, "tier=gold")).gids).toEqual([gidOf(ada)]);
    expect((await list(shop, "tier=bronze&sort=points&direction=asc")).gids).toEqual([gidOf(grace), gidOf(guest)]);
    // Everyone is a member: an account (customers/create) or an order enrols the customer.
    const members = await list(shop, "member=member&sort=points");
    expect(members.gids.slice(0, 3)).toEqual([gidOf(ada), gidOf(guest), gidOf(grace)]);
    expect(members.html).toContain("Gold");
    expect((await list(shop, "member=member&q=linus")).gids).toEqual([gidOf(linus)]);
    expect((await list(shop, "member=not_member")).gids).toEqual([]);
    expect((await list(shop, "sort=orders&q=example.com")).gids.slice(0, 2)).toEqual([gidOf(ada), gidOf(grace)]);
    expect((await list(shop, "sort=lastOrder&direction=asc&q=example.com")).gids.slice(0, 2)).toEqual([gidOf(ada), gidOf(grace)]);
  });

  it("explains a link it cannot read instead of guessing, with a 400", async () => {
    const { status, html } = await page(shop, "/app/customers?sort=name");
    expect(status).toBe(400);
    expect(html).toContain("This list link is not valid");
    expect((await api(shop, "/app/customers.csv?segment=vip")).status).toBe(400);
  });

  it("exports the filtered list, all pages, without names or e-mail addresses", async () => {
    const gold = await api(shop, "/app/customers.csv?tier=gold");
    expect(gold.status).toBe(200);
    expect(gold.headers.get("content-type")).toContain("text/csv");
    const lines = (await gold.text()).split("\r\n");
    expect(lines[0]).toBe("customer_gid,segment,orders,net_spend,last_order,p_alive,predicted_clv_12m,churn_risk,points,tier");
    expect(lines[1]).toMatch(new RegExp(`^${gidOf(ada)},[a-z_]+,3,150.15,\\d{4}-\\d\\d-\\d\\d,,,,150,Gold$`));
    expect(lines).toHaveLength(3);

    const everyone = await (await api(shop, "/app/customers.csv?sort=netSpend&direction=asc")).text();
    const rows = everyone.trim().split("\r\n").slice(1);
    expect(rows).toHaveLength(54);
    expect(rows.at(-1)!.startsWith(`${gidOf(ada)},`)).toBe(true);
    expect(everyone).not.toMatch(/@|Lovelace|Eve|redacted/);
  });

  it("follows new orders within a rebuild, and never shows a customer erased meanwhile", async () => {
    const mallory = newId();
    await createCustomer(shop, mallory, "Mallory", "Later", "mallory@example.com");
    await placeOrder(shop, mallory, 5, "999.99");
    // The rows are rebuilt in the background after a change; the list follows within moments.
    await waitFor("the new top spender", async () => (await list(shop)).gids[0] === gidOf(mallory));
    const redact = {
      ...fixtureFor("customers/redact", shop),
      customer: { id: mallory, email: "mallory@example.com", phone: null },
      orders_to_redact: [],
    };
    expect((await sendWebhook(app(), { topic: "customers/redact", shop, body: redact })).status).toBe(200);
    // At once, even before the rows are rebuilt: no name, no row, no id in an export.
    const { html, gids } = await list(shop);
    expect(gids).not.toContain(gidOf(mallory));
    expect(html).not.toContain("Mallory");
    expect(await (await api(shop, "/app/customers.csv")).text()).not.toContain(mallory);
  });
});

describe("the marketing export", () => {
  const today = new Date().toISOString().slice(0, 10); // the shop is in UTC
  const emails = (csv: string) =>
    csv
      .trim()
      .split("\r\n")
      .slice(1)
      .map((line) => line.split(",")[2]);

  it("has only the customers who accepted e-mail marketing, never a redacted one, in a file named apart from the analysis export", async () => {
    const everyone = await api(shop, "/app/customers/marketing.csv");
    expect(everyone.status).toBe(200);
    expect(everyone.headers.get("content-type")).toContain("text/csv");
    expect(everyone.headers.get("content-disposition")).toBe(`attachment; filename="comeback-marketing-all-${today}.csv"`);
    expect(everyone.headers.get("x-row-count")).toBe("3");
    const csv = await everyone.text();
    expect(csv.split("\r\n")[0]).toBe("first_name,last_name,email,segment,churn_risk,next_order_due,overdue_days");
    // In the list's order (net spend, highest first, then the older account); unsubscribed Grace,
    // pending and silent fillers, the guest and redacted Eve are left out.
    expect(emails(csv)).toEqual(["ada@example.com", "linus@example.com", `filler-${fillers[0]}@example.org`]);
    expect(csv.split("\r\n")[1]).toMatch(/^Ada,Lovelace,ada@example\.com,[a-z_]+,,\d{4}-\d\d-\d\d,\d+$/);
    expect(csv).not.toMatch(/Grace|eve@|Secret|redacted/);

    const analysis = await api(shop, "/app/customers.csv");
    expect(analysis.headers.get("content-disposition")).toBe(`attachment; filename="comeback-customers-all-${today}.csv"`);
  });

  it("follows the list's filters, names a segment in the file name, and says on the list's button how many it holds", async () => {
    const searched = await api(shop, "/app/customers/marketing.csv?q=lovelace");
    expect(searched.headers.get("content-disposition")).toBe(`attachment; filename="comeback-marketing-filtered-${today}.csv"`);
    expect(emails(await searched.text())).toEqual(["ada@example.com"]);

    const adaSegment = (await (await api(shop, "/app/customers.csv?q=lovelace")).text()).split("\r\n")[1]!.split(",")[1]!;
    const segment = await api(shop, `/app/customers/marketing.csv?segment=${adaSegment}`);
    expect(segment.headers.get("content-disposition")).toBe(
      `attachment; filename="comeback-marketing-${adaSegment.replace(/_/g, "-")}-${today}.csv"`,
    );
    expect(emails(await segment.text())).toContain("ada@example.com");

    expect((await list(shop)).html).toContain("Export marketing list (only the 3 customers who accepted e-mail marketing)");
    expect((await list(shop, "q=lovelace")).html).toContain(
      "Export marketing list (only the 1 customer who accepted e-mail marketing)",
    );
    expect((await api(shop, "/app/customers/marketing.csv?risk=none")).status).toBe(400);
  });
});

describe("a customer's page", () => {
  it("shows the profile, orders newest first, points, ledger and tier history", async () => {
    const { status, html } = await page(shop, `/app/customers/${ada}`);
    expect(status).toBe(200);
    expect(html).toContain("Ada Lovelace");
    expect(html).toContain("ada@example.com");
    expect(html.indexOf("$25.00")).toBeLessThan(html.indexOf("$100.10"));
    expect(html).toMatch(/id="points-available"[^>]*>150</);
    expect(html).toContain("Gold");
    expect(html).toContain("Promotion");
    expect(html).toContain("purchase");
  });

  it("gives one order count, the metrics' (the test order is listed and said to be uncounted), and links to the admin", async () => {
    // React separates interpolated text with empty comments.
    const text = async (id: string) => (await page(shop, `/app/customers/${id}`)).html.replace(/<!-- -->/g, "");
    const html = await text(ada);
    expect(html).toMatch(/id="customer-orders-count"[^>]*>3</);
    expect(html).toContain("3 orders, newest first · plus 1 cancelled or test order, not counted");
    expect(html).toContain(`href="shopify://admin/customers/${ada}"`);
    const orderGids = await testDb().order.findMany({
      where: { shopDomain: shop, customer: { gid: gidOf(ada) } },
      select: { gid: true },
    });
    expect(orderGids).toHaveLength(4);
    for (const { gid } of orderGids) expect(html).toContain(`href="shopify://admin/orders/${gid.split("/").pop()}"`);
    expect(html).toMatch(/id="customer-next-order"[^>]*>(<span[^>]*>)?(Expected|Overdue since) /);
    // Grace has one order: no "1 orders".
    expect(await text(grace)).toContain(">1 order, newest first<");
  });

  it("is not found for an unknown id, a redacted customer or another shop's customer", async () => {
    expect((await page(shop, `/app/customers/${newId()}`)).status).toBe(404);
    expect((await page(shop, `/app/customers/${eve}`)).status).toBe(404);
    expect((await page(shop, "/app/customers/not-an-id")).status).toBe(404);
    const other = uniqueShop("customers-other");
    await install(other);
    expect((await page(other, `/app/customers/${ada}`)).status).toBe(404);
    const { html } = await page(other, "/app/customers");
    expect(html).toContain("No customers yet");
    expect(html).not.toContain("Lovelace");
    expect((await (await api(other, "/app/customers.csv")).text()).trim().split("\r\n")).toHaveLength(1);
  });

  it("records a manual adjustment once per request id, and refuses 0 points or no reason, changing nothing", async () => {
    const entries = () => testDb().ledgerEntry.count({ where: { shopDomain: shop, memberGid: gidOf(grace), type: "adjust" } });
    const post = (fields: Record<string, string>) =>
      api(shop, `/app/customers/${grace}`, { method: "POST", body: new URLSearchParams(fields) });

    const refused = await post({ points: "0", reason: " ", requestId: randomUUID() });
    // The form is a fetcher's: the page shows these codes' messages (the browser test reads them).
    const answer = await refused.text();
    expect(answer).toContain('\\"pointsZero\\"');
    expect(answer).toContain('\\"reasonMissing\\"');
    expect(await entries()).toBe(0);

    const requestId = randomUUID();
    await Promise.all([
      post({ points: "15", reason: "Goodwill", requestId }),
      post({ points: "15", reason: "Goodwill", requestId }),
    ]);
    expect(await entries()).toBe(1);
    const { html } = await page(shop, `/app/customers/${grace}`);
    expect(html).toMatch(/id="points-available"[^>]*>35</);
    expect(html).toContain("Goodwill");
  });

  it("adjusts only the shop's own customers, and asks before a deduction beyond the available balance", async () => {
    const entries = () => testDb().ledgerEntry.count({ where: { shopDomain: shop, type: "adjust" } });
    const post = (id: string, fields: Record<string, string>) =>
      api(shop, `/app/customers/${id}`, { method: "POST", body: new URLSearchParams(fields) });
    const before = await entries();

    // Another shop's customer, a customer never seen and a redacted one: 404, nothing recorded, no one enrolled.
    const other = uniqueShop("customers-adjust-other");
    await install(other);
    const theirs = newId();
    await createCustomer(other, theirs, "Their", "Customer", null);
    for (const id of [theirs, newId(), eve]) {
      const refused = await post(id, { points: "10", reason: "Goodwill", requestId: randomUUID() });
      expect(refused.status, id).toBe(404);
    }
    expect(await entries()).toBe(before);
    expect(await testDb().loyaltyMember.count({ where: { shopDomain: shop, customerGid: gidOf(theirs) } })).toBe(0);

    // Grace has 35 points: a larger deduction is refused; the page shows the available balance and asks to confirm.
    const requestId = randomUUID();
    const asked = await post(grace, { points: "-50", reason: "Returned gift", requestId });
    expect(asked.status).toBe(200);
    // The answer is the fetcher's data (the browser test reads the question the page shows).
    expect(await asked.text()).toContain('\\"confirm\\"');
    expect(await entries()).toBe(before);
    const confirmed = await post(grace, { points: "-50", reason: "Returned gift", requestId, confirmShortfall: "yes" });
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).not.toContain('\\"confirm\\"');
    const recorded = await testDb().ledgerEntry.findMany({
      where: { shopDomain: shop, memberGid: gidOf(grace), type: "adjust", reason: "Returned gift" },
    });
    expect(recorded.map((entry) => [entry.points, entry.shortfall])).toEqual([[-35, 15]]);
    expect((await page(shop, `/app/customers/${grace}`)).html).toMatch(/id="points-available"[^>]*>0</);
  });
});

describe("without a valid session token", () => {
  it("answers no customer data", async () => {
    for (const path of ["/app/customers", `/app/customers/${ada}`, "/app/customers.csv"]) {
      const bare = await api(shop, path, { token: null });
      expect(bare.status, path).not.toBe(200);
      expect(await bare.text()).not.toContain("Lovelace");
      const forged = await api(shop, path, { token: sessionToken(shop, { secret: "not-the-app-secret" }) });
      expect(forged.status, path).toBe(401);
    }
    const posted = await api(shop, `/app/customers/${grace}`, {
      method: "POST",
      token: null,
      body: new URLSearchParams({ points: "5", reason: "x", requestId: "r" }),
    });
    expect(posted.status).not.toBe(200);
  });
});

// The app server writes (webhooks, its worker, staff adjustments) and this process reads the list
// through its own cached standings and balances, as a second instance would: every read must
// follow the write before it.
describe("the list's loyalty figures, cached per shop", () => {
  const cached = uniqueShop("customers-cache");
  const [spender, saver, waiter, pending, enrolling, stranger] = Array.from({ length: 6 }, newId);
  const read = async (search: string, now?: Date) => {
    const page = await listCustomers(cached, parseListQuery(new URLSearchParams(search)), now);
    return { ...page, gids: page.rows.map((row) => row.gid) };
  };
  const adjust = (id: string, points: number) =>
    adjustPoints(cached, "staff@example.com", { customerGid: gidOf(id), points, reason: "test", requestId: randomUUID() });
  const entryOf = (id: string) =>
    waitFor("the order's points", () =>
      testDb().ledgerEntry.findFirst({ where: { shopDomain: cached, memberGid: gidOf(id), type: "earn" } }),
    );

  beforeAll(async () => {
    await install(cached);
    const program = await api(cached, "/app/api/loyalty/program", {
      method: "POST",
      body: JSON.stringify({
        enabled: true,
        settings: { pendingDays: 14 },
        rules: [{ id: "purchase", kind: "purchase", points: 1, perAmount: "100", effectiveFrom: daysAgo(365) }],
        tiers: [{ id: "gold", name: "Gold", threshold: "100", multiplierBasisPoints: 10000 }],
      }),
    });
    expect(program.status, await program.clone().text()).toBe(200);
    // Synced but never enrolled (no customers/create, no order yet): not members.
    const ids = [spender, saver, waiter, pending, enrolling, stranger];
    await testDb().customer.createMany({
      data: ids.map((id) => ({ shopDomain: cached, gid: gidOf(id), firstName: `Customer ${id}` })),
    });
  });

  it("sorts by points as of the last adjustment or webhook-driven earn", async () => {
    await adjust(saver, 20);
    await adjust(spender, 10);
    expect((await read("sort=points")).gids.slice(0, 2)).toEqual([gidOf(saver), gidOf(spender)]);
    await adjust(spender, 30);
    const adjusted = await read("sort=points");
    expect(adjusted.gids.slice(0, 2)).toEqual([gidOf(spender), gidOf(saver)]);
    expect(adjusted.rows[0].points).toBe(40);
    // Earned by the app server's worker from an order 20 days old: available since 6 days.
    await placeOrder(cached, waiter, 20, "100.00");
    await entryOf(waiter);
    expect((await read("sort=points")).gids.slice(0, 3)).toEqual([gidOf(waiter), gidOf(spender), gidOf(saver)]);
    expect((await read("sort=points&direction=asc")).gids.slice(-3)).toEqual([gidOf(saver), gidOf(spender), gidOf(waiter)]);
  });

  it("counts pending points from the moment they become available, and not before", async () => {
    await placeOrder(cached, pending, 4, "500.00");
    const { availableAt } = await entryOf(pending);
    const before = new Date(availableAt.getTime() - 1);
    expect((await read("sort=points", before)).gids[0]).toBe(gidOf(waiter));
    const released = await read("sort=points", availableAt);
    expect(released.gids[0]).toBe(gidOf(pending));
    expect(released.rows[0].points).toBe(500);
    expect((await read("sort=points", before)).gids[0]).toBe(gidOf(waiter));
  });

  it("filters members as they change tier and as they enrol, in or out of the holdout", async () => {
    expect((await read("tier=gold")).gids).not.toContain(gidOf(spender));
    // Points from an order 20 days old: the app server's worker moves the member up to Gold.
    await placeOrder(cached, spender, 20, "150.00");
    await waitFor("Gold", () =>
      testDb().loyaltyMember.findFirst({ where: { shopDomain: cached, customerGid: gidOf(spender), tierId: "gold" } }),
    );
    expect((await read("tier=gold")).gids).toContain(gidOf(spender));

    expect((await read("member=not_member")).gids).toEqual([gidOf(enrolling), gidOf(stranger)]);
    await adjust(enrolling, 5);
    expect((await read("member=not_member")).gids).toEqual([gidOf(stranger)]);

    // Enrolled into the holdout the way the app enrols, with a program that holds half out.
    const program = (await loadProgram(testDb(), cached))!;
    const holdout = { ...program, settings: { ...program.settings, holdoutPercent: 50 } };
    const heldOutGid = Array.from({ length: 64 }, () => gidOf(newId())).find((gid) => isHeldOut(gid, program.salt, 50))!;
    await testDb().customer.create({ data: { shopDomain: cached, gid: heldOutGid } });
    await waitFor("the new customer listed", async () => (await read("member=not_member")).gids.includes(heldOutGid));
    await testDb().$transaction((tx) => enrollMember(tx, cached, heldOutGid, holdout, new Date()));
    expect((await read("member=not_member")).gids).toEqual([gidOf(stranger)]);
    expect((await read("member=held_out")).gids).toEqual([heldOutGid]);
  });

  it("drops an erased member from the member filters at once", async () => {
    const before = await read("member=member");
    expect(before.gids).toContain(gidOf(saver));
    const redact = {
      ...fixtureFor("customers/redact", cached),
      customer: { id: saver, email: null, phone: null },
      orders_to_redact: [],
    };
    expect((await sendWebhook(app(), { topic: "customers/redact", shop: cached, body: redact })).status).toBe(200);
    // The rows may still be the ones from before the erasure; the members must not be.
    const after = await read("member=member");
    expect(after.total).toBe(before.total - 1);
    expect(after.gids).not.toContain(gidOf(saver));
  });
});
