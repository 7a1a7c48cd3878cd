// Referrals end to end, on SQLite and on PostgreSQL: a member's link through the App Proxy, the
// friend's claim (a single-use code on the Admin API double), the friend's order by a signed
// webhook carrying that code, the referrer's points after the pending period, reversal on refund,
// each fraud rule flagging its case, and the review queue paying once, also under concurrent approvals;
// the referrer's code or store credit issued once at completion (lost answers, refusals, refunds
// before), and friends' claims left pending by a crash finished by their job.
import { describe, expect, inject, it } from "vitest";
import { adminCall, installShop, proxyFetch } from "../support/app-proxy";
import { sentGraphql, switchDouble } from "../support/admin-double";
import { testDb } from "../support/db";
import { BROWSER_HEADERS, sessionToken } from "../support/session-token";
import { waitFor } from "../support/wait";
import { findTraces } from "../support/traces";
import { fixture, fixtureFor, orderPayload, sendCustomer, sendWebhook, sign, uniqueShop } from "../support/webhooks";
import { FLOW_TRIGGERS } from "../../app/delivery/flow-triggers";

const app = () => inject("appUrl");
const double = () => inject("adminDoubleUrl");
const DAY_MS = 86_400_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS).toISOString();
const PURCHASE_RULE = { id: "purchase", kind: "purchase", points: 1, perAmount: "100", effectiveFrom: daysAgo(365) };

let sequence = 0;
function customer() {
  const id = String(9_200_000_000_000_000_000n + BigInt(Date.now() % 1_000_000) * 1000n + BigInt(++sequence));
  return { id, gid: `gid://shopify/Customer/${id}` };
}

async function referralShop(prefix: string, pendingDays: number, settings: Record<string, unknown> = {}) {
  const shop = uniqueShop(prefix);
  await installShop(app(), double(), shop);
  const program = await adminCall(app(), shop, "/app/api/loyalty/program", {
    enabled: true,
    settings: { pendingDays },
    rules: [PURCHASE_RULE],
  });
  expect(program.status, await program.clone().text()).toBe(200);
  const referrals = await adminCall(app(), shop, "/app/api/referrals/program", {
    enabled: true,
    settings: { referrerPoints: 500, friend: { kind: "fixed_amount", value: "1000", validDays: 30 }, ...settings },
  });
  expect(referrals.status, await referrals.clone().text()).toBe(200);
  return shop;
}

/** A customer of the shop with an e-mail, and their referral link from the storefront panel. */
async function referrer(shop: string, email: string) {
  const person = customer();
  await sendCustomer(app(), shop, person.id, { email, created_at: daysAgo(300) });
  const response = await proxyFetch(app(), "referral", { shop, customerId: person.id });
  expect(response.status, await response.clone().text()).toBe(200);
  const body = await response.json();
  expect(body.path).toBe(`/apps/comeback/r/${body.code}`);
  return { ...person, code: body.code as string };
}

const claim = (shop: string, code: string, customerId: string | null = null) =>
  proxyFetch(app(), `r/${code}`, { shop, customerId, method: "POST", headers: { Accept: "application/json" } });

async function friendCode(shop: string, link: string) {
  const response = await claim(shop, link);
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()).code as string;
}

interface OrderOptions {
  code?: string;
  email?: string;
  address1?: string;
  phone?: string | null;
  processedAt?: string;
  createdAt?: string;
  amount?: string;
}

/** An order of `buyer` by a signed orders/create webhook, with the friend's code typed in lower case. */
async function placeOrder(shop: string, buyer: { id: string; gid: string }, options: OrderOptions = {}) {
  const base = fixture("orders/create");
  const email = options.email ?? `buyer-${buyer.id}@example.com`;
  const processedAt = options.processedAt ?? new Date().toISOString();
  const body = orderPayload(buyer.id, processedAt, options.amount ?? "80.00", {
    email,
    phone: null,
    discount_codes: options.code ? [{ code: options.code.toLowerCase(), amount: "10.00", type: "fixed_amount" }] : [],
    shipping_address: {
      ...base.shipping_address,
      address1: options.address1 ?? `${buyer.id} Main Street`,
      phone: options.phone ?? null,
    },
    customer: {
      ...base.customer,
      id: buyer.id,
      admin_graphql_api_id: buyer.gid,
      email,
      created_at: options.createdAt ?? processedAt,
    },
  });
  const sent = await sendWebhook(app(), { topic: "orders/create", shop, body });
  expect(sent.status, sent.text).toBe(200);
  return body;
}

const referralOf = (shop: string, orderGid: string) =>
  testDb().referral.findUnique({ where: { shopDomain_orderGid: { shopDomain: shop, orderGid } } });

const settled = (shop: string, orderGid: string, status: string) =>
  waitFor(`the referral ${status}`, async () => {
    const row = await referralOf(shop, orderGid);
    return row?.status === status ? row : null;
  });

/** A claim row as claimReferral records it before Shopify is asked (for a crash in between). */
const claimRow = (shop: string, linkCode: string, code: string) => ({
  id: `claim-${code}-${shop}`,
  shopDomain: shop,
  linkCode,
  referrerGid: "gid://shopify/Customer/1",
  code,
  status: "pending",
  expiresAt: new Date(Date.now() + 30 * DAY_MS),
  createdAt: new Date(Date.now() - 5 * 60_000),
});

/** The merchant has a Flow workflow on "referral completed" (Flow's signed lifecycle callback). */
async function flowOn(shop: string) {
  const lifecycle = JSON.stringify({
    flow_trigger_definition_id: FLOW_TRIGGERS.referralCompleted.handle,
    has_enabled_flow: true,
    shop_id: "690933842",
    shopify_domain: shop,
    timestamp: new Date().toISOString(),
  });
  const answer = await fetch(`${app()}/flow/lifecycle`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Shopify-Hmac-Sha256": sign(lifecycle) },
    body: lifecycle,
  });
  expect(answer.status).toBe(200);
}

const rewardEntries = (shop: string, memberGid: string) =>
  testDb().ledgerEntry.findMany({
    where: { shopDomain: shop, memberGid, sourceKey: { startsWith: "referral:" } },
    orderBy: { id: "asc" },
  });

describe("referrals", () => {
  it("link, friend's code, order with it: the referrer's points pend, and a refund voids them", async () => {
    const shop = await referralShop("ref-pending", 14);
    const anna = await referrer(shop, "anna@example.com");
    // The same link again is the same code; the landing page creates nothing.
    expect((await (await proxyFetch(app(), "referral", { shop, customerId: anna.id })).json()).code).toBe(anna.code);
    const landing = await proxyFetch(app(), `r/${anna.code}`, { shop });
    expect(landing.status).toBe(200);
    expect(landing.headers.get("content-type")).toMatch(/^application\/liquid/);
    expect(await testDb().referralClaim.count({ where: { shopDomain: shop } })).toBe(0);

    const code = await friendCode(shop, anna.code);
    const sent = (await sentGraphql(shop, "discountCodeBasicCreate")).find(
      (body) => body.variables.basicCodeDiscount.code === code,
    );
    expect(sent?.variables.basicCodeDiscount).toMatchObject({
      code,
      context: { all: "ALL" },
      usageLimit: 1,
      appliesOncePerCustomer: true,
      customerGets: { value: { discountAmount: { amount: "10.00", appliesOnEachItem: false } } },
    });

    const friend = customer();
    const order = await placeOrder(shop, friend, { code });
    const row = await settled(shop, order.admin_graphql_api_id, "rewarded");
    expect(JSON.parse(row.flags)).toEqual([]);
    const [reward] = await rewardEntries(shop, anna.gid);
    expect(reward).toMatchObject({ points: 500, type: "earn", reason: "referral" });
    expect(reward.availableAt.getTime()).toBeGreaterThan(Date.now() + 13 * DAY_MS);
    // The webhook again (a retry, an update) changes nothing.
    expect(
      (await sendWebhook(app(), { topic: "orders/updated", shop, body: { ...order, updated_at: new Date().toISOString() } }))
        .status,
    ).toBe(200);

    // Refunded in full while pending: the reward is voided and the referral reversed.
    const money = {
      shop_money: { amount: "0.00", currency_code: "USD" },
      presentment_money: { amount: "0.00", currency_code: "USD" },
    };
    const refund = {
      ...fixture("refunds/create"),
      order_id: order.id,
      admin_graphql_api_id: `gid://shopify/Refund/${order.id}1`,
    };
    expect((await sendWebhook(app(), { topic: "refunds/create", shop, body: refund })).status).toBe(200);
    const refunded = {
      ...order,
      updated_at: new Date().toISOString(),
      current_subtotal_price: "0.00",
      current_subtotal_price_set: money,
    };
    expect((await sendWebhook(app(), { topic: "orders/updated", shop, body: refunded })).status).toBe(200);
    await settled(shop, order.admin_graphql_api_id, "reversed");
    const entries = await rewardEntries(shop, anna.gid);
    expect(entries.map((entry) => [entry.type, entry.points])).toEqual([
      ["earn", 500],
      ["void", -500],
    ]);
    expect(entries[1].availableAt).toEqual(entries[0].availableAt);
  });

  it("pays the referrer once the pending period is over, completes it, and a later refund deducts", async () => {
    const shop = await referralShop("ref-done", 0);
    await flowOn(shop);
    const ben = await referrer(shop, "ben@example.com");
    const friend = customer();
    const order = await placeOrder(shop, friend, { code: await friendCode(shop, ben.code) });
    await settled(shop, order.admin_graphql_api_id, "completed");
    const triggered = await waitFor("the Flow trigger", async () => {
      const sent = await sentGraphql(shop, "flowTriggerReceive");
      return sent.length ? sent : null;
    });
    expect(triggered.map((body) => body.variables)).toEqual([
      {
        handle: "comeback-referral-completed",
        payload: {
          customer_id: Number(ben.id),
          "Referral code": ben.code,
          "Referred order": order.name,
          Reward: "500 points",
          "Discount code": "",
        },
      },
    ]);
    const panel = await (await proxyFetch(app(), "referral", { shop, customerId: ben.id })).json();
    expect(panel).toMatchObject({ referred: 1, waiting: 0, pointsEarned: 500, referrerReward: { kind: "points", points: 500 } });
    // One of the period's two new customers came through a referral; Ben leads the board.
    await placeOrder(shop, customer());
    const metrics = await waitFor("the referral rate", async () => {
      const body = await (await adminCall(app(), shop, "/app/api/referrals/metrics?preset=last30")).json();
      return body.rate.current.newCustomers === 2 ? body : null;
    });
    expect(metrics.rate.current).toMatchObject({ newCustomers: 2, referred: 1, rate: 50 });
    // No new customers before: nothing to compare with yet.
    expect(metrics.vsPrevious).toBeNull();
    expect(metrics.cohort.referred).toMatchObject({ customers: 1, repeaters: 0 });
    expect(metrics.leaderboard).toEqual([{ customerGid: ben.gid, name: expect.any(String), referrals: 1, points: 500 }]);
    expect(metrics.cost).toMatchObject({ points: 500, friendDiscounts: expect.any(String) });

    const cancelled = { ...order, updated_at: new Date().toISOString(), cancelled_at: new Date().toISOString() };
    expect((await sendWebhook(app(), { topic: "orders/cancelled", shop, body: cancelled })).status).toBe(200);
    await settled(shop, order.admin_graphql_api_id, "reversed");
    expect((await rewardEntries(shop, ben.gid)).map((entry) => [entry.type, entry.points])).toEqual([
      ["earn", 500],
      ["deduct", -500],
    ]);
  });

  it("flags each fraud rule's case for review; a self-referral is rejected outright", async () => {
    const shop = await referralShop("ref-fraud", 14, { weeklyLimit: 2 });
    const cora = await referrer(shop, "Cora.Lee+shop@gmail.com");
    // Cora's own order (after her link exists) leaves her address's and phone's digests.
    await placeOrder(shop, cora, { address1: "7 Elm Road", phone: "+1 555 010 9999", email: "coralee@gmail.com" });
    await waitFor("Cora's digests", async () => (await testDb().referralDigest.count({ where: { shopDomain: shop } })) === 2);

    const cases: [string, (code: string) => Promise<{ admin_graphql_api_id: string }>, string[]][] = [
      [
        "selfReferral",
        (code) => placeOrder(shop, cora, { code, email: "cora@example.org" }),
        ["selfReferral", "sameAddress", "notNewCustomer"],
      ],
      ["sameEmail", (code) => placeOrder(shop, customer(), { code, email: "coralee@googlemail.com" }), ["sameEmail"]],
      ["sameAddress", (code) => placeOrder(shop, customer(), { code, address1: "7, elm road" }), ["sameAddress"]],
      ["samePhone", (code) => placeOrder(shop, customer(), { code, phone: "(555) 010-9999" }), ["samePhone"]],
      [
        "notNewCustomer",
        async (code) => {
          const known = customer();
          await placeOrder(shop, known, { processedAt: daysAgo(40), createdAt: daysAgo(40) });
          return placeOrder(shop, known, { code, createdAt: daysAgo(40) });
        },
        ["notNewCustomer"],
      ],
    ];
    for (const [rule, order, flags] of cases) {
      const placed = await order(await friendCode(shop, cora.code));
      const row = await waitFor(`the ${rule} case checked`, async () => {
        const found = await referralOf(shop, placed.admin_graphql_api_id);
        return found && found.status !== "checking" ? found : null;
      });
      expect([rule, row.status, JSON.parse(row.flags)]).toEqual([rule, rule === "selfReferral" ? "rejected" : "review", flags]);
    }
    expect(await rewardEntries(shop, cora.gid)).toEqual([]);

    // Weekly limit: two referrals rewarded, the other flagged, whichever order the worker's slots
    // settle them in. Leaked: one code on two orders.
    const dora = await referrer(shop, "dora@example.com");
    const placed: { admin_graphql_api_id: string }[] = [];
    for (let i = 0; i < 3; i++) placed.push(await placeOrder(shop, customer(), { code: await friendCode(shop, dora.code) }));
    const week = await waitFor("Dora's referrals checked", async () => {
      const rows = await Promise.all(placed.map((order) => referralOf(shop, order.admin_graphql_api_id)));
      return rows.every((row) => row && row.status !== "checking") ? rows.map((row) => row!) : null;
    });
    expect(week.map((row) => [row.status, JSON.parse(row.flags)]).sort()).toEqual([
      ["review", ["weeklyLimit"]],
      ["rewarded", []],
      ["rewarded", []],
    ]);
    const eve = await referrer(shop, "eve@example.com");
    const leaked = await friendCode(shop, eve.code);
    await settled(shop, (await placeOrder(shop, customer(), { code: leaked })).admin_graphql_api_id, "rewarded");
    const second = await placeOrder(shop, customer(), { code: leaked });
    expect(JSON.parse((await settled(shop, second.admin_graphql_api_id, "review")).flags)).toEqual(["leakedCode"]);

    // The queue: concurrent approvals pay once; a rejection needs its reason and pays nothing.
    const view = await (await adminCall(app(), shop, "/app/api/referrals/program")).json();
    expect(view.review.map((r: { flags: string[] }) => r.flags)).toEqual([
      ["sameEmail"],
      ["sameAddress"],
      ["samePhone"],
      ["notNewCustomer"],
      ["weeklyLimit"],
      ["leakedCode"],
    ]);
    const weekly = view.review[4];
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        adminCall(app(), shop, `/app/api/referrals/${weekly.id}/decision`, { decision: "approve", reason: "a real friend" }),
      ),
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409, 409, 409, 409]);
    const doraRewards = await rewardEntries(shop, dora.gid);
    expect(doraRewards.map((entry) => [entry.type, entry.points])).toEqual([
      ["earn", 500],
      ["earn", 500],
      ["earn", 500],
    ]);
    expect(new Set(doraRewards.map((entry) => entry.sourceKey)).size).toBe(3);

    const sameEmail = view.review[0];
    const noReason = await adminCall(app(), shop, `/app/api/referrals/${sameEmail.id}/decision`, {
      decision: "reject",
      reason: " ",
    });
    expect(noReason.status).toBe(400);
    const rejected = await adminCall(app(), shop, `/app/api/referrals/${sameEmail.id}/decision`, {
      decision: "reject",
      reason: "her own second address",
    });
    expect(rejected.status).toBe(200);
    expect((await rejected.json()).referral).toMatchObject({ status: "rejected", reviewReason: "her own second address" });
    expect(await rewardEntries(shop, cora.gid)).toEqual([]);
    // Another shop cannot decide this shop's referrals.
    const other = await referralShop("ref-other", 14);
    const foreign = await adminCall(app(), other, `/app/api/referrals/${view.review[1].id}/decision`, {
      decision: "approve",
      reason: "x",
    });
    expect(foreign.status).toBe(404);
  });

  it("rejects flagged referrals with their reasons when review is off, and stops a leaked link for the day", async () => {
    const shop = await referralShop("ref-noreview", 14, { review: false, dailyClaimLimit: 2 });
    await flowOn(shop);
    const finn = await referrer(shop, "finn@example.com");
    const code = await friendCode(shop, finn.code);
    const placed = await placeOrder(shop, customer(), { code, email: "finn@example.com" });
    const row = await settled(shop, placed.admin_graphql_api_id, "rejected");
    expect([JSON.parse(row.flags), row.reviewReason]).toEqual([["sameEmail"], "automatic"]);

    await friendCode(shop, finn.code);
    const paused = await claim(shop, finn.code);
    expect([paused.status, await paused.json()]).toEqual([409, { error: "link_paused" }]);
    const own = await claim(shop, finn.code, finn.id);
    expect([own.status, await own.json()]).toEqual([409, { error: "own_link" }]);
    const another = await claim(shop, (await referrer(shop, "gus@example.com")).code);
    expect(another.status).toBe(200);
    const unknown = await claim(shop, "ZZZZZZZZ");
    expect([unknown.status, await unknown.json()]).toEqual([404, { error: "unknown_link" }]);
    // Bad settings answer every field error and save nothing.
    const bad = await adminCall(app(), shop, "/app/api/referrals/program", {
      settings: { referrerPoints: 0, weeklyLimit: 1.5, friend: { kind: "percentage", percent: 120, validDays: 0 } },
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).errors.map((e: { field: string; code: string }) => [e.field, e.code])).toEqual([
      ["settings.referrerPoints", "wholeNumberRange"],
      ["settings.friend.percent", "wholeNumberRange"],
      ["settings.friend.validDays", "wholeNumberRange"],
      ["settings.weeklyLimit", "wholeNumberRange"],
    ]);
    expect((await (await adminCall(app(), shop, "/app/api/referrals/program")).json()).settings.referrerPoints).toBe(500);

    // Switched off: no link to share (204, nothing for the page to show) and no code for a friend.
    expect((await adminCall(app(), shop, "/app/api/referrals/program", { enabled: false })).status).toBe(200);
    expect((await proxyFetch(app(), "referral", { shop, customerId: finn.id })).status).toBe(204);
    const off = await claim(shop, finn.code);
    expect([off.status, await off.json()]).toEqual([409, { error: "program_not_running" }]);
  });

  it("the admin page saves settings typed in German, refuses unreadable ones, and needs a session token", async () => {
    const shop = await referralShop("ref-page", 14);
    const post = (form: Record<string, string>, token: string | null = sessionToken(shop)) =>
      fetch(`${app()}/app/referrals.data?locale=de`, {
        method: "POST",
        headers: { ...BROWSER_HEADERS, ...(token && { Authorization: `Bearer ${token}` }) },
        body: new URLSearchParams(form),
        redirect: "manual",
      });
    const form = {
      intent: "save",
      enabled: "true",
      referrerPoints: "250",
      referrerKind: "store_credit",
      referrerValue: "7,50",
      referrerValidDays: "",
      friendKind: "fixed_amount",
      friendValue: "12,50",
      friendPercent: "",
      friendMinimum: "1.000",
      friendValidDays: "14",
      weeklyLimit: "3",
      dailyClaimLimit: "10",
      review: "true",
    };
    expect((await post(form, sessionToken(shop, { secret: "forged" }))).status).toBe(401);
    const saved = await post(form);
    expect(saved.status, await saved.clone().text()).toBe(200);
    const view = await (await adminCall(app(), shop, "/app/api/referrals/program")).json();
    expect(view.settings).toEqual({
      referrerPoints: 250,
      referrerReward: { kind: "store_credit", value: "750" },
      friend: { kind: "fixed_amount", value: "1250", minimumOrder: "100000", validDays: 14 },
      weeklyLimit: 3,
      dailyClaimLimit: 10,
      review: true,
    });
    const refused = await post({ ...form, friendValue: "zehn", weeklyLimit: "0" });
    expect(refused.status).toBe(400);
    const body = await refused.text();
    for (const text of ["friend.value", "notANumber"]) expect(body).toContain(text);
    // A code for the referrer needs its days; an amount that is not one is refused.
    const code = await post({ ...form, referrerKind: "discount_code", referrerValue: "0", referrerValidDays: "400" });
    expect(code.status).toBe(400);
    for (const text of ["referrerReward.value", "referrerReward.validDays"]) expect(await code.clone().text()).toContain(text);
    // The readable values' errors come with the domain's check, after the unreadable ones are fixed.
    const domain = await post({ ...form, weeklyLimit: "0" });
    expect(domain.status).toBe(400);
    expect(await domain.text()).toContain("wholeNumberRange");
    expect((await (await adminCall(app(), shop, "/app/api/referrals/program")).json()).settings.weeklyLimit).toBe(3);
    const page = await fetch(`${app()}/app/referrals.data?locale=de`, {
      headers: { ...BROWSER_HEADERS, Authorization: `Bearer ${sessionToken(shop)}` },
    });
    expect(page.status).toBe(200);
  });

  it("puts referrals in the data request and erases them on both redact topics, digests included", async () => {
    const shop = await referralShop("ref-erase", 0);
    const hana = await referrer(shop, "hana@example.com");
    await placeOrder(shop, hana, { address1: "3 Birch Lane" });
    const ivo = customer();
    const order = await placeOrder(shop, ivo, { code: await friendCode(shop, hana.code), email: "ivo@example.com" });
    const row = await settled(shop, order.admin_graphql_api_id, "completed");
    // Decided: the friend's digests are no longer needed and are gone.
    expect([row.emailDigest, row.addressDigest, row.phoneDigest]).toEqual([null, null, null]);

    const dataRequest = async (who: { id: string }, requestId: number) => {
      const body = {
        ...fixtureFor("customers/data_request", shop),
        customer: { id: who.id, email: null, phone: null },
        data_request: { id: requestId },
      };
      expect((await sendWebhook(app(), { topic: "customers/data_request", shop, body })).status).toBe(200);
      const stored = await testDb().customerDataExport.findFirstOrThrow({
        where: { shopDomain: shop, requestId: String(requestId) },
      });
      return JSON.parse(stored.document).referrals;
    };
    const hanas = await dataRequest(hana, 9101);
    expect(hanas).toMatchObject({
      link: { code: hana.code },
      referralsMade: [{ referral: row.id, status: "completed", points: 500 }],
      referredBy: [],
      fraudRuleDigests: 1,
    });
    expect((await dataRequest(ivo, 9102)).referredBy).toMatchObject([{ referral: row.id, order: order.admin_graphql_api_id }]);

    const redact = async (who: { id: string; gid: string }, email: string) => {
      const body = {
        ...fixtureFor("customers/redact", shop),
        customer: { id: who.id, email, phone: null },
        orders_to_redact: [],
      };
      expect((await sendWebhook(app(), { topic: "customers/redact", shop, body })).status).toBe(200);
      return findTraces([who.gid, `Customer/${who.id}`, email]);
    };
    expect(await redact(hana, "hana@example.com")).toEqual([]);
    expect(await testDb().referralLink.count({ where: { shopDomain: shop } })).toBe(0);
    expect(await testDb().referralDigest.count({ where: { shopDomain: shop } })).toBe(0);
    expect(await redact(ivo, "ivo@example.com")).toEqual([]);
    const anonymous = await testDb().referral.findUniqueOrThrow({ where: { id: row.id } });
    expect([anonymous.referrerGid, anonymous.friendGid, anonymous.status]).toEqual([
      expect.stringMatching(/^redacted:/),
      expect.stringMatching(/^redacted:/),
      "completed",
    ]);

    expect((await sendWebhook(app(), { topic: "shop/redact", shop, body: fixtureFor("shop/redact", shop) })).status).toBe(200);
    const db = testDb();
    const left = await Promise.all(
      [db.referral, db.referralClaim, db.referralLink, db.referralDigest].map((table) =>
        (table as typeof db.referral).count({ where: { shopDomain: shop } }),
      ),
    );
    expect([...left, await db.referralProgram.count({ where: { shopDomain: shop } })]).toEqual([0, 0, 0, 0, 0]);
  });

  it("finishes a claim left pending by a crash: a code Shopify has is issued, a missing one failed, dead jobs on the Sync page", async () => {
    const shop = await referralShop("ref-recover", 14);
    const cleo = await referrer(shop, "cleo@example.com");
    const db = testDb();
    const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

    // Shopify created the code but its answer was lost; then the process died before recording it.
    await switchDouble(shop, { discountAnswerLost: true });
    const lostCode = await friendCode(shop, cleo.code);
    await switchDouble(shop, { discountAnswerLost: false });
    const lost = await db.referralClaim.findFirstOrThrow({ where: { shopDomain: shop, code: lostCode } });
    expect(lost.discountGid).toBeTruthy();
    await db.referralClaim.update({
      where: { id: lost.id },
      data: { status: "pending", discountGid: null, updatedAt: minutesAgo(5) },
    });
    // A claim whose process died before its code reached Shopify.
    const neverSent = await db.referralClaim.create({
      data: { ...claimRow(shop, cleo.code, "CB-NEVERSENT1"), updatedAt: minutesAgo(5) },
    });
    const recovered = await waitFor("both claims settled", async () => {
      const rows = await db.referralClaim.findMany({ where: { id: { in: [lost.id, neverSent.id] } } });
      return rows.every((row) => row.status !== "pending" && row.leaseUntil === null) && rows;
    });
    expect(recovered.find((row) => row.id === lost.id)).toMatchObject({ status: "issued", discountGid: lost.discountGid });
    expect(recovered.find((row) => row.id === neverSent.id)).toMatchObject({ status: "failed", discountGid: null });
    // Nothing was created again.
    expect(
      (await sentGraphql(shop, "discountCodeBasicCreate")).filter((body) => body.variables.basicCodeDiscount.code === lostCode),
    ).toHaveLength(1);

    // Shopify unreachable: the claim answers 502 and stays pending (it cannot tell); the job retries,
    // and one that spent its attempts is dead, on the Sync page.
    await switchDouble(shop, { unreachable: true });
    expect((await claim(shop, cleo.code)).status).toBe(502);
    const unconfirmed = await db.referralClaim.findFirstOrThrow({ where: { shopDomain: shop, status: "pending" } });
    const last = await db.referralClaim.create({
      data: { ...claimRow(shop, cleo.code, "CB-GIVENUP123"), updatedAt: minutesAgo(5), recoveryAttempts: 9 },
    });
    await db.referralClaim.update({ where: { id: unconfirmed.id }, data: { updatedAt: minutesAgo(5) } });
    const dead = await waitFor("the last attempt failed", async () => {
      const row = await db.referralClaim.findUnique({ where: { id: last.id } });
      return row?.recoveryAttempts === 10 && row;
    });
    expect(dead).toMatchObject({
      status: "pending",
      leaseUntil: null,
      recoveryError: expect.stringContaining("could not be looked up"),
    });
    await switchDouble(shop, { unreachable: false });
    await waitFor("the unconfirmed claim settled", async () => {
      const row = await db.referralClaim.findUnique({ where: { id: unconfirmed.id } });
      return row?.status === "failed" && row;
    });
    const body = await (await adminCall(app(), shop, "/app/sync.data")).text();
    expect(body).toContain("abandoned-referral-claims");
    expect(body).toContain(last.id);
    expect(body).not.toContain(unconfirmed.id);
  });

  const referrerRedemption = (shop: string, referralId: number) =>
    waitFor("the referrer's reward issued", async () => {
      const row = await testDb().redemption.findUnique({
        where: { shopDomain_clientKey: { shopDomain: shop, clientKey: `referral:${referralId}` } },
      });
      return row?.status === "issued" && row.leaseUntil === null ? row : null;
    });

  it("issues the referrer's single-use code once when the referral completes, also when Shopify's answer is lost, and lists it in the panel", async () => {
    const shop = await referralShop("ref-code", 0, { referrerReward: { kind: "discount_code", value: "1500", validDays: 60 } });
    await flowOn(shop);
    const finn = await referrer(shop, "finn@example.com");
    // The share answer promises the code, in minor units of the shop's currency (not points).
    const share = await (await proxyFetch(app(), "referral", { shop, customerId: finn.id })).json();
    expect(share).toMatchObject({ currency: "USD", currencyDigits: 2, referrerReward: { kind: "discount_code", value: "1500" } });
    expect(share).not.toHaveProperty("referrerPoints");
    const code = await friendCode(shop, finn.code);
    // Shopify creates the referrer's code but its answer is lost: the lookup finds it, nothing is made twice.
    await switchDouble(shop, { discountAnswerLost: true });
    const order = await placeOrder(shop, customer(), { code });
    const row = await settled(shop, order.admin_graphql_api_id, "completed");
    expect(row).toMatchObject({ points: 0, reward: JSON.stringify({ kind: "discount_code", value: "1500", validDays: 60 }) });
    const issued = await referrerRedemption(shop, row.id);
    await switchDouble(shop, { discountAnswerLost: false });
    expect(issued).toMatchObject({ memberGid: finn.gid, points: 0, creditAmount: null, discountGid: expect.any(String) });
    const sent = (await sentGraphql(shop, "discountCodeBasicCreate")).filter(
      (body) => body.variables.basicCodeDiscount.code === issued.code,
    );
    expect(sent).toHaveLength(1);
    expect(sent[0].variables.basicCodeDiscount).toMatchObject({
      usageLimit: 1,
      context: { customers: { add: [finn.gid] } },
      customerGets: { value: { discountAmount: { amount: "15.00" } } },
    });
    expect(await rewardEntries(shop, finn.gid)).toEqual([]);
    // The shopper sees it with their codes.
    const panel = await (await proxyFetch(app(), "panel", { shop, customerId: finn.id })).json();
    expect(panel.member.codes.map((c: { code: string }) => c.code)).toContain(issued.code);
    // Flow's "referral completed" carries the code.
    const flow = await waitFor("the Flow trigger queued", () =>
      testDb().flowTriggerEvent.findFirst({ where: { shopDomain: shop, idempotencyKey: `referral:${row.id}:completed` } }),
    );
    expect(JSON.parse(flow.payload)).toMatchObject({ Reward: "a 15.00 USD discount code", "Discount code": issued.code });
  });

  it("issues store credit once on completion despite a lost answer, and nothing for an order refunded before", async () => {
    const shop = await referralShop("ref-credit", 0, { referrerReward: { kind: "store_credit", value: "2500" } });
    const gus = await referrer(shop, "gus@example.com");
    const code = await friendCode(shop, gus.code);
    await switchDouble(shop, { storeCreditAnswerLost: true });
    const order = await placeOrder(shop, customer(), { code });
    const row = await settled(shop, order.admin_graphql_api_id, "completed");
    const issued = await referrerRedemption(shop, row.id);
    await switchDouble(shop, { storeCreditAnswerLost: false });
    expect(issued).toMatchObject({ memberGid: gus.gid, code: "", creditAmount: 2500n, creditTransactionGid: expect.any(String) });
    expect(await sentGraphql(shop, "storeCreditAccountCredit")).toHaveLength(1);

    // A friend's order refunded while pending: reversed, nothing issued.
    const pendingShop = await referralShop("ref-credit-refund", 14, { referrerReward: { kind: "store_credit", value: "2500" } });
    const hal = await referrer(pendingShop, "hal@example.com");
    const pending = await placeOrder(pendingShop, customer(), { code: await friendCode(pendingShop, hal.code) });
    const rewarded = await settled(pendingShop, pending.admin_graphql_api_id, "rewarded");
    expect(rewarded.rewardDueAt!.getTime()).toBeGreaterThan(Date.now() + 13 * DAY_MS);
    const refund = {
      ...fixture("refunds/create"),
      order_id: pending.id,
      admin_graphql_api_id: `gid://shopify/Refund/${pending.id}1`,
    };
    expect((await sendWebhook(app(), { topic: "refunds/create", shop: pendingShop, body: refund })).status).toBe(200);
    await settled(pendingShop, pending.admin_graphql_api_id, "reversed");
    expect(await testDb().redemption.count({ where: { shopDomain: pendingShop } })).toBe(0);
  });

  it("concurrent approvals of a flagged referral issue the referrer's code once", async () => {
    const shop = await referralShop("ref-code-approve", 0, {
      referrerReward: { kind: "discount_code", value: "1000", validDays: 30 },
    });
    const ida = await referrer(shop, "ida@example.com");
    const order = await placeOrder(shop, customer(), { code: await friendCode(shop, ida.code), email: "ida+friend@example.com" });
    const flagged = await settled(shop, order.admin_graphql_api_id, "review");
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        adminCall(app(), shop, `/app/api/referrals/${flagged.id}/decision`, { decision: "approve", reason: "a real friend" }),
      ),
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409, 409, 409, 409]);
    await settled(shop, order.admin_graphql_api_id, "completed");
    const issued = await referrerRedemption(shop, flagged.id);
    expect(await testDb().redemption.count({ where: { shopDomain: shop, memberGid: ida.gid } })).toBe(1);
    expect(
      (await sentGraphql(shop, "discountCodeBasicCreate")).filter(
        (body) => body.variables.basicCodeDiscount.code === issued.code,
      ),
    ).toHaveLength(1);
  });

  it("records the referrer's code as failed, with no points to give back, when Shopify refuses it", async () => {
    const shop = await referralShop("ref-code-refused", 0, {
      referrerReward: { kind: "discount_code", value: "1000", validDays: 30 },
    });
    const jo = await referrer(shop, "jo@example.com");
    const code = await friendCode(shop, jo.code);
    await switchDouble(shop, { discountUserError: "Code must be unique" });
    const order = await placeOrder(shop, customer(), { code });
    const row = await settled(shop, order.admin_graphql_api_id, "completed");
    const failed = await waitFor("the referrer's code failed", async () => {
      const found = await testDb().redemption.findUnique({
        where: { shopDomain_clientKey: { shopDomain: shop, clientKey: `referral:${row.id}` } },
      });
      return found?.status === "failed" ? found : null;
    });
    expect(failed.error).toContain("Code must be unique");
    expect(await testDb().ledgerEntry.count({ where: { shopDomain: shop, memberGid: jo.gid } })).toBe(0);
  });
});
