// The customer account extension's backend end to end: requests with customer account session
// tokens signed as Shopify signs them (test/support/session-token.ts) over real HTTP to the
// running app, from the extension's origin. The tokens name the shop and the customer; forged,
// expired, early, foreign-audience, foreign-shop and foreign-customer tokens read and spend
// nothing. Points come from signed order webhooks and the admin API. SQLite and PostgreSQL.
import { describe, expect, inject, it } from "vitest";
import { RATE_LIMITS } from "../../app/storefront/rate-limit";
import { adminCall, installShop, proxyFetch } from "../support/app-proxy";
import { sentGraphql } from "../support/admin-double";
import { testDb } from "../support/db";
import { BROWSER_HEADERS, customerAccountToken, sessionToken, type CustomerAccountTokenOptions } from "../support/session-token";
import { waitFor } from "../support/wait";
import { fixtureFor, orderPayload, sendWebhook, uniqueShop } from "../support/webhooks";

const app = () => inject("appUrl");
const double = () => inject("adminDoubleUrl");
const ORIGIN = "https://extensions.shopifycdn.com";
const DAY_MS = 86_400_000;
const REWARD = {
  id: "ten-off",
  name: "$10 off",
  translations: { de: { name: "10 $ Rabatt", description: "Auf die nächste Bestellung" } },
  kind: "fixed_amount",
  pointsCost: 60,
  validDays: 30,
  value: "1000",
} as const;

let sequence = 0;
function customer() {
  const id = String(9_200_000_000_000_000_000n + BigInt(Date.now() % 1_000_000) * 1000n + BigInt(++sequence));
  return { id, gid: `gid://shopify/Customer/${id}` };
}

async function programShop(prefix: string) {
  const shop = uniqueShop(prefix);
  await installShop(app(), double(), shop);
  const saved = await adminCall(app(), shop, "/app/api/loyalty/program", {
    enabled: true,
    settings: { pendingDays: 14 },
    rules: [
      { id: "purchase", kind: "purchase", points: 1, perAmount: "100", effectiveFrom: new Date(Date.now() - 365 * DAY_MS) },
      { id: "birthday", kind: "birthday", points: 50 },
    ],
    tiers: [{ id: "silver", name: "Silver", threshold: "50", multiplierBasisPoints: 10000 }],
    rewards: [REWARD],
  });
  expect(saved.status, await saved.clone().text()).toBe(200);
  return shop;
}

async function credit(shop: string, customerGid: string, points: number) {
  const id = customerGid.split("/").pop();
  const body = { ...fixtureFor("customers/create", shop), id, admin_graphql_api_id: customerGid };
  expect((await sendWebhook(app(), { topic: "customers/create", shop, body })).status).toBe(200);
  const response = await adminCall(app(), shop, "/app/api/loyalty/adjust", {
    customerGid,
    points,
    reason: "Welcome gift",
    requestId: `account-credit-${++sequence}`,
  });
  expect(response.status, await response.clone().text()).toBe(200);
}

/** A request of the extension, as the customer account page's fetch sends it. */
function accountFetch(path: string, token: string | null, body?: unknown, method = body === undefined ? "GET" : "POST") {
  return fetch(`${app()}/account/api/${path}`, {
    method,
    headers: {
      ...BROWSER_HEADERS,
      Origin: ORIGIN,
      ...(token !== null && { Authorization: `Bearer ${token}` }),
      ...(body !== undefined && { "Content-Type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

const tokenFor = (shop: string, customerGid: string, options: CustomerAccountTokenOptions = {}) =>
  customerAccountToken(shop, { customerGid, ...options });

async function panel(shop: string, customerGid: string) {
  const response = await accountFetch("panel", tokenFor(shop, customerGid));
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as { program: any; member: any };
}

async function memberState(shop: string) {
  const db = testDb();
  const [entries, redemptions, members, counters] = await Promise.all([
    db.ledgerEntry.count({ where: { shopDomain: shop } }),
    db.redemption.count({ where: { shopDomain: shop } }),
    db.loyaltyMember.findMany({ where: { shopDomain: shop }, select: { customerGid: true, birthday: true } }),
    db.proxyRateLimit.count({ where: { shopDomain: shop } }),
  ]);
  return { entries, redemptions, members, counters };
}

describe("the customer account extension's API", () => {
  it("answers the extension origin's preflight and every answer with CORS headers", async () => {
    const preflight = await fetch(`${app()}/account/api/redeem`, {
      method: "OPTIONS",
      headers: {
        ...BROWSER_HEADERS,
        Origin: ORIGIN,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    expect(preflight.headers.get("access-control-allow-headers")).toMatch(/Authorization.*Content-Type/);
    expect(preflight.headers.get("access-control-allow-methods")).toContain("POST");

    const refused = await accountFetch("panel", null);
    expect([refused.status, await refused.json()]).toEqual([401, { error: "invalid_token" }]);
    expect(refused.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("shows the signed-in customer their standing, pages their history and redeems once per key", async () => {
    const shop = await programShop("account");
    const buyer = customer();
    await credit(shop, buyer.gid, 100);

    const response = await accountFetch("panel", tokenFor(shop, buyer.gid));
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    const { program, member } = await response.json();
    expect(program).toMatchObject({ enabled: true, currency: "USD", rewards: [expect.objectContaining({ id: REWARD.id })] });
    expect(member).toMatchObject({ balance: { available: 100, pending: 0 }, codes: [], birthday: null });

    // Reward texts in the customer's language, as the extension asks (?locale=); without one, the primary words.
    const german = await accountFetch("panel?locale=de", tokenFor(shop, buyer.gid));
    expect((await german.json()).program.rewards[0]).toMatchObject({
      name: "10 $ Rabatt",
      description: "Auf die nächste Bestellung",
    });
    const french = await accountFetch("panel?locale=fr", tokenFor(shop, buyer.gid));
    expect((await french.json()).program.rewards[0]).toMatchObject({ name: REWARD.name });
    const notLocale = await accountFetch("panel?locale=fran%C3%A7ais", tokenFor(shop, buyer.gid));
    expect([notLocale.status, (await notLocale.json()).errors[0].field]).toEqual([400, "locale"]);

    const history = await accountFetch("history", tokenFor(shop, buyer.gid));
    expect((await history.json()).entries.map((entry: { points: number }) => entry.points)).toEqual([100]);
    const badCursor = await accountFetch("history?before=abc", tokenFor(shop, buyer.gid));
    expect(badCursor.status).toBe(400);

    const first = await accountFetch("redeem", tokenFor(shop, buyer.gid), { rewardId: REWARD.id, clientKey: "account-key-1" });
    expect(first.status).toBe(200);
    const issued = await first.json();
    expect(issued).toMatchObject({ status: "issued", code: expect.stringMatching(/^CB-/), points: 60 });
    // The same key again, here or through the App Proxy: the same redemption, one debit.
    const again = await accountFetch("redeem", tokenFor(shop, buyer.gid), { rewardId: REWARD.id, clientKey: "account-key-1" });
    expect(await again.json()).toEqual(issued);
    const viaProxy = await proxyFetch(app(), "redeem", {
      shop,
      customerId: buyer.id,
      body: { rewardId: REWARD.id, clientKey: "account-key-1" },
    });
    expect(await viaProxy.json()).toEqual(issued);
    expect(await sentGraphql(shop, "discountCodeBasicCreate")).toHaveLength(1);
    expect((await panel(shop, buyer.gid)).member).toMatchObject({
      balance: { available: 40, pending: 0 },
      codes: [expect.objectContaining({ code: issued.code, rewardName: REWARD.name })],
    });

    const birthday = await accountFetch("birthday", tokenFor(shop, buyer.gid), { birthday: "04-05" });
    expect([birthday.status, await birthday.json()]).toEqual([200, { birthday: "04-05" }]);
    const wrongMethod = await accountFetch("redeem", tokenFor(shop, buyer.gid));
    expect([wrongMethod.status, wrongMethod.headers.get("allow")]).toEqual([405, "POST"]);
  });

  it("tells the order block what an order earned: pending, then reversed by a refund", async () => {
    const shop = await programShop("order-block");
    const buyer = customer();
    const placed = orderPayload(buyer.id, new Date(Date.now() - DAY_MS).toISOString(), "120.00");
    expect((await sendWebhook(app(), { topic: "orders/create", shop, body: placed })).status).toBe(200);
    const orderGid = `gid://shopify/Order/${placed.id}`;
    await waitFor(
      "the order's points",
      async () => (await testDb().ledgerEntry.count({ where: { shopDomain: shop, orderGid } })) === 1,
    );

    const answer = await accountFetch(`order?id=${encodeURIComponent(orderGid)}`, tokenFor(shop, buyer.gid));
    expect(await answer.json()).toEqual({
      status: "pending",
      earned: 120,
      reversed: 0,
      pendingUntil: new Date(new Date(placed.processed_at).getTime() + 14 * DAY_MS).toISOString(),
    });
    // Another customer asking about that order learns nothing of it.
    const stranger = await accountFetch(`order?id=${encodeURIComponent(orderGid)}`, tokenFor(shop, customer().gid));
    expect(await stranger.json()).toEqual({ status: "none", earned: 0, reversed: 0, pendingUntil: null });
    const notAnOrder = await accountFetch("order?id=gid://shopify/Customer/1", tokenFor(shop, buyer.gid));
    expect(notAnOrder.status).toBe(400);

    const cancelled = {
      ...placed,
      cancelled_at: new Date().toISOString(),
      updated_at: new Date().toISOString(),
      cancel_reason: "customer",
    };
    expect((await sendWebhook(app(), { topic: "orders/cancelled", shop, body: cancelled })).status).toBe(200);
    await waitFor(
      "the reversal",
      async () => (await testDb().ledgerEntry.count({ where: { shopDomain: shop, orderGid } })) === 2,
    );
    const reversed = await accountFetch(`order?id=${encodeURIComponent(orderGid)}`, tokenFor(shop, buyer.gid));
    expect(await reversed.json()).toMatchObject({ status: "reversed", earned: 120, reversed: 120 });
  });

  it("refuses forged, expired, early, foreign-audience and customer-less tokens, reading and spending nothing", async () => {
    const shop = await programShop("tokens");
    const buyer = customer();
    await credit(shop, buyer.gid, 100);
    const before = await memberState(shop);
    // The library allows 10 s of clock skew: these are well past it.
    const refusals: [string, string | null, string][] = [
      ["no token", null, "invalid_token"],
      ["forged", tokenFor(shop, buyer.gid, { secret: "not-the-app-secret" }), "invalid_token"],
      ["expired", tokenFor(shop, buyer.gid, { expiresInSeconds: -60 }), "invalid_token"],
      ["not yet valid", tokenFor(shop, buyer.gid, { notBeforeSeconds: 120 }), "invalid_token"],
      ["another app's", tokenFor(shop, buyer.gid, { audience: "another-app-key" }), "invalid_token"],
      ["garbage", "not.a.jwt", "invalid_token"],
      ["no customer", customerAccountToken(shop, { customerGid: null }), "sign_in_required"],
      ["a numeric customer id", customerAccountToken(shop, { customerGid: buyer.id }), "sign_in_required"],
      // The admin's App Bridge token: the same secret and audience, but a staff member, no customer.
      ["the admin's", sessionToken(shop), "sign_in_required"],
    ];
    for (const [name, token, error] of refusals) {
      for (const [path, body] of [
        ["panel", undefined],
        ["history", undefined],
        ["order?id=gid://shopify/Order/1", undefined],
        ["redeem", { rewardId: REWARD.id, clientKey: "forged-key-1" }],
        ["birthday", { birthday: "03-04" }],
      ] as const) {
        const response = await accountFetch(path, token, body);
        expect([name, path, response.status, await response.json()]).toEqual([name, path, 401, { error }]);
        expect(response.headers.get("access-control-allow-origin")).toBe("*");
      }
    }
    expect(await memberState(shop)).toEqual(before);
    expect(await sentGraphql(shop, "discountCodeBasicCreate")).toEqual([]);
  });

  it("keeps shops and customers apart: a token acts for its own shop and customer only", async () => {
    const [first, second] = [await programShop("first"), await programShop("second")];
    const [x, y] = [customer(), customer()];
    await credit(second, x.gid, 100);
    await credit(first, y.gid, 100);

    // X's token for the first shop sees the first shop's X (nothing), never the second's points.
    expect((await panel(first, x.gid)).member.balance).toEqual({ available: 0, pending: 0 });
    const spent = await accountFetch("redeem", tokenFor(first, x.gid), { rewardId: REWARD.id, clientKey: "cross-shop-1" });
    expect([spent.status, await spent.json()]).toEqual([409, { error: "not_enough_points" }]);
    expect((await panel(second, x.gid)).member.balance.available).toBe(100);

    // X names Y in every way a body or query can: X is refused for X's own balance, Y keeps every point.
    const steal = await accountFetch(`redeem?customer=${y.id}`, tokenFor(first, x.gid), {
      rewardId: REWARD.id,
      clientKey: "steal-key-1",
      customerGid: y.gid,
      customerId: y.id,
    });
    expect([steal.status, await steal.json()]).toEqual([409, { error: "not_enough_points" }]);
    const history = await accountFetch(`history?customerGid=${encodeURIComponent(y.gid)}`, tokenFor(first, x.gid));
    expect((await history.json()).entries).toEqual([]);
    expect((await panel(first, y.gid)).member.balance.available).toBe(100);

    // A shop that never installed the app, or uninstalled it, is unknown even with a valid signature.
    const stranger = await accountFetch("panel", tokenFor(uniqueShop("stranger"), x.gid));
    expect([stranger.status, await stranger.json()]).toEqual([404, { error: "unknown_shop" }]);
    const gone = await programShop("gone");
    const uninstalled = await sendWebhook(app(), {
      topic: "app/uninstalled",
      shop: gone,
      body: fixtureFor("app/uninstalled", gone),
    });
    expect(uninstalled.status).toBe(200);
    expect((await accountFetch("panel", tokenFor(gone, x.gid))).status).toBe(404);
  });

  it("shares the storefront's rate limit: redemptions count on both surfaces together", async () => {
    const shop = await programShop("account-limit");
    const buyer = customer();
    const { limit } = RATE_LIMITS.redeem;
    for (let i = 0; i < limit; i++) {
      const surface =
        i % 2 === 0
          ? accountFetch("redeem", tokenFor(shop, buyer.gid), { rewardId: REWARD.id, clientKey: `limit-key-${i}` })
          : proxyFetch(app(), "redeem", {
              shop,
              customerId: buyer.id,
              body: { rewardId: REWARD.id, clientKey: `limit-key-${i}` },
            });
      expect((await surface).status).toBe(409);
    }
    const limited = await accountFetch("redeem", tokenFor(shop, buyer.gid), { rewardId: REWARD.id, clientKey: "limit-key-x" });
    expect([limited.status, await limited.json()]).toEqual([429, { error: "rate_limited" }]);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(limited.headers.get("access-control-allow-origin")).toBe("*");
  });
});
