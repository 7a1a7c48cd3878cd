// The storefront's App Proxy end to end: requests signed exactly as Shopify's proxy signs them
// (test/support/app-proxy.ts) over real HTTP to the running app; points earned from signed order
// webhooks or manual adjustments through the admin API; discount codes and metafields written to
// the Admin API double. Runs on SQLite and on PostgreSQL.
import { describe, expect, inject, it } from "vitest";
import { METAFIELDS_SET } from "../../app/loyalty/metafields";
import type { CodeReward } from "../../app/loyalty/program";
import { CURRENT_APP_INSTALLATION_QUERY } from "../../app/storefront/program-metafield";
import { GUEST_READ_LIMIT, RATE_LIMITS } from "../../app/storefront/rate-limit";
import { adminCall, installShop, proxyFetch, proxyQuery, proxyUrl } from "../support/app-proxy";
import { startAppServer } from "../support/app-server";
import {
  doubleStoreCredit,
  expectRewardCodeSent,
  expectStoreCreditSent,
  sentGraphql,
  switchDouble,
} from "../support/admin-double";
import { testDb } from "../support/db";
import { waitFor } from "../support/wait";
import { fixtureFor, orderPayload as order, sendWebhook, uniqueShop } from "../support/webhooks";

const app = () => inject("appUrl");
const double = () => inject("adminDoubleUrl");
const DAY_MS = 86_400_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS).toISOString();

const REWARD = { id: "ten-off", name: "$10 off", kind: "fixed_amount", pointsCost: 60, validDays: 30, value: "1000" } as const;
const PURCHASE_RULE = { id: "purchase", kind: "purchase", points: 1, perAmount: "100", effectiveFrom: daysAgo(365) };
const TIERS = [
  { id: "silver", name: "Silver", threshold: "50", multiplierBasisPoints: 12500 },
  { id: "gold", name: "Gold", threshold: "500", multiplierBasisPoints: 15000 },
];

let sequence = 0;
function customer() {
  const id = String(9_100_000_000_000_000_000n + BigInt(Date.now() % 1_000_000) * 1000n + BigInt(++sequence));
  return { id, gid: `gid://shopify/Customer/${id}` };
}

/** A shop with the program on: 1 point per 1.00, 14 days pending, one reward, two tiers. */
async function programShop(prefix: string, extra: Record<string, unknown> = {}) {
  const shop = uniqueShop(prefix);
  await installShop(app(), double(), shop);
  const saved = await adminCall(app(), shop, "/app/api/loyalty/program", {
    enabled: true,
    settings: { pendingDays: 14 },
    rules: [PURCHASE_RULE, { id: "birthday", kind: "birthday", points: 50 }],
    tiers: TIERS,
    rewards: [REWARD],
    ...extra,
  });
  expect(saved.status, await saved.clone().text()).toBe(200);
  return shop;
}

/** Credits points at once through the admin API, as a staff member would (to a customer the shop has). */
async function credit(shop: string, customerGid: string, points: number, requestId = `credit-${++sequence}`) {
  const id = customerGid.split("/").pop();
  const known = await sendWebhook(app(), {
    topic: "customers/create",
    shop,
    body: { ...fixtureFor("customers/create", shop), id, admin_graphql_api_id: customerGid },
  });
  expect(known.status).toBe(200);
  const response = await adminCall(app(), shop, "/app/api/loyalty/adjust", {
    customerGid,
    points,
    reason: "Welcome gift",
    requestId,
  });
  expect(response.status, await response.clone().text()).toBe(200);
}

const panel = async (shop: string, customerId: string | null) => {
  const response = await proxyFetch(app(), "panel", { shop, customerId });
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as { program: any; member: any };
};

const redeem = (shop: string, customerId: string, clientKey: string, extra: Record<string, unknown> = {}, appUrl = app()) =>
  proxyFetch(appUrl, "redeem", { shop, customerId, body: { rewardId: REWARD.id, clientKey, ...extra } });

/** Everything the app stores about a shop's members: a refused request must leave it as it was. */
async function memberState(shop: string) {
  const db = testDb();
  const [entries, redemptions, members, counters] = await Promise.all([
    db.ledgerEntry.count({ where: { shopDomain: shop } }),
    db.redemption.count({ where: { shopDomain: shop } }),
    db.loyaltyMember.findMany({
      where: { shopDomain: shop },
      select: { customerGid: true, birthday: true },
      orderBy: { id: "asc" },
    }),
    db.proxyRateLimit.count({ where: { shopDomain: shop } }),
  ]);
  return { entries, redemptions, members, counters };
}

describe("the storefront's App Proxy", () => {
  it("shows a guest the program and no member, uncached", async () => {
    const shop = await programShop("guest");
    const response = await proxyFetch(app(), "panel", { shop });
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    const body = await response.json();
    expect(body.member).toBeNull();
    expect(body.program).toEqual({
      enabled: true,
      currency: "USD",
      currencyDigits: 2,
      purchase: { points: 1, perAmount: "100" },
      bonuses: [{ kind: "birthday", ruleId: "birthday", points: 50, name: null }],
      tiers: [
        { id: "silver", name: "Silver", threshold: "50", multiplierBasisPoints: 12500 },
        { id: "gold", name: "Gold", threshold: "500", multiplierBasisPoints: 15000 },
      ],
      tierBasis: { metric: "points", window: "rolling_12_months" },
      rewards: [{ id: "ten-off", name: "$10 off", kind: "fixed_amount", pointsCost: 60, value: "1000", validDays: 30 }],
      pendingDays: 14,
      expiry: { mode: "never", months: 12 },
    });

    // A guest on a member route is told to sign in; the program switched off says so.
    for (const path of ["history", "redeem", "birthday"]) {
      const refused = await proxyFetch(app(), path, {
        shop,
        ...(path !== "history" && { body: { rewardId: REWARD.id, clientKey: "guest-key-1", birthday: "01-02" } }),
      });
      expect(refused.status).toBe(401);
      expect(await refused.json()).toEqual({ error: "sign_in_required" });
    }
    expect(
      (await adminCall(app(), shop, "/app/api/loyalty/program", { enabled: false, confirmed: ["program-off"] })).status,
    ).toBe(200);
    expect((await panel(shop, null)).program.enabled).toBe(false);
  });

  it("shows a member earning from order webhooks their balance, pending points, tier, progress and activity", async () => {
    const shop = await programShop("member");
    const buyer = customer();
    const due = order(buyer.id, daysAgo(20), "120.00");
    const fresh = order(buyer.id, daysAgo(1), "30.00");
    // The fresh order first: its points are in before the promotion, which would multiply them.
    for (const body of [fresh, due]) expect((await sendWebhook(app(), { topic: "orders/create", shop, body })).status).toBe(200);
    // Waited for in the database: polling the panel would run into the shopper's read limit.
    await waitFor("the points and the tier", async () => {
      const row = await testDb().loyaltyMember.findUnique({
        where: { shopDomain_customerGid: { shopDomain: shop, customerGid: buyer.gid } },
      });
      const entries = await testDb().ledgerEntry.count({ where: { shopDomain: shop, memberGid: buyer.gid } });
      return row?.tierId === "silver" && entries === 2;
    });
    const { member } = await panel(shop, buyer.id);
    expect(member).toEqual({
      balance: { available: 120, pending: 30 },
      tier: { id: "silver", name: "Silver" },
      // Points earned count toward a tier once available: 120 of the 500 Gold needs.
      nextTier: { id: "gold", name: "Gold", remaining: "380", progressPercent: 15 },
      // Newest recorded first.
      activity: [
        expect.objectContaining({ type: "earn", points: 120, createdAt: new Date(due.processed_at).toISOString() }),
        expect.objectContaining({ type: "earn", points: 30, createdAt: new Date(fresh.processed_at).toISOString() }),
      ],
      codes: [],
      birthday: null,
      heldOut: false,
    });
    expect(new Date(member.activity[1].availableAt).getTime()).toBe(new Date(fresh.processed_at).getTime() + 14 * DAY_MS);

    // A shopper who has never bought is shown as a member with nothing yet, and is not enrolled by looking.
    const newcomer = customer();
    expect((await panel(shop, newcomer.id)).member).toMatchObject({
      balance: { available: 0, pending: 0 },
      tier: null,
      activity: [],
      heldOut: false,
    });
    expect(await testDb().loyaltyMember.count({ where: { shopDomain: shop, customerGid: newcomer.gid } })).toBe(0);
  });

  it("redeems a reward for a code once per clientKey, with the discount created in Shopify", async () => {
    const shop = await programShop("redeem");
    const buyer = customer();
    await credit(shop, buyer.gid, 100);

    const first = await redeem(shop, buyer.id, "key-0000001");
    expect(first.status).toBe(200);
    const issued = await first.json();
    expect(issued).toEqual({
      status: "issued",
      code: expect.stringMatching(/^CB-[2-9A-HJ-NP-Z]{10}$/),
      creditAmount: null,
      rewardId: REWARD.id,
      points: 60,
      expiresAt: expect.any(String),
    });

    await expectRewardCodeSent(shop, { ...REWARD, value: 1000n } as CodeReward, issued.code, buyer.gid, "USD");

    // The same key again: the same code, one debit, one discount.
    const again = await redeem(shop, buyer.id, "key-0000001");
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(issued);
    expect(await sentGraphql(shop, "discountCodeBasicCreate")).toHaveLength(1);
    expect(await testDb().ledgerEntry.count({ where: { shopDomain: shop, memberGid: buyer.gid, type: "redeem" } })).toBe(1);

    const { member } = await panel(shop, buyer.id);
    expect(member.balance).toEqual({ available: 40, pending: 0 });
    expect(member.codes).toEqual([
      { code: issued.code, rewardId: REWARD.id, rewardName: REWARD.name, status: "issued", expiresAt: issued.expiresAt },
    ]);

    // 40 points left: not enough; an unknown reward; Shopify refusing the code gives the points back.
    const short = await redeem(shop, buyer.id, "key-0000002");
    expect([short.status, await short.json()]).toEqual([409, { error: "not_enough_points" }]);
    const unknown = await proxyFetch(app(), "redeem", {
      shop,
      customerId: buyer.id,
      body: { rewardId: "nope", clientKey: "key-0000003" },
    });
    expect([unknown.status, await unknown.json()]).toEqual([404, { error: "unknown_reward" }]);
    await credit(shop, buyer.gid, 60);
    await switchDouble(shop, { discountUserError: "Code must be unique" });
    const refused = await redeem(shop, buyer.id, "key-0000004");
    expect(refused.status).toBe(502);
    expect(await refused.json()).toMatchObject({ status: "failed", code: null, error: "shopify_refused", points: 60 });
    expect((await panel(shop, buyer.id)).member.balance).toEqual({ available: 100, pending: 0 });
  });

  it("credits a store credit reward once per clientKey, with the exact credit sent to Shopify, and gives the points back when Shopify refuses", async () => {
    const CREDIT = { id: "credit", name: "$5 store credit", kind: "store_credit", pointsCost: 60, validDays: 90, value: "500" };
    const shop = await programShop("credit", { rewards: [REWARD, CREDIT] });
    const buyer = customer();
    await credit(shop, buyer.gid, 150);
    const redeemCredit = (clientKey: string) =>
      proxyFetch(app(), "redeem", { shop, customerId: buyer.id, body: { rewardId: CREDIT.id, clientKey } });
    const stored = (clientKey: string) =>
      testDb().redemption.findUniqueOrThrow({
        where: { shopDomain_clientKey: { shopDomain: shop, clientKey: `storefront:${buyer.gid}:${clientKey}` } },
      });

    const first = await redeemCredit("credit-key-1");
    expect(first.status).toBe(200);
    const issued = await first.json();
    expect(issued).toEqual({
      status: "issued",
      code: null,
      creditAmount: "500",
      rewardId: CREDIT.id,
      points: 60,
      expiresAt: expect.any(String),
    });
    const row = await stored("credit-key-1");
    expect(row.creditTransactionGid).toMatch(/^gid:\/\/shopify\/StoreCreditAccountCreditTransaction\//);
    const sent = { customerGid: buyer.gid, amount: 500n, currency: "USD", expiresAt: row.creditExpiresAt! };
    await expectStoreCreditSent(shop, sent);
    expect(row.creditExpiresAt!.getTime() - Date.now()).toBeGreaterThan(89 * DAY_MS);

    // The storefront retries the same click: the same answer, no second credit, one debit.
    const again = await redeemCredit("credit-key-1");
    expect([again.status, await again.json()]).toEqual([200, issued]);
    await expectStoreCreditSent(shop, sent);
    let [account] = await doubleStoreCredit(shop);
    expect(account).toMatchObject({ ownerId: buyer.gid, currencyCode: "USD", balance: "500" });
    expect(account.transactions).toEqual([expect.objectContaining({ id: row.creditTransactionGid, amount: "500" })]);
    // Store credit has no code to show: the panel lists none, the balance is spent once.
    const { member } = await panel(shop, buyer.id);
    expect([member.balance, member.codes]).toEqual([{ available: 90, pending: 0 }, []]);

    // Shopify refuses: 502, the points are back, nothing was credited.
    await switchDouble(shop, { storeCreditUserError: "CREDIT_LIMIT_EXCEEDED" });
    const refused = await redeemCredit("credit-key-2");
    expect([refused.status, (await refused.json()).error]).toEqual([502, "shopify_refused"]);
    await switchDouble(shop, { storeCreditUserError: null });
    expect((await panel(shop, buyer.id)).member.balance).toEqual({ available: 90, pending: 0 });
    [account] = await doubleStoreCredit(shop);
    expect(account.transactions).toHaveLength(1);
    expect(await stored("credit-key-2")).toMatchObject({ status: "failed", creditTransactionGid: null });

    // Shopify credits but its answer is lost: the lookup finds the credit, and a retry sends nothing more.
    await switchDouble(shop, { storeCreditAnswerLost: true });
    const lost = await redeemCredit("credit-key-3");
    await switchDouble(shop, { storeCreditAnswerLost: false });
    expect([lost.status, (await lost.json()).creditAmount]).toEqual([200, "500"]);
    const retried = await redeemCredit("credit-key-3");
    expect(retried.status).toBe(200);
    [account] = await doubleStoreCredit(shop);
    expect(account.transactions).toHaveLength(2);
    expect((await stored("credit-key-3")).creditTransactionGid).toBe(account.transactions[1].id);
    expect((await sentGraphql(shop, "storeCreditAccountCredit")).length).toBe(3);
    expect((await panel(shop, buyer.id)).member.balance).toEqual({ available: 30, pending: 0 });
    // Two credits spent 120 points; the refused one's debit was given back.
    const rewardEntries = await testDb().ledgerEntry.findMany({
      where: { shopDomain: shop, memberGid: buyer.gid, source: "reward" },
    });
    expect(rewardEntries.map((entry) => entry.points).sort()).toEqual([-60, -60, -60, 60].sort());
  });

  it("issues exactly one code when concurrent redemptions with different keys share a balance that covers one", async () => {
    const shop = await programShop("race");
    const buyer = customer();
    await credit(shop, buyer.gid, 100);
    const answers = await Promise.all(["race-key-a", "race-key-b", "race-key-c"].map((key) => redeem(shop, buyer.id, key)));
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409, 409]);
    expect(await testDb().redemption.count({ where: { shopDomain: shop, status: "issued" } })).toBe(1);
    expect(await sentGraphql(shop, "discountCodeBasicCreate")).toHaveLength(1);
    expect((await panel(shop, buyer.id)).member.balance).toEqual({ available: 40, pending: 0 });
  });

  it("acts only for the signed-in shopper: a body or query naming another customer is ignored", async () => {
    const shop = await programShop("isolation");
    const [a, b] = [customer(), customer()];
    await credit(shop, a.gid, 10);
    await credit(shop, b.gid, 100);

    // A names B in every way a body can: A is refused for A's own balance, B keeps every point.
    const spend = await redeem(shop, a.id, "steal-key-1", { customerGid: b.gid, customerId: b.id, logged_in_customer_id: b.id });
    expect([spend.status, await spend.json()]).toEqual([409, { error: "not_enough_points" }]);
    const history = await fetch(
      proxyUrl(app(), "history", { shop, customerId: a.id, query: { customer: b.id, customergid: b.gid } }),
    );
    expect(history.status).toBe(200);
    expect((await history.json()).entries.map((entry: { points: number }) => entry.points)).toEqual([10]);
    expect((await panel(shop, b.id)).member.balance.available).toBe(100);
    expect((await panel(shop, a.id)).member.balance.available).toBe(10);

    // A key A used stays A's: B using the same text gets B's own redemption.
    await credit(shop, a.gid, 50);
    const mine = await (await redeem(shop, a.id, "shared-key-1")).json();
    const theirs = await (await redeem(shop, b.id, "shared-key-1")).json();
    expect(theirs.status).toBe("issued");
    expect(theirs.code).not.toBe(mine.code);
    expect((await panel(shop, b.id)).member.balance.available).toBe(40);
  });

  it("refuses tampered, missing and stale signatures with 401, changing nothing", async () => {
    const shop = await programShop("signature");
    const [buyer, other] = [customer(), customer()];
    await credit(shop, buyer.gid, 100);
    const before = await memberState(shop);

    const signed = proxyQuery({ shop, customerId: buyer.id });
    const tampered = new URLSearchParams(signed);
    tampered.set("logged_in_customer_id", other.id);
    const wrongSecret = proxyQuery({ shop, customerId: buyer.id, secret: "not-the-app-secret" });
    const unsigned = new URLSearchParams(signed);
    unsigned.delete("signature");
    const withoutTimestamp = new URLSearchParams(signed);
    withoutTimestamp.delete("timestamp");
    const now = Math.floor(Date.now() / 1000);
    const refusals: [URLSearchParams, string][] = [
      [tampered, "invalid_signature"],
      [wrongSecret, "invalid_signature"],
      [unsigned, "invalid_signature"],
      [withoutTimestamp, "invalid_signature"],
      [proxyQuery({ shop, customerId: buyer.id, timestamp: now - 10 * 60 }), "stale_request"],
      [proxyQuery({ shop, customerId: buyer.id, timestamp: now + 10 * 60 }), "stale_request"],
    ];
    for (const [query, error] of refusals) {
      for (const [path, body] of [
        ["panel", undefined],
        ["redeem", { rewardId: REWARD.id, clientKey: "tamper-key" }],
        ["birthday", { birthday: "03-04" }],
      ] as const) {
        const response = await fetch(`${app()}/proxy/${path}?${query}`, {
          method: body ? "POST" : "GET",
          headers: { "Content-Type": "application/json" },
          body: body && JSON.stringify(body),
        });
        expect([path, response.status, await response.json()]).toEqual([path, 401, { error }]);
      }
    }
    expect(await memberState(shop)).toEqual(before);
    expect(await sentGraphql(shop, "discountCodeBasicCreate")).toEqual([]);
  });

  it("never shows one shop's data to another; a shop without the app is unknown", async () => {
    const [first, second] = [await programShop("first"), await programShop("second", { rewards: [] })];
    const buyer = customer();
    await credit(first, buyer.gid, 100);
    const elsewhere = await panel(second, buyer.id);
    expect(elsewhere.program.rewards).toEqual([]);
    expect(elsewhere.member).toMatchObject({ balance: { available: 0, pending: 0 }, activity: [] });
    const history = await proxyFetch(app(), "history", { shop: second, customerId: buyer.id });
    expect((await history.json()).entries).toEqual([]);
    const redeemed = await redeem(second, buyer.id, "cross-shop-1");
    expect([redeemed.status, await redeemed.json()]).toEqual([409, { error: "not_enough_points" }]);
    expect((await panel(first, buyer.id)).member.balance.available).toBe(100);

    const stranger = await proxyFetch(app(), "panel", { shop: uniqueShop("stranger"), customerId: buyer.id });
    expect([stranger.status, await stranger.json()]).toEqual([404, { error: "unknown_shop" }]);
    const uninstalled = await programShop("gone");
    expect(
      (
        await sendWebhook(app(), {
          topic: "app/uninstalled",
          shop: uninstalled,
          body: fixtureFor("app/uninstalled", uninstalled),
        })
      ).status,
    ).toBe(200);
    expect((await proxyFetch(app(), "panel", { shop: uninstalled })).status).toBe(404);
  });

  it("answers bad requests with 400 field errors, 405 or 413, changing nothing", async () => {
    const shop = await programShop("badinput");
    const buyer = customer();
    await credit(shop, buyer.gid, 100);
    const before = await memberState(shop);
    const post = (path: string, body: string, contentType = "application/json") =>
      fetch(proxyUrl(app(), path, { shop, customerId: buyer.id }), {
        method: "POST",
        headers: { "Content-Type": contentType },
        body,
      });

    const notJson = await post("redeem", "{ rewardId:");
    expect([notJson.status, await notJson.json()]).toEqual([
      400,
      { errors: [{ field: "", code: "notJson", params: {}, message: "the body is not valid JSON" }] },
    ]);
    const form = await post("redeem", "rewardId=ten-off&clientKey=form-key-1", "application/x-www-form-urlencoded");
    expect(form.status).toBe(400);
    const huge = await post(
      "redeem",
      JSON.stringify({ rewardId: REWARD.id, clientKey: "huge-key-1", padding: "x".repeat(20_000) }),
    );
    expect([huge.status, await huge.json()]).toEqual([413, { error: "body_too_large", maxBytes: 16384 }]);
    const fields = await post("redeem", JSON.stringify({ rewardId: "", clientKey: 7 }));
    expect(fields.status).toBe(400);
    expect((await fields.json()).errors.map((error: { field: string }) => error.field).sort()).toEqual(["clientKey", "rewardId"]);
    const badBirthday = await post("birthday", JSON.stringify({ birthday: "02-30" }));
    expect([badBirthday.status, (await badBirthday.json()).errors[0].field]).toEqual([400, "birthday"]);
    const badCursor = await fetch(proxyUrl(app(), "history", { shop, customerId: buyer.id, query: { before: "soon" } }));
    expect([badCursor.status, (await badCursor.json()).errors[0].field]).toEqual([400, "before"]);

    const wrongMethod = await fetch(proxyUrl(app(), "redeem", { shop, customerId: buyer.id }));
    expect([wrongMethod.status, wrongMethod.headers.get("allow"), await wrongMethod.json()]).toEqual([
      405,
      "POST",
      { error: "method_not_allowed" },
    ]);
    const postPanel = await post("panel", "{}");
    expect([postPanel.status, postPanel.headers.get("allow")]).toEqual([405, "GET"]);
    expect((await fetch(proxyUrl(app(), "nothing-here", { shop }))).status).toBe(404);
    expect(await memberState(shop)).toEqual(before);
  });

  it("gives reward names and descriptions in the shopper's locale, the primary language's otherwise, and refuses what is not a locale", async () => {
    const translated = {
      ...REWARD,
      description: "On your next order",
      translations: {
        de: { name: "10 $ Rabatt", description: "Auf Ihre nächste Bestellung" },
        "pt-BR": { name: "US$ 10 de desconto" },
      },
    };
    const shop = await programShop("texts", { rewards: [translated] });
    const buyer = customer();
    await credit(shop, buyer.gid, 100);
    const issued = await (await redeem(shop, buyer.id, "texts-key-1")).json();
    const read = async (locale: string) => {
      const response = await proxyFetch(app(), "panel", { shop, customerId: buyer.id, query: { locale } });
      expect(response.status, await response.clone().text()).toBe(200);
      const { program, member } = await response.json();
      return { reward: program.rewards[0], code: member.codes[0] };
    };

    const german = await read("de");
    expect(german.reward).toMatchObject({ id: REWARD.id, name: "10 $ Rabatt", description: "Auf Ihre nächste Bestellung" });
    expect(german.code).toMatchObject({ code: issued.code, rewardName: "10 $ Rabatt" });
    // The shopper's region falls back to the language; a name-only translation has no description.
    expect((await read("de-CH")).reward).toMatchObject({ name: "10 $ Rabatt" });
    const portuguese = await read("pt-BR");
    expect(portuguese.reward.name).toBe("US$ 10 de desconto");
    expect(portuguese.reward).not.toHaveProperty("description");
    // No French words: the primary language's, and no other language's leaks into the answer.
    const french = await read("fr");
    expect(french.reward).toMatchObject({ name: "$10 off", description: "On your next order" });
    expect(french.code.rewardName).toBe("$10 off");
    expect(french.reward).not.toHaveProperty("translations");
    expect((await panel(shop, buyer.id)).program.rewards[0].name).toBe("$10 off");

    const before = await memberState(shop);
    for (const locale of ["", "deutsch", "en-US-u-ca-gregory"]) {
      const refused = await proxyFetch(app(), "panel", { shop, customerId: buyer.id, query: { locale } });
      expect([refused.status, (await refused.json()).errors], locale).toEqual([
        400,
        [{ field: "locale", code: "locale", params: {}, message: "must be a language code such as fr or pt-BR" }],
      ]);
    }
    expect(await memberState(shop)).toEqual(before);

    // The admin API checks the texts per language field, and saves nothing while any is wrong.
    const wrong = await adminCall(app(), shop, "/app/api/loyalty/program", {
      rewards: [
        {
          ...translated,
          description: "$10 OFF",
          translations: { de: { name: "", description: "Ohne Namen" }, "not a locale": { name: "x" } },
        },
      ],
    });
    expect(wrong.status).toBe(400);
    expect((await wrong.json()).errors.map(({ field, code }: { field: string; code: string }) => [field, code])).toEqual([
      ["rewards[0].description", "repeatsName"],
      ["rewards[0].translations.de.name", "required"],
      ["rewards[0].translations.not a locale", "locale"],
    ]);
    expect((await read("de")).reward.name).toBe("10 $ Rabatt");
  });

  it("pages through the member's history, newest first", async () => {
    const shop = await programShop("history");
    const buyer = customer();
    for (let i = 1; i <= 23; i++) await credit(shop, buyer.gid, i, `history-${i}`);
    const page = async (before?: string) => {
      const response = await proxyFetch(app(), "history", { shop, customerId: buyer.id, query: before ? { before } : {} });
      expect(response.status).toBe(200);
      return (await response.json()) as { entries: { points: number; type: string }[]; nextCursor: string | null };
    };
    const first = await page();
    expect(first.entries.map((entry) => entry.points)).toEqual(Array.from({ length: 20 }, (_, i) => 23 - i));
    expect(first.entries[0]).toMatchObject({ type: "adjust", reason: "Welcome gift" });
    const second = await page(first.nextCursor!);
    expect(second).toEqual({ entries: [3, 2, 1].map((points) => expect.objectContaining({ points })), nextCursor: null });
  });

  it("limits a guest's reads per address, leaving other addresses and members alone, and stores no address", async () => {
    const shop = await programShop("guestlimit");
    const member = customer();
    // As Shopify forwards it, with the host's load balancer's own address appended.
    const read = (address: string, customerId: string | null = null) =>
      proxyFetch(app(), "panel", { shop, customerId, headers: { "X-Forwarded-For": `${address}, 10.1.2.3` } });
    const statuses: number[] = [];
    for (let i = 0; i < GUEST_READ_LIMIT.limit; i++) statuses.push((await read("203.0.113.7")).status);
    expect(new Set(statuses)).toEqual(new Set([200]));
    const limited = await read("203.0.113.7");
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({ error: "rate_limited" });
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await read("198.51.100.2")).status).toBe(200);
    // A signed-in shopper behind the same address has their own limit.
    expect((await read("203.0.113.7", member.id)).status).toBe(200);
    const counters = await testDb().proxyRateLimit.findMany({ where: { shopDomain: shop } });
    expect(counters.map(({ customerGid, action }) => [customerGid, action])).toEqual([[member.gid, "read"]]);
  });

  it("limits redemptions per shopper with 429 and Retry-After across app instances, and recovers when the window is over", async () => {
    const shop = await programShop("ratelimit");
    const [buyer, other] = [customer(), customer()];
    const { limit } = RATE_LIMITS.redeem;
    // A second instance on the same database: the shopper's requests alternate between the two.
    const second = await startAppServer({
      databaseUrl: inject("databaseUrl"),
      adminDoubleUrl: double(),
      env: { COMEBACK_WORKER: "off" },
    });
    const answers = [];
    try {
      const instances = [app(), second.url];
      for (let i = 0; i <= limit + 1; i++) answers.push(await redeem(shop, buyer.id, `limit-key-${i}`, {}, instances[i % 2]));
    } finally {
      await second.stop();
    }
    expect(answers.map((answer) => answer.status)).toEqual([...Array(limit).fill(409), 429, 429]);
    const limited = answers.at(-1)!;
    expect(await limited.json()).toEqual({ error: "rate_limited" });
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Another shopper has their own window.
    expect((await redeem(shop, other.id, "other-key-1")).status).toBe(409);

    // The window began a minute ago (as if the time had passed): the shopper may redeem again.
    await credit(shop, buyer.gid, 100);
    expect((await redeem(shop, buyer.id, "limit-key-late")).status).toBe(429);
    await testDb().proxyRateLimit.updateMany({
      where: { shopDomain: shop, customerGid: buyer.gid },
      data: { windowStart: new Date(Date.now() - 61_000) },
    });
    expect((await redeem(shop, buyer.id, "limit-key-late")).status).toBe(200);

    // The counters name the customer: exported on customers/data_request, gone on customers/redact.
    const dataRequest = {
      ...fixtureFor("customers/data_request", shop),
      customer: { id: buyer.id, email: null, phone: null },
      data_request: { id: 5151 },
    };
    expect((await sendWebhook(app(), { topic: "customers/data_request", shop, body: dataRequest })).status).toBe(200);
    const stored = await testDb().customerDataExport.findFirstOrThrow({ where: { shopDomain: shop, requestId: "5151" } });
    expect(JSON.parse(stored.document).storefrontRequests).toEqual([
      { action: "redeem", windowStart: expect.any(String), requests: 1 },
    ]);
    const redact = {
      ...fixtureFor("customers/redact", shop),
      customer: { id: buyer.id, email: null, phone: null },
      orders_to_redact: [],
    };
    expect((await sendWebhook(app(), { topic: "customers/redact", shop, body: redact })).status).toBe(200);
    expect(await testDb().proxyRateLimit.count({ where: { shopDomain: shop, customerGid: buyer.gid } })).toBe(0);
    expect(await testDb().proxyRateLimit.count({ where: { shopDomain: shop, customerGid: other.gid } })).toBe(1);
  });

  it("takes the shopper's birthday once: the same again is fine, a change is refused", async () => {
    const shop = await programShop("birthday");
    const buyer = customer();
    const birthday = (value: string) => proxyFetch(app(), "birthday", { shop, customerId: buyer.id, body: { birthday: value } });
    const set = await birthday("07-14");
    expect([set.status, await set.json()]).toEqual([200, { birthday: "07-14" }]);
    expect((await panel(shop, buyer.id)).member.birthday).toBe("07-14");
    expect((await birthday("07-14")).status).toBe(200);
    const changed = await birthday("12-24");
    expect([changed.status, await changed.json()]).toEqual([409, { error: "birthday_already_set" }]);
    const erased = await proxyFetch(app(), "birthday", { shop, customerId: buyer.id, body: { birthday: null } });
    expect(erased.status).toBe(400);
    expect((await panel(shop, buyer.id)).member.birthday).toBe("07-14");
    // The merchant can still correct it.
    expect((await adminCall(app(), shop, `/app/api/loyalty/members/${buyer.id}/birthday`, { birthday: "12-24" })).status).toBe(
      200,
    );
    expect((await panel(shop, buyer.id)).member.birthday).toBe("12-24");
  });

  it("writes the program metafield on the app installation from the worker after a save, even when Shopify was throttling", async () => {
    const shop = uniqueShop("programmf");
    await installShop(app(), double(), shop);
    await switchDouble(shop, { throttled: true });
    const saved = await adminCall(app(), shop, "/app/api/loyalty/program", {
      enabled: true,
      settings: { pendingDays: 10 },
      rules: [PURCHASE_RULE],
      tiers: TIERS,
    });
    expect(saved.status).toBe(200);
    await waitFor("a throttled metafieldsSet", async () => (await sentGraphql(shop, "metafieldsSet")).length > 0);
    await switchDouble(shop, { throttled: false });
    const written = await waitFor("the program metafield", async () => {
      const row = await testDb().loyaltyProgram.findUnique({ where: { shopDomain: shop } });
      return row && !row.metafieldStale && row;
    });
    expect(written.metafieldSyncedAt).not.toBeNull();

    const [installation] = await sentGraphql(shop, "currentAppInstallation");
    expect(installation.query).toBe(CURRENT_APP_INSTALLATION_QUERY);
    const programValue = {
      enabled: true,
      currency: "USD",
      currencyDigits: 2,
      purchase: { points: 1, perAmount: "100" },
      purchaseBase: { includeShipping: false, includeTax: false, discountsReduce: true },
      tiers: [
        { id: "silver", name: "Silver", multiplierBasisPoints: 12500 },
        { id: "gold", name: "Gold", multiplierBasisPoints: 15000 },
      ],
      pendingDays: 10,
    };
    const calls = await sentGraphql(shop, "metafieldsSet");
    expect(calls.at(-1)).toEqual({
      query: METAFIELDS_SET,
      variables: {
        metafields: [
          {
            ownerId: expect.stringMatching(/^gid:\/\/shopify\/AppInstallation\//),
            namespace: "$app",
            key: "program",
            type: "json",
            value: JSON.stringify(programValue),
          },
        ],
      },
    });

    // The next save is written too, over the first.
    expect(
      (await adminCall(app(), shop, "/app/api/loyalty/program", { enabled: false, confirmed: ["program-off"] })).status,
    ).toBe(200);
    await waitFor("the program metafield rewritten", async () => {
      const held = (await (await fetch(`${double()}/_test/metafields?shop=${shop}`)).json()) as { key: string; value: string }[];
      const program = held.find((metafield) => metafield.key === "program");
      return program && JSON.parse(program.value).enabled === false;
    });

    // An uninstall deletes app-data metafields: a reinstall writes the program's again, unsaved.
    const before = (await sentGraphql(shop, "metafieldsSet")).length;
    expect((await sendWebhook(app(), { topic: "app/uninstalled", shop, body: fixtureFor("app/uninstalled", shop) })).status).toBe(
      200,
    );
    await installShop(app(), double(), shop);
    await waitFor(
      "the program metafield written after the reinstall",
      async () => (await sentGraphql(shop, "metafieldsSet")).length > before,
    );
  });
});
