// The loyalty program end to end: the merchant sets it up through the admin API, orders arrive as
// signed webhooks, the app's worker earns and takes back points, rewards become discount codes in
// Shopify (the Admin API double), balances and tiers are written as customer metafields.
// Runs on SQLite and on PostgreSQL.
import { randomUUID } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import { addMonths } from "../../app/loyalty/dates";
import { METAFIELDS_DELETE, METAFIELDS_SET, TAGS_ADD, TAGS_REMOVE } from "../../app/loyalty/metafields";
import type { CodeReward } from "../../app/loyalty/program";
import {
  doubleStoreCredit,
  expectRewardCodeSent,
  expectStoreCreditSent,
  sentGraphql,
  spendAtCheckout,
  switchDouble,
  type DoubleSwitches,
} from "../support/admin-double";
import { testDb } from "../support/db";
import { BROWSER_HEADERS, embeddedAppUrl, sessionToken } from "../support/session-token";
import { waitFor } from "../support/wait";
import { fixture, fixtureFor, sendWebhook, uniqueShop, orderPayload as order } from "../support/webhooks";

const app = () => inject("appUrl");
const double = () => inject("adminDoubleUrl");
const DAY_MS = 86_400_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS).toISOString();

const REWARD = { id: "ten-off", name: "$10 off", kind: "fixed_amount", pointsCost: 60, validDays: 30, value: "1000" } as const;
const CREDIT = {
  id: "credit",
  name: "$5 store credit",
  kind: "store_credit",
  pointsCost: 60,
  validDays: 90,
  value: "500",
} as const;
const PURCHASE_RULE = { id: "purchase", kind: "purchase", points: 1, perAmount: "100", effectiveFrom: daysAgo(365) };

let sequence = 0;
function customer() {
  const id = String(8_000_000_000_000_000_000n + BigInt(Date.now() % 1_000_000) * 1000n + BigInt(++sequence));
  return { id, gid: `gid://shopify/Customer/${id}` };
}

function call(shop: string, path: string, body?: unknown, token: string | null = sessionToken(shop)) {
  return fetch(`${app()}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { ...BROWSER_HEADERS, "Content-Type": "application/json", ...(token && { Authorization: `Bearer ${token}` }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    redirect: "manual",
  });
}

async function install(shop: string) {
  const configured = await fetch(`${double()}/_test/shops/${shop}`, {
    method: "PUT",
    body: JSON.stringify({ name: "Loyalty Test", currencyCode: "USD", ianaTimezone: "UTC", jsonl: "" }),
  });
  expect(configured.ok).toBe(true);
  const response = await fetch(embeddedAppUrl(app(), shop, sessionToken(shop)), { redirect: "manual", headers: BROWSER_HEADERS });
  expect(response.status).toBe(200);
}

/** The metafieldsSet calls writing customers' metafields (the worker also writes the program's on the app installation). */
async function memberMetafieldWrites(shop: string) {
  const calls = await sentGraphql(shop, "metafieldsSet");
  return calls.filter((call) =>
    call.variables.metafields.every((m: { ownerId: string }) => m.ownerId.startsWith("gid://shopify/Customer/")),
  );
}

/** The discount codes the double holds for the shop. */
async function doubleDiscounts(shop: string) {
  return (await (await fetch(`${double()}/_test/discounts?shop=${shop}`)).json()) as { code: string; id: string }[];
}

/** Orders stored and their loyalty tasks done. */
async function settled(shop: string, orders: number) {
  await waitFor(`${orders} orders stored and their tasks done`, async () => {
    const [stored, tasks] = await Promise.all([
      testDb().order.count({ where: { shopDomain: shop } }),
      testDb().loyaltyTask.count({ where: { shopDomain: shop } }),
    ]);
    return stored === orders && tasks === 0;
  });
}

function refundOf(placed: ReturnType<typeof order>, keptAmount: string) {
  const refund = {
    ...fixture("refunds/create"),
    order_id: placed.id,
    admin_graphql_api_id: `gid://shopify/Refund/${placed.id}1`,
  };
  const money = {
    shop_money: { amount: keptAmount, currency_code: "USD" },
    presentment_money: { amount: keptAmount, currency_code: "USD" },
  };
  const updated = {
    ...placed,
    updated_at: new Date().toISOString(),
    current_subtotal_price: keptAmount,
    current_subtotal_price_set: money,
  };
  return { refund, updated };
}

/** A shop with the program on: 1 point per 1.00, 14 days pending, one reward. */
async function programShop(prefix: string, extra: Record<string, unknown> = {}) {
  const shop = uniqueShop(prefix);
  await install(shop);
  const saved = await call(shop, "/app/api/loyalty/program", {
    enabled: true,
    settings: { pendingDays: 14 },
    rules: [PURCHASE_RULE],
    rewards: [REWARD],
    ...extra,
  });
  expect(saved.status, await saved.clone().text()).toBe(200);
  return shop;
}

async function member(shop: string, customerId: string) {
  const response = await call(shop, `/app/api/loyalty/members/${customerId}`);
  return response.status === 200
    ? ((await response.json()) as {
        balance: { available: number; pending: number };
        ledger: any[];
        tier: any;
        tierChanges: any[];
      })
    : null;
}

/** The worker has done the member's tasks and review: nothing of theirs is due now. */
function reviewed(shop: string, customerGid: string) {
  return waitFor("the member's review", async () => {
    const db = testDb();
    const [row, tasks] = await Promise.all([
      db.loyaltyMember.findUnique({ where: { shopDomain_customerGid: { shopDomain: shop, customerGid } } }),
      db.loyaltyTask.count({ where: { shopDomain: shop } }),
    ]);
    return row && tasks === 0 && (row.reviewAt === null || row.reviewAt > new Date()) && row;
  });
}

/** As if the member's review date had come (after the test moved their history into the past): one worker pass. */
async function reviewNow(shop: string, customerGid: string) {
  await testDb().loyaltyMember.update({
    where: { shopDomain_customerGid: { shopDomain: shop, customerGid } },
    data: { reviewAt: new Date() },
  });
  return reviewed(shop, customerGid);
}

const tasksDone = (shop: string) =>
  waitFor("the loyalty tasks to be done", async () => (await testDb().loyaltyTask.count({ where: { shopDomain: shop } })) === 0);

function balanceOf(shop: string, customerId: string, expected: { available: number; pending: number }) {
  return waitFor(`balance ${JSON.stringify(expected)}`, async () => {
    const current = await member(shop, customerId);
    return current && current.balance.available === expected.available && current.balance.pending === expected.pending && current;
  });
}

const redeem = (shop: string, customerGid: string, clientKey: string) =>
  call(shop, "/app/api/loyalty/redeem", { customerGid, rewardId: REWARD.id, clientKey });

describe("loyalty points", () => {
  it("earns on orders, pending until due, takes back refunds at the earned rate, voids a cancelled order, once per change", async () => {
    const shop = await programShop("earn");
    const buyer = customer();
    const due = order(buyer.id, daysAgo(20), "100.00");
    const fresh = order(buyer.id, daysAgo(0), "50.00");
    const dueDelivery = { topic: "orders/create", shop, body: due, webhookId: `create-${due.id}` };
    expect((await sendWebhook(app(), dueDelivery)).status).toBe(200);
    expect((await sendWebhook(app(), { topic: "orders/create", shop, body: fresh })).status).toBe(200);
    const earned = await balanceOf(shop, buyer.id, { available: 100, pending: 50 });
    const earn = earned.ledger.find((entry) => entry.sourceKey === `order:${due.admin_graphql_api_id}:earn`);
    expect(earn).toMatchObject({
      type: "earn",
      points: 100,
      rule: { id: "purchase", version: 1 },
      rate: { points: 1, perAmount: "100" },
    });

    // The same delivery again, and the same order state under other webhook ids at once: no second entry.
    await Promise.all([
      sendWebhook(app(), dueDelivery),
      sendWebhook(app(), { topic: "orders/paid", shop, body: due }),
      sendWebhook(app(), { topic: "orders/updated", shop, body: due }),
    ]);
    await waitFor(
      "the duplicates' tasks to be done",
      async () => (await testDb().loyaltyTask.count({ where: { shopDomain: shop } })) === 0,
    );
    expect(await testDb().ledgerEntry.count({ where: { shopDomain: shop, orderGid: due.admin_graphql_api_id } })).toBe(1);

    // The rate doubles; the refund of 40.00 still takes back 40 points, the rate they were earned at.
    const revised = await call(shop, "/app/api/loyalty/program", { rules: [{ ...PURCHASE_RULE, points: 2 }] });
    expect(revised.status).toBe(200);
    const rules = (await revised.json()).rules as { id: string; version: number; points: number; retiredAt: string | null }[];
    expect(rules.map(({ version, points, retiredAt }) => ({ version, points, retired: retiredAt !== null }))).toEqual([
      { version: 1, points: 1, retired: true },
      { version: 2, points: 2, retired: false },
    ]);
    const refund = { ...fixture("refunds/create"), order_id: due.id, admin_graphql_api_id: `gid://shopify/Refund/${due.id}1` };
    expect((await sendWebhook(app(), { topic: "refunds/create", shop, body: refund })).status).toBe(200);
    const money = {
      shop_money: { amount: "60.00", currency_code: "USD" },
      presentment_money: { amount: "60.00", currency_code: "USD" },
    };
    const refunded = { ...due, updated_at: daysAgo(0), current_subtotal_price: "60.00", current_subtotal_price_set: money };
    expect((await sendWebhook(app(), { topic: "orders/updated", shop, body: refunded })).status).toBe(200);
    const afterRefund = await balanceOf(shop, buyer.id, { available: 60, pending: 50 });
    expect(afterRefund.ledger.find((entry) => entry.type === "deduct")).toMatchObject({
      points: -40,
      source: "refund",
      rate: { points: 1 },
    });

    // The order still pending is cancelled: its points are voided, not deducted.
    const cancelled = { ...fresh, updated_at: new Date().toISOString(), cancelled_at: new Date().toISOString() };
    expect((await sendWebhook(app(), { topic: "orders/cancelled", shop, body: cancelled })).status).toBe(200);
    const afterCancel = await balanceOf(shop, buyer.id, { available: 60, pending: 0 });
    expect(afterCancel.ledger.find((entry) => entry.type === "void")).toMatchObject({
      points: -50,
      orderGid: fresh.admin_graphql_api_id,
    });
  });

  it("runs a dead task again when a new event for its order arrives", async () => {
    const shop = await programShop("revive");
    const buyer = customer();
    const placed = order(buyer.id, daysAgo(20), "30.00");
    // The order's task failed its twelve attempts before (say, while the database refused it).
    await testDb().loyaltyTask.create({
      data: {
        shopDomain: shop,
        kind: "order",
        key: placed.admin_graphql_api_id,
        createdAt: new Date(),
        attempts: 12,
        lastError: "connection refused",
      },
    });
    // The order comes in (again): its task runs and the points are there.
    expect((await sendWebhook(app(), { topic: "orders/create", shop, body: placed })).status).toBe(200);
    await balanceOf(shop, buyer.id, { available: 30, pending: 0 });
    await tasksDone(shop);
  });

  it("reviews a member through one review task however many changes, and revives a dead one", async () => {
    const shop = await programShop("review-task");
    const buyer = customer();
    const first = order(buyer.id, daysAgo(20), "10.00");
    expect((await sendWebhook(app(), { topic: "orders/create", shop, body: first })).status).toBe(200);
    await balanceOf(shop, buyer.id, { available: 10, pending: 0 });
    await reviewed(shop, buyer.gid);
    // The member's review failed its last attempt; their next order asks for it again.
    await testDb().loyaltyTask.create({
      data: { shopDomain: shop, kind: "review", key: buyer.gid, createdAt: new Date(), attempts: 12, lastError: "timeout" },
    });
    const second = order(buyer.id, daysAgo(19), "5.00");
    expect((await sendWebhook(app(), { topic: "orders/create", shop, body: second })).status).toBe(200);
    await balanceOf(shop, buyer.id, { available: 15, pending: 0 });
    await reviewed(shop, buyer.gid);
    // The dead task ran and is gone, not kept dead.
    expect(await testDb().loyaltyTask.count({ where: { shopDomain: shop, kind: "review" } })).toBe(0);
    // A review date that comes (the sweep) becomes a review task too, even past a dead one.
    await testDb().loyaltyTask.create({
      data: { shopDomain: shop, kind: "review", key: buyer.gid, createdAt: new Date(), attempts: 12, lastError: "timeout" },
    });
    await reviewNow(shop, buyer.gid);
  });

  it("reviews the members of several shops together: a first-order bonus each, once, and their metafields", async () => {
    const rules = [PURCHASE_RULE, { id: "first", kind: "first_order", points: 25, effectiveFrom: daysAgo(365) }];
    const shops = [await programShop("review-batch-a", { rules }), await programShop("review-batch-b", { rules })];
    const buyers = shops.flatMap((shop) => Array.from({ length: 12 }, () => ({ shop, ...customer() })));
    // Orders of 20 days ago: their points are available at once (14 pending days), so the reviews
    // the orders ask for grant the bonus; one claim takes the reviews of both shops.
    const sent = await Promise.all(
      buyers.map(({ shop, id }) => sendWebhook(app(), { topic: "orders/create", shop, body: order(id, daysAgo(20), "10.00") })),
    );
    expect(sent.map((response) => response.status)).toEqual(buyers.map(() => 200));
    for (const { shop, id, gid } of buyers) {
      await balanceOf(shop, id, { available: 35, pending: 0 });
      await reviewed(shop, gid);
    }
    const bonuses = await testDb().ledgerEntry.findMany({
      where: { shopDomain: { in: shops }, source: "rule" },
      select: { shopDomain: true, memberGid: true, points: true },
    });
    expect(bonuses.map(({ shopDomain, memberGid }) => `${shopDomain} ${memberGid}`).sort()).toEqual(
      buyers.map(({ shop, gid }) => `${shop} ${gid}`).sort(),
    );
    expect(bonuses.every((entry) => entry.points === 25)).toBe(true);
    await waitFor("every member's metafields written", async () => {
      const members = await testDb().loyaltyMember.findMany({ where: { shopDomain: { in: shops } } });
      return members.length === buyers.length && members.every((m) => m.syncedPoints === 35 && !m.needsSync);
    });
  });

  it("redeems a reward for a discount code once, never overspends, and restores points when Shopify refuses", async () => {
    const shop = await programShop("redeem");
    const buyer = customer();
    await sendWebhook(app(), { topic: "orders/create", shop, body: order(buyer.id, daysAgo(20), "100.00") });
    await balanceOf(shop, buyer.id, { available: 100, pending: 0 });

    // Two redemptions of a 60-point reward at once with 100 points: one gets the code.
    const [first, second] = await Promise.all([redeem(shop, buyer.gid, "a"), redeem(shop, buyer.gid, "b")]);
    expect([first.status, second.status].sort()).toEqual([200, 409]);
    const issued = await (first.status === 200 ? first : second).json();
    expect(issued).toMatchObject({
      status: "issued",
      points: 60,
      discountGid: expect.stringMatching(/^gid:\/\/shopify\/DiscountCodeNode\//),
    });
    expect(issued.code).toMatch(/^CB-[2-9A-HJ-NP-Z]{10}$/);
    await balanceOf(shop, buyer.id, { available: 40, pending: 0 });

    await expectRewardCodeSent(shop, { ...REWARD, value: 1000n } as CodeReward, issued.code, buyer.gid, "USD");

    // The same clientKey again: the same redemption, no second code.
    const again = await redeem(shop, buyer.gid, first.status === 200 ? "a" : "b");
    expect(await again.json()).toEqual(issued);
    expect(await sentGraphql(shop, "discountCodeBasicCreate")).toHaveLength(1);

    // A manual credit, recorded with the staff member (the session token's user) and the reason.
    const adjust = { customerGid: buyer.gid, points: 100, reason: "Damaged parcel", requestId: "req-1" };
    expect((await call(shop, "/app/api/loyalty/adjust", adjust)).status).toBe(200);
    expect((await call(shop, "/app/api/loyalty/adjust", adjust)).status).toBe(200);
    const adjusted = await balanceOf(shop, buyer.id, { available: 140, pending: 0 });
    expect(adjusted.ledger.filter((entry) => entry.type === "adjust")).toEqual([
      expect.objectContaining({ points: 100, actor: "42", reason: "Damaged parcel" }),
    ]);

    // Shopify refuses the code: the points come back; the same clientKey later succeeds.
    await switchDouble(shop, { discountUserError: "Code must be unique" });
    const refused = await redeem(shop, buyer.gid, "c");
    expect(refused.status).toBe(502);
    const failed = await refused.json();
    expect(failed).toMatchObject({ status: "failed", error: "Code must be unique" });
    await balanceOf(shop, buyer.id, { available: 140, pending: 0 });
    await switchDouble(shop, { discountUserError: null });
    const retried = await redeem(shop, buyer.gid, "c");
    expect(retried.status).toBe(200);
    expect(await retried.json()).toMatchObject({ id: failed.id, status: "issued", code: failed.code, attempts: 2 });
    const final = await balanceOf(shop, buyer.id, { available: 80, pending: 0 });
    expect(
      final.ledger
        .filter((entry) => entry.source === "reward")
        .map((entry) => entry.points)
        .sort(),
    ).toEqual([-60, -60, -60, 60].sort());
  });

  it("redeems points for store credit once, never overspends, restores points when Shopify refuses, and finds a credit whose answer was lost", async () => {
    const shop = await programShop("credit", { rewards: [REWARD, CREDIT] });
    const buyer = customer();
    const redeemCredit = (clientKey: string) =>
      call(shop, "/app/api/loyalty/redeem", { customerGid: buyer.gid, rewardId: CREDIT.id, clientKey });
    await sendWebhook(app(), { topic: "orders/create", shop, body: order(buyer.id, daysAgo(20), "100.00") });
    await balanceOf(shop, buyer.id, { available: 100, pending: 0 });

    // Two redemptions of the 60-point credit at once with 100 points: one is credited.
    const [first, second] = await Promise.all([redeemCredit("a"), redeemCredit("b")]);
    expect([first.status, second.status].sort()).toEqual([200, 409]);
    const issued = await (first.status === 200 ? first : second).json();
    expect(issued).toMatchObject({
      status: "issued",
      code: "",
      discountGid: null,
      points: 60,
      creditAmount: "500",
      creditTransactionGid: expect.stringMatching(/^gid:\/\/shopify\/StoreCreditAccountCreditTransaction\//),
    });
    await expectStoreCreditSent(shop, {
      customerGid: buyer.gid,
      amount: 500n,
      currency: "USD",
      expiresAt: new Date(issued.creditExpiresAt),
    });
    expect(Date.parse(issued.creditExpiresAt) - Date.now()).toBeGreaterThan(89 * DAY_MS);
    let [account] = await doubleStoreCredit(shop);
    expect(account).toMatchObject({ ownerId: buyer.gid, currencyCode: "USD", balance: "500" });
    expect(account.transactions).toEqual([
      expect.objectContaining({ id: issued.creditTransactionGid, amount: "500", expiresAt: issued.creditExpiresAt }),
    ]);
    await balanceOf(shop, buyer.id, { available: 40, pending: 0 });

    // The same clientKey again: the same redemption, no second credit.
    const again = await redeemCredit(first.status === 200 ? "a" : "b");
    expect(await again.json()).toEqual(issued);
    await expectStoreCreditSent(shop, {
      customerGid: buyer.gid,
      amount: 500n,
      currency: "USD",
      expiresAt: new Date(issued.creditExpiresAt),
    });

    // Shopify refuses the credit: the points come back; the same clientKey later succeeds.
    await sendWebhook(app(), { topic: "orders/create", shop, body: order(buyer.id, daysAgo(20), "200.00") });
    await balanceOf(shop, buyer.id, { available: 240, pending: 0 });
    await switchDouble(shop, { storeCreditUserError: "CREDIT_LIMIT_EXCEEDED" });
    const refused = await redeemCredit("c");
    expect(refused.status).toBe(502);
    const failed = await refused.json();
    expect(failed).toMatchObject({ status: "failed", error: "Shopify refused the credit.", creditTransactionGid: null });
    await balanceOf(shop, buyer.id, { available: 240, pending: 0 });
    await switchDouble(shop, { storeCreditUserError: null });
    const retried = await redeemCredit("c");
    expect(retried.status).toBe(200);
    expect(await retried.json()).toMatchObject({ id: failed.id, status: "issued", attempts: 2 });
    await balanceOf(shop, buyer.id, { available: 180, pending: 0 });

    // Shopify credits the account but the connection closes before its answer: the lookup finds the credit.
    await switchDouble(shop, { storeCreditAnswerLost: true });
    const lost = await redeemCredit("lost");
    expect(lost.status).toBe(200);
    const found = await lost.json();
    [account] = await doubleStoreCredit(shop);
    expect(account.transactions).toHaveLength(3);
    expect(found).toMatchObject({ status: "issued", attempts: 1, creditTransactionGid: account.transactions[2].id });
    expect(await sentGraphql(shop, "storeCreditAccounts")).toEqual(
      expect.arrayContaining([expect.objectContaining({ variables: { customerId: buyer.gid } })]),
    );
    await switchDouble(shop, { storeCreditAnswerLost: false });
    const after = await balanceOf(shop, buyer.id, { available: 120, pending: 0 });
    expect(
      after.ledger
        .filter((entry) => entry.source === "reward")
        .map((entry) => entry.points)
        .sort(),
    ).toEqual([-60, -60, -60, -60, 60].sort());

    // The process died after committing the debit, before Shopify was asked: the worker credits it, once.
    const db = testDb();
    const id = randomUUID();
    const debitedAt = new Date(Date.now() - 5 * 60_000);
    await db.redemption.create({
      data: {
        id,
        shopDomain: shop,
        memberGid: buyer.gid,
        rewardId: CREDIT.id,
        clientKey: "crashed",
        status: "pending",
        code: "",
        creditAmount: 500n,
        creditExpiresAt: new Date(debitedAt.getTime() + CREDIT.validDays * DAY_MS),
        points: 60,
        expiresAt: new Date(debitedAt.getTime() + CREDIT.validDays * DAY_MS),
        createdAt: debitedAt,
        updatedAt: debitedAt,
      },
    });
    await db.ledgerEntry.create({
      data: {
        shopDomain: shop,
        sourceKey: `reward:${id}`,
        memberGid: buyer.gid,
        type: "redeem",
        source: "reward",
        points: -60,
        reason: CREDIT.name,
        createdAt: debitedAt,
        availableAt: debitedAt,
      },
    });
    const recovered = await waitFor("the worker to finish the redemption", async () => {
      const row = await db.redemption.findUnique({ where: { id } });
      return row?.status !== "pending" && row;
    });
    [account] = await doubleStoreCredit(shop);
    expect(account.transactions).toHaveLength(4);
    expect(recovered).toMatchObject({ status: "issued", creditTransactionGid: account.transactions[3].id, attempts: 1 });
    expect(account.transactions[3].expiresAt).toBe(recovered.creditExpiresAt!.toISOString());
    expect(account.balance).toBe("2000");
    await balanceOf(shop, buyer.id, { available: 60, pending: 0 });

    // The overview counts the credit issued and the liability it adds.
    const report = await (await call(shop, "/app/api/loyalty/performance")).json();
    expect(report.storeCredit).toEqual({ redemptions: 4, issued: "2000", unexpired: "2000" });
  });

  it("credits a tier's cashback once the order's points are available, and takes refunds back in proportion while unspent", async () => {
    const shop = await programShop("cashback", {
      tiers: [{ id: "gold", name: "Gold", threshold: "10", multiplierBasisPoints: 10000, cashbackBasisPoints: 1000 }],
    });
    const buyer = customer();
    const db = testDb();
    // The first order makes the buyer Gold; cashback counts from the next one.
    await sendWebhook(app(), { topic: "orders/create", shop, body: order(buyer.id, daysAgo(40), "20.00") });
    await waitFor("the buyer to be Gold", async () => (await member(shop, buyer.id))?.tier?.id === "gold");

    const paid = order(buyer.id, daysAgo(20), "100.00");
    const fresh = order(buyer.id, daysAgo(1), "50.00");
    await sendWebhook(app(), { topic: "orders/paid", shop, body: paid });
    await sendWebhook(app(), { topic: "orders/paid", shop, body: fresh });
    const credited = await waitFor("the due cashback to be credited", async () => {
      const row = await db.cashback.findUnique({
        where: { shopDomain_orderGid: { shopDomain: shop, orderGid: paid.admin_graphql_api_id } },
      });
      return row?.status === "issued" && row;
    });
    expect(credited).toMatchObject({ amount: 1000n, credited: 1000n, basisPoints: 1000, memberGid: buyer.gid });
    // Still in its pending period: waiting, nothing sent.
    expect(
      await db.cashback.findUnique({
        where: { shopDomain_orderGid: { shopDomain: shop, orderGid: fresh.admin_graphql_api_id } },
      }),
    ).toMatchObject({ status: "waiting", amount: 500n, credited: 0n });
    await expectStoreCreditSent(shop, { customerGid: buyer.gid, amount: 1000n, currency: "USD", expiresAt: null });
    let [account] = await doubleStoreCredit(shop);
    expect(account).toMatchObject({ ownerId: buyer.gid, balance: "1000" });
    expect(account.transactions).toEqual([expect.objectContaining({ id: credited.creditTransactionGid, expiresAt: null })]);

    // A refund keeps 40.00 of the order: 60 % of the cashback is taken back, once, however often the webhooks come.
    const { refund, updated } = refundOf(paid, "40.00");
    await sendWebhook(app(), { topic: "refunds/create", shop, body: refund });
    await Promise.all([
      sendWebhook(app(), { topic: "orders/updated", shop, body: updated }),
      sendWebhook(app(), { topic: "orders/updated", shop, body: updated }),
    ]);
    const reversed = await waitFor("the refund's share to be taken back", async () => {
      const row = await db.cashback.findUnique({ where: { id: credited.id } });
      return row?.reversed === 600n && row.status === "issued" && row;
    });
    expect(reversed).toMatchObject({ amount: 400n, credited: 1000n, reversed: 600n, forgone: 0n, reversing: null });
    const debits = await sentGraphql(shop, "storeCreditAccountDebit");
    expect(debits).toEqual([
      {
        query: expect.stringContaining("storeCreditAccountDebit(id: $id, debitInput: $debitInput)"),
        variables: { id: account.id, debitInput: { debitAmount: { amount: "6.00", currencyCode: "USD" } } },
      },
    ]);
    [account] = await doubleStoreCredit(shop);
    expect(account.balance).toBe("400");
    expect(await db.cashbackDebit.findMany({ where: { shopDomain: shop } })).toEqual([
      expect.objectContaining({ cashbackId: credited.id, amount: 600n }),
    ]);
  });

  /** A Gold buyer (10 % cashback) with an order of 100.00 placed `days` ago, its cashback row once recorded. */
  async function cashbackBuyer(prefix: string, days: number, extra: Record<string, unknown> = {}, switches: DoubleSwitches = {}) {
    const shop = await programShop(prefix, {
      tiers: [{ id: "gold", name: "Gold", threshold: "10", multiplierBasisPoints: 10000, cashbackBasisPoints: 1000 }],
      ...extra,
    });
    const buyer = customer();
    await sendWebhook(app(), { topic: "orders/create", shop, body: order(buyer.id, daysAgo(40), "20.00") });
    await waitFor("the buyer to be Gold", async () => (await member(shop, buyer.id))?.tier?.id === "gold");
    await switchDouble(shop, switches);
    const placed = order(buyer.id, daysAgo(days), "100.00");
    await sendWebhook(app(), { topic: "orders/paid", shop, body: placed });
    const row = (status: string) =>
      waitFor(`the cashback ${status}`, async () => {
        const found = await testDb().cashback.findUnique({
          where: { shopDomain_orderGid: { shopDomain: shop, orderGid: placed.admin_graphql_api_id } },
        });
        return found?.status === status && found.reversing === null && found;
      });
    const refund = async (kept: string) => {
      const { refund, updated } = refundOf(placed, kept);
      await sendWebhook(app(), { topic: "refunds/create", shop, body: refund });
      await sendWebhook(app(), { topic: "orders/updated", shop, body: updated });
    };
    return { shop, buyer, placed, row, refund };
  }

  it("credits only what a refund left of a cashback still in its pending period, and nothing for an order refunded whole", async () => {
    const { shop, buyer, placed, row, refund } = await cashbackBuyer("cashback-early", 2);
    const gone = order(buyer.id, daysAgo(2), "30.00");
    await sendWebhook(app(), { topic: "orders/paid", shop, body: gone });
    expect(await row("waiting")).toMatchObject({ amount: 1000n, credited: 0n });

    // Both refunds come while the cashback waits: the amounts fall, nothing goes to Shopify.
    await refund("40.00");
    const { refund: refundAll, updated: emptied } = refundOf(gone, "0.00");
    await sendWebhook(app(), { topic: "refunds/create", shop, body: refundAll });
    await sendWebhook(app(), { topic: "orders/updated", shop, body: emptied });
    const db = testDb();
    const goneRow = () =>
      db.cashback.findUniqueOrThrow({
        where: { shopDomain_orderGid: { shopDomain: shop, orderGid: gone.admin_graphql_api_id } },
      });
    await waitFor("the refunds to lower the waiting cashback", async () => {
      const kept = await db.cashback.findUnique({
        where: { shopDomain_orderGid: { shopDomain: shop, orderGid: placed.admin_graphql_api_id } },
      });
      return kept?.amount === 400n && (await goneRow()).amount === 0n;
    });
    expect(await sentGraphql(shop, "storeCreditAccount")).toEqual([]);

    // The pending period is over (the orders' due dates moved into the past): 4.00 credited, the emptied order voided.
    await db.cashback.updateMany({ where: { shopDomain: shop }, data: { dueAt: new Date(Date.now() - 1000) } });
    expect(await row("issued")).toMatchObject({ amount: 400n, credited: 400n, reversed: 0n, forgone: 0n });
    await waitFor("the emptied order's cashback to be void", async () => (await goneRow()).status === "void");
    await expectStoreCreditSent(shop, { customerGid: buyer.gid, amount: 400n, currency: "USD", expiresAt: null });
    expect(await sentGraphql(shop, "storeCreditAccountDebit")).toEqual([]);
    const [account] = await doubleStoreCredit(shop);
    expect(account.balance).toBe("400");
  });

  it("takes back only the unspent part of a cashback the shopper partly spent, and records the rest as forgone", async () => {
    const { shop, buyer, row, refund } = await cashbackBuyer("cashback-spent", 20);
    const credited = await row("issued");
    expect(credited).toMatchObject({ amount: 1000n, credited: 1000n });
    // 7.00 of the 10.00 paid for another order at checkout; then a refund keeps 40.00 of this one: 6.00 owed, 3.00 unspent.
    await spendAtCheckout(shop, buyer.gid, 700n);
    await refund("40.00");
    const settled = await waitFor("the refund's share to be settled", async () => {
      const current = await testDb().cashback.findUnique({ where: { id: credited.id } });
      return current?.status === "issued" && current.reversed + current.forgone === 600n && current;
    });
    expect(settled).toMatchObject({ amount: 400n, credited: 1000n, reversed: 300n, forgone: 300n, reversing: null });
    const [account] = await doubleStoreCredit(shop);
    expect(await sentGraphql(shop, "storeCreditAccountDebit")).toEqual([
      {
        query: expect.stringContaining("storeCreditAccountDebit(id: $id, debitInput: $debitInput)"),
        variables: { id: account.id, debitInput: { debitAmount: { amount: "3.00", currencyCode: "USD" } } },
      },
    ]);
    expect(account.balance).toBe("0");
    expect(await testDb().cashbackDebit.findMany({ where: { shopDomain: shop } })).toEqual([
      expect.objectContaining({ cashbackId: credited.id, amount: 300n }),
    ]);
    // Points are taken back at the earned rate whatever happened to the credit: 60 of the order's 100.
    await balanceOf(shop, buyer.id, { available: 60, pending: 0 });
  });

  it("forgoes what Shopify refuses to debit because the shopper spent it just before, without a second debit", async () => {
    const { shop, buyer, row, refund } = await cashbackBuyer("cashback-race", 20);
    const credited = await row("issued");
    // The app looks (10.00 unspent) and debits 6.00, but the shopper paid with all of it at checkout in between.
    await switchDouble(shop, { checkoutSpendsBeforeDebit: true });
    await refund("40.00");
    const settled = await waitFor("the refund's share to be forgone", async () => {
      const current = await testDb().cashback.findUnique({ where: { id: credited.id } });
      return current?.status === "issued" && current.forgone === 600n && current;
    });
    expect(settled).toMatchObject({ amount: 400n, credited: 1000n, reversed: 0n, forgone: 600n, reversing: null });
    const [account] = await doubleStoreCredit(shop);
    // One debit asked for and refused (INSUFFICIENT_FUNDS); none recorded, none sent again.
    expect((await sentGraphql(shop, "storeCreditAccountDebit")).map((body) => body.variables.debitInput)).toEqual([
      { debitAmount: { amount: "6.00", currencyCode: "USD" } },
    ]);
    expect(account.balance).toBe("0");
    expect(account.transactions.map(({ kind, amount }) => [kind, amount])).toEqual([
      ["credit", "1000"],
      ["debit", "1000"],
    ]);
    expect(await testDb().cashbackDebit.count({ where: { shopDomain: shop } })).toBe(0);
    await balanceOf(shop, buyer.id, { available: 60, pending: 0 });
  });

  it("counts a debit Shopify refuses for good as a failed attempt: retried with backoff, then dead on the Sync page", async () => {
    const { shop, row, refund } = await cashbackBuyer("cashback-refused", 20);
    const credited = await row("issued");
    await switchDouble(shop, { storeCreditDebitUserError: "ACCOUNT_NOT_FOUND" });
    await refund("40.00");
    const db = testDb();
    const failing = await waitFor("two failed attempts", async () => {
      const current = await db.cashback.findUnique({ where: { id: credited.id } });
      return current && current.attempts >= 2 && current;
    });
    expect(failing).toMatchObject({ status: "reverse_due", reversing: null, reversed: 0n, forgone: 0n });
    expect(failing.error).toContain("ACCOUNT_NOT_FOUND");
    // One debit asked for per attempt (no look again for this code); none made.
    expect((await sentGraphql(shop, "storeCreditAccountDebit")).length).toBeGreaterThanOrEqual(2);

    // The backoff's later attempts, without waiting them out: the last one makes it dead.
    const maxAttempts = 10; // cashbackQueue's
    await db.cashback.update({ where: { id: credited.id }, data: { attempts: maxAttempts - 1, leaseUntil: null } });
    const dead = await waitFor("the refused reversal to be dead", async () => {
      const current = await db.cashback.findUnique({ where: { id: credited.id } });
      return current && current.attempts >= maxAttempts && current;
    });
    expect(dead).toMatchObject({ status: "reverse_due", leaseUntil: null, reversing: null, reversed: 0n, attempts: maxAttempts });
    const syncPage = await fetch(embeddedAppUrl(app(), shop, sessionToken(shop), "/app/sync"), { headers: BROWSER_HEADERS });
    const html = await syncPage.text();
    expect(html).toContain("Cashback as store credit (1)");
    expect(html).toContain(credited.id);
    expect(html).toContain("ACCOUNT_NOT_FOUND");
    const tries = (await sentGraphql(shop, "storeCreditAccountDebit")).length;
    await new Promise((done) => setTimeout(done, 800));
    expect(await sentGraphql(shop, "storeCreditAccountDebit")).toHaveLength(tries);
    const [account] = await doubleStoreCredit(shop);
    expect(account.balance).toBe("1000");
  }, 40_000);

  it("retries a cashback credit over the account's limit with backoff, and settles one whose customer is gone at once", async () => {
    const { shop, buyer, placed, row } = await cashbackBuyer(
      "cashback-limit",
      20,
      {},
      { storeCreditUserError: "CREDIT_LIMIT_EXCEEDED" },
    );
    const db = testDb();
    const retried = await waitFor("two failed credits", async () => {
      const current = await db.cashback.findUnique({
        where: { shopDomain_orderGid: { shopDomain: shop, orderGid: placed.admin_graphql_api_id } },
      });
      return current && current.attempts >= 2 && current;
    });
    expect(retried).toMatchObject({ status: "pending", credited: 0n });
    expect(retried.error).toContain("CREDIT_LIMIT_EXCEEDED");
    await switchDouble(shop, { storeCreditUserError: null });
    // Settled: its failed attempts are over, so a later refund's debit has all of them.
    expect(await row("issued")).toMatchObject({ credited: 1000n, attempts: 0, error: null });

    await switchDouble(shop, { storeCreditUserError: "OWNER_NOT_FOUND" });
    const gone = order(buyer.id, daysAgo(20), "50.00");
    await sendWebhook(app(), { topic: "orders/paid", shop, body: gone });
    const failed = await waitFor("the gone customer's cashback to be failed", async () => {
      const current = await db.cashback.findUnique({
        where: { shopDomain_orderGid: { shopDomain: shop, orderGid: gone.admin_graphql_api_id } },
      });
      return current?.status === "failed" && current;
    });
    expect(failed).toMatchObject({ attempts: 0, credited: 0n, leaseUntil: null });
    expect(failed.error).toContain("OWNER_NOT_FOUND");
    expect(
      (await sentGraphql(shop, "storeCreditAccountCredit")).filter(
        (body) => body.variables.creditInput.creditAmount.amount === "5.00",
      ),
    ).toHaveLength(1);
  }, 40_000);

  it("recovers a lost debit answer as the app's own debit, not the shopper's checkout payment of the same amount", async () => {
    const { shop, buyer, row, refund } = await cashbackBuyer("cashback-lost-debit", 20);
    const credited = await row("issued");
    // The shopper pays 4.00 at checkout; then a refund keeps 60.00: 4.00 owed, 6.00 unspent, debited, its answer lost.
    const payment = await spendAtCheckout(shop, buyer.gid, 400n);
    await switchDouble(shop, { storeCreditDebitAnswerLost: true });
    await refund("60.00");
    const db = testDb();
    await waitFor("the debit to be sent", async () => (await sentGraphql(shop, "storeCreditAccountDebit")).length === 1);
    await switchDouble(shop, { storeCreditDebitAnswerLost: false });
    const settled = await waitFor("the lost debit to be found", async () => {
      const current = await db.cashback.findUnique({ where: { id: credited.id } });
      // Its look again comes 2 minutes later: brought forward.
      if (current?.reversing !== null) await db.cashback.updateMany({ where: { id: credited.id }, data: { leaseUntil: null } });
      return current?.status === "issued" && current.reversed === 400n && current;
    });
    expect(settled).toMatchObject({ amount: 600n, credited: 1000n, reversed: 400n, forgone: 0n, reversing: null });
    const [account] = await doubleStoreCredit(shop);
    const debits = account.transactions.filter((t) => t.kind === "debit");
    expect(debits.map(({ id, amount, event }) => [id, amount, event])).toEqual([
      [payment, "400", "ORDER_PAYMENT"],
      [expect.not.stringMatching(payment), "400", "ADJUSTMENT"],
    ]);
    expect(await db.cashbackDebit.findMany({ where: { shopDomain: shop } })).toEqual([
      expect.objectContaining({ cashbackId: credited.id, amount: 400n, transactionGid: debits[1].id }),
    ]);
    expect(await sentGraphql(shop, "storeCreditAccountDebit")).toHaveLength(1);
    expect(account.balance).toBe("200");
  }, 40_000);

  it("takes back no more than is left of the cashback when an earlier debit spent a sooner expiring credit", async () => {
    const { shop, buyer, row, refund } = await cashbackBuyer("cashback-twice", 20, { rewards: [REWARD, CREDIT] });
    const credited = await row("issued");
    // 3.00 of the cashback paid at checkout; then 5.00 of store credit for points, expiring in 90 days.
    await spendAtCheckout(shop, buyer.gid, 300n);
    const redeemed = await call(shop, "/app/api/loyalty/redeem", { customerGid: buyer.gid, rewardId: CREDIT.id, clientKey: "x" });
    expect(await redeemed.json()).toMatchObject({ status: "issued", creditAmount: "500" });
    const db = testDb();
    // A refund keeps 60.00: 4.00 owed, debited; Shopify takes it from the 5.00 that expires first.
    await refund("60.00");
    await waitFor("the first refund's share to be taken back", async () => {
      const current = await db.cashback.findUnique({ where: { id: credited.id } });
      return current?.status === "issued" && current.reversed === 400n && current;
    });
    let [account] = await doubleStoreCredit(shop);
    expect(account.transactions.find((t) => t.id === credited.creditTransactionGid)?.remaining).toBe("700");
    // Another keeps 20.00: 4.00 more owed, but of the 10.00 only 3.00 is still the shopper's (3.00 spent, 4.00 taken back).
    await refund("20.00");
    const settled = await waitFor("the second refund's share to be settled", async () => {
      const current = await db.cashback.findUnique({ where: { id: credited.id } });
      return current?.status === "issued" && current.reversed + current.forgone === 800n && current;
    });
    expect(settled).toMatchObject({ amount: 200n, credited: 1000n, reversed: 700n, forgone: 100n, reversing: null });
    expect(
      (await sentGraphql(shop, "storeCreditAccountDebit")).map((body) => body.variables.debitInput.debitAmount.amount),
    ).toEqual(["4.00", "3.00"]);
    // The shopper keeps the 5.00 they redeemed points for.
    [account] = await doubleStoreCredit(shop);
    expect(account.balance).toBe("500");
  }, 40_000);

  it("writes the balance and tier to the customer's metafields, and waits out throttling", async () => {
    const shop = await programShop("metafields", {
      tiers: [{ id: "silver", name: "Silver", threshold: "50", multiplierBasisPoints: 10000 }],
    });
    const buyer = customer();
    await switchDouble(shop, { throttled: true });
    await sendWebhook(app(), { topic: "orders/create", shop, body: order(buyer.id, daysAgo(20), "100.00") });
    await waitFor("a throttled metafieldsSet", async () => (await memberMetafieldWrites(shop)).length > 0);
    await switchDouble(shop, { throttled: false });
    const written = await waitFor("the metafields to be written", async () => {
      const member = await testDb().loyaltyMember.findFirst({ where: { shopDomain: shop, customerGid: buyer.gid } });
      return member?.syncedAt && member;
    });
    expect(written).toMatchObject({ tierId: "silver", syncedPoints: 100, syncedTier: "Silver", needsSync: false });
    const calls = await memberMetafieldWrites(shop);
    expect(calls.at(-1)).toEqual({
      query: METAFIELDS_SET,
      variables: {
        metafields: [
          { ownerId: buyer.gid, namespace: "$app", key: "points", type: "number_integer", value: "100" },
          { ownerId: buyer.gid, namespace: "$app", key: "tier", type: "single_line_text_field", value: "Silver" },
        ],
      },
    });
    expect(await testDb().tierChange.findMany({ where: { shopDomain: shop }, select: { toTier: true, kind: true } })).toEqual([
      { toTier: "silver", kind: "promotion" },
    ]);
  });

  it("adjusts only customers the shop has, and asks before a deduction beyond the available balance", async () => {
    const [shop, other] = [await programShop("adjust"), await programShop("adjust-other")];
    const signUp = (where: string, who: { id: string; gid: string }) =>
      sendWebhook(app(), {
        topic: "customers/create",
        shop: where,
        body: { ...fixture("customers/create"), id: who.id, admin_graphql_api_id: who.gid },
      });
    const [known, stranger, elsewhere] = [customer(), customer(), customer()];
    expect((await signUp(shop, known)).status).toBe(200);
    expect((await signUp(other, elsewhere)).status).toBe(200);
    await waitFor(
      "the customers stored",
      async () => (await testDb().customer.count({ where: { gid: { in: [known.gid, elsewhere.gid] } } })) === 2,
    );
    const adjust = (customerGid: string, points: number, extra: Record<string, unknown> = {}) =>
      call(shop, "/app/api/loyalty/adjust", { customerGid, points, reason: "Goodwill", requestId: randomUUID(), ...extra });
    const stored = async () => {
      const db = testDb();
      return {
        members: await db.loyaltyMember.count({
          where: { shopDomain: shop, customerGid: { in: [stranger.gid, elsewhere.gid] } },
        }),
        entries: await db.ledgerEntry.count({ where: { shopDomain: shop } }),
      };
    };

    // A customer the shop never had, and one of another shop: 404, nothing recorded, no one enrolled.
    for (const gid of [stranger.gid, elsewhere.gid]) {
      const refused = await adjust(gid, 10);
      expect([refused.status, await refused.json()]).toEqual([
        404,
        { code: "unknownCustomer", params: {}, error: "the shop has no such customer" },
      ]);
    }
    expect(await stored()).toEqual({ members: 0, entries: 0 });

    // 40 points; a deduction of 100 is refused with the available balance, and nothing changes.
    expect((await adjust(known.gid, 40)).status).toBe(200);
    const before = await stored();
    const requestId = randomUUID();
    const unconfirmed = await adjust(known.gid, -100, { requestId });
    expect(unconfirmed.status).toBe(409);
    expect(await unconfirmed.json()).toMatchObject({
      code: "shortfallUnconfirmed",
      params: { available: 40 },
      error: expect.stringContaining("40 points available"),
    });
    expect((await adjust(known.gid, -100, { confirmShortfall: false })).status).toBe(409);
    expect(await stored()).toEqual(before);
    await balanceOf(shop, known.id, { available: 40, pending: 0 });

    // Confirmed (the same request): the 40 are deducted and the other 60 recorded as shortfall; a retry records nothing more.
    const confirmed = await adjust(known.gid, -100, { requestId, confirmShortfall: true });
    expect(confirmed.status).toBe(200);
    expect((await confirmed.json()).entry).toMatchObject({ points: -40, shortfall: 60, reason: "Goodwill" });
    expect((await adjust(known.gid, -100, { requestId, confirmShortfall: true })).status).toBe(200);
    const after = await balanceOf(shop, known.id, { available: 0, pending: 0 });
    expect(after.ledger.filter((entry) => entry.type === "adjust").map((entry) => [entry.points, entry.shortfall])).toEqual([
      [-40, 60],
      [40, 0],
    ]);
    // A deduction the balance covers needs no confirmation.
    expect((await adjust(known.gid, 15)).status).toBe(200);
    expect((await adjust(known.gid, -15)).status).toBe(200);
    await balanceOf(shop, known.id, { available: 0, pending: 0 });

    // A redacted customer is no longer the shop's to adjust.
    const redact = {
      ...fixtureFor("customers/redact", shop),
      customer: { id: known.id, email: null, phone: null },
      orders_to_redact: [],
    };
    expect((await sendWebhook(app(), { topic: "customers/redact", shop, body: redact })).status).toBe(200);
    await waitFor(
      "the customer redacted",
      async () => (await testDb().customer.findFirst({ where: { shopDomain: shop, redactedAt: { not: null } } })) !== null,
    );
    expect((await adjust(known.gid, 10)).status).toBe(404);
  });

  it("refuses bad settings with every field error and saves nothing; refuses requests without a session token", async () => {
    const shop = await programShop("invalid");
    const before = await (await call(shop, "/app/api/loyalty/program")).json();
    const response = await call(shop, "/app/api/loyalty/program", {
      enabled: false,
      settings: { pendingDays: -1, holdoutPercent: 70 },
      tiers: [
        { id: "a", name: "Gold", threshold: "100", multiplierBasisPoints: 10000 },
        { id: "b", name: "Gold", threshold: "100", multiplierBasisPoints: 5000 },
      ],
      rules: [{ ...PURCHASE_RULE, points: 0 }],
    });
    expect(response.status).toBe(400);
    const { errors } = (await response.json()) as { errors: { field: string }[] };
    expect(errors.map((error) => error.field)).toEqual(
      expect.arrayContaining([
        "settings.pendingDays",
        "settings.holdoutPercent",
        "tiers[1].name",
        "tiers[1].threshold",
        "tiers[1].multiplierBasisPoints",
        "rules[0].points",
      ]),
    );
    // Each error is a code with its parameters, and English for API users.
    expect(errors).toContainEqual({
      field: "settings.pendingDays",
      code: "wholeNumberRange",
      params: { min: 0, max: 365 },
      message: "must be a whole number from 0 to 365",
    });
    expect(errors).toContainEqual({
      field: "tiers[1].name",
      code: "duplicateTier",
      params: {},
      message: "another tier has the same value",
    });
    expect(await (await call(shop, "/app/api/loyalty/program")).json()).toEqual(before);

    const shapeless = await call(shop, "/app/api/loyalty/program", { settings: { pendingDays: "soon" } });
    expect(shapeless.status).toBe(400);
    expect((await shapeless.json()).errors[0]).toMatchObject({
      field: "settings.pendingDays",
      code: "invalid",
      message: expect.any(String),
    });

    for (const token of [null, sessionToken(shop, { secret: "forged" })]) {
      const refused = await call(shop, "/app/api/loyalty/program", undefined, token);
      expect(refused.status).not.toBe(200);
      const adjust = await call(
        shop,
        "/app/api/loyalty/adjust",
        { customerGid: customer().gid, points: 5, reason: "x", requestId: "r" },
        token,
      );
      expect(adjust.status).not.toBe(200);
    }
    expect(await testDb().ledgerEntry.count({ where: { shopDomain: shop } })).toBe(0);
  });

  it("pseudonymises a redacted customer's loyalty rows and deletes the whole program on shop/redact", async () => {
    const shop = await programShop("redact", { rules: [PURCHASE_RULE, { id: "welcome", kind: "signup", points: 25 }] });
    const buyer = customer();
    const signup = { ...fixture("customers/create"), id: buyer.id, admin_graphql_api_id: buyer.gid };
    await sendWebhook(app(), { topic: "customers/create", shop, body: signup });
    await sendWebhook(app(), { topic: "orders/create", shop, body: order(buyer.id, daysAgo(20), "100.00") });
    const before = await balanceOf(shop, buyer.id, { available: 125, pending: 0 });
    expect(before.ledger.map((entry) => entry.sourceKey)).toContain(`rule:signup:${buyer.gid}`);

    const redact = {
      ...fixtureFor("customers/redact", shop),
      customer: { id: buyer.id, email: null, phone: null },
      orders_to_redact: [],
    };
    expect((await sendWebhook(app(), { topic: "customers/redact", shop, body: redact })).status).toBe(200);
    const db = testDb();
    const entries = await db.ledgerEntry.findMany({ where: { shopDomain: shop } });
    expect(entries).toHaveLength(2);
    for (const entry of entries) {
      expect(entry.memberGid).toMatch(/^redacted:/);
      expect(entry.sourceKey).not.toContain(buyer.id);
    }
    const members = await db.loyaltyMember.findMany({ where: { shopDomain: shop } });
    expect(members.map((m) => ({ gid: m.customerGid, birthday: m.birthday }))).toEqual([
      { gid: entries[0].memberGid, birthday: null },
    ]);
    expect(await member(shop, buyer.id)).toBeNull();

    expect((await sendWebhook(app(), { topic: "shop/redact", shop, body: fixtureFor("shop/redact", shop) })).status).toBe(200);
    const left = await Promise.all([
      db.loyaltyProgram.count({ where: { shopDomain: shop } }),
      db.earningRule.count({ where: { shopDomain: shop } }),
      db.loyaltyReward.count({ where: { shopDomain: shop } }),
      db.loyaltyMember.count({ where: { shopDomain: shop } }),
      db.ledgerEntry.count({ where: { shopDomain: shop } }),
      db.loyaltyTask.count({ where: { shopDomain: shop } }),
    ]);
    expect(left).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it("reports the program's effect: members, the holdout and other customers; points, liability and lift", async () => {
    // Off at first, so that a customer buys without becoming a member.
    const shop = await programShop("performance", { enabled: false });
    const outsider = customer();
    await sendWebhook(app(), { topic: "orders/create", shop, body: order(outsider.id, daysAgo(40), "30.00") });
    await sendWebhook(app(), { topic: "orders/create", shop, body: order(outsider.id, daysAgo(35), "20.00") });
    await settled(shop, 2);
    expect((await call(shop, "/app/api/loyalty/program", { enabled: true })).status).toBe(200);

    // Enrolled ahead of its orders in the holdout (as if its GID's bucket fell there): it earns nothing.
    const [heldOut, heldOutToo] = [customer(), customer()];
    for (const { gid } of [heldOut, heldOutToo]) {
      await testDb().loyaltyMember.create({
        data: { shopDomain: shop, customerGid: gid, enrolledAt: new Date(), heldOut: true },
      });
    }
    const [a, b] = [customer(), customer()];
    const placed = [
      order(a.id, daysAgo(30), "50.00"),
      order(a.id, daysAgo(20), "100.00"),
      order(b.id, daysAgo(0), "40.00"),
      order(b.id, daysAgo(0), "999.00", { test: true }),
      order(heldOut.id, daysAgo(20), "80.00"),
      order(heldOut.id, daysAgo(10), "30.00", { cancelled_at: daysAgo(9) }),
      order(heldOutToo.id, daysAgo(5), "21.00"),
    ];
    for (const body of placed) expect((await sendWebhook(app(), { topic: "orders/create", shop, body })).status).toBe(200);
    await settled(shop, 9);
    await balanceOf(shop, a.id, { available: 150, pending: 0 });
    await balanceOf(shop, b.id, { available: 0, pending: 40 });
    expect((await redeem(shop, a.gid, "perf")).status).toBe(200);

    const response = await call(shop, "/app/api/loyalty/performance");
    expect(response.status).toBe(200);
    const report = await response.json();
    expect(report.customers).toEqual({
      members: { customers: 2, repeaters: 1, repeatPurchaseRate: 50, netRevenue: "19000", netRevenuePerCustomer: "9500" },
      holdout: { customers: 2, repeaters: 0, repeatPurchaseRate: 0, netRevenue: "10100", netRevenuePerCustomer: "5050" },
      nonMembers: { customers: 1, repeaters: 1, repeatPurchaseRate: 100, netRevenue: "5000", netRevenuePerCustomer: "5000" },
    });
    expect(report.points).toEqual({
      issued: 190,
      redeemed: 60,
      expired: 0,
      outstanding: 90,
      pending: 40,
      redemptionRate: (60 / 190) * 100,
    });
    // 90 points at 10.00 for 60 points.
    expect(report.liability).toEqual({ amount: "1500", valuePerPoint: { value: "1000", points: 60, rewardId: REWARD.id } });
    // Members 1 of 2 bought again, the holdout 0 of 2: far too few customers for a verdict.
    const { comparison, note } = report.holdoutLift;
    expect(comparison).toMatchObject({
      arm: { reached: 2, converted: 1, rate: 50, revenuePerCustomer: "9500" },
      control: { reached: 2, converted: 0, rate: 0, revenuePerCustomer: "5050" },
      difference: 50,
      // (19,000 x 2 - 10,100 x 2) / 2 = 8,900 more net revenue from the 2 members.
      revenuePerCustomerDifference: "4450",
      incrementalRevenue: "8900",
      verdict: { kind: "too-little-data" },
    });
    const [low, high] = comparison.differenceInterval;
    expect(low).toBeLessThan(0);
    expect(high).toBeGreaterThan(50);
    expect(note).toContain("too little data yet");
  });

  it("finishes a redemption left pending by a crash, and issues a code whose answer was lost without giving points back", async () => {
    const shop = await programShop("recover");
    const [crashed, lost] = [customer(), customer()];
    await sendWebhook(app(), { topic: "orders/create", shop, body: order(crashed.id, daysAgo(20), "100.00") });
    await sendWebhook(app(), { topic: "orders/create", shop, body: order(lost.id, daysAgo(20), "100.00") });
    await balanceOf(shop, crashed.id, { available: 100, pending: 0 });
    await balanceOf(shop, lost.id, { available: 100, pending: 0 });

    // The process died after committing the debit, before Shopify answered (or was even asked).
    const db = testDb();
    const id = randomUUID();
    const debitedAt = new Date(Date.now() - 5 * 60_000);
    const code = "CB-CRASHED234";
    await db.redemption.create({
      data: {
        id,
        shopDomain: shop,
        memberGid: crashed.gid,
        rewardId: REWARD.id,
        clientKey: "crashed",
        status: "pending",
        code,
        points: 60,
        expiresAt: new Date(debitedAt.getTime() + REWARD.validDays * DAY_MS),
        createdAt: debitedAt,
        updatedAt: debitedAt,
      },
    });
    await db.ledgerEntry.create({
      data: {
        shopDomain: shop,
        sourceKey: `reward:${id}`,
        memberGid: crashed.gid,
        type: "redeem",
        source: "reward",
        points: -60,
        reason: REWARD.name,
        createdAt: debitedAt,
        availableAt: debitedAt,
      },
    });
    const recovered = await waitFor("the worker to finish the redemption", async () => {
      const row = await db.redemption.findUnique({ where: { id } });
      return row?.status !== "pending" && row;
    });
    const created = (await doubleDiscounts(shop)).filter((discount) => discount.code === code);
    expect(created).toHaveLength(1);
    expect(recovered).toMatchObject({ status: "issued", discountGid: created[0].id, attempts: 1 });
    const [sent] = (await sentGraphql(shop, "discountCodeBasicCreate")).filter(
      (body) => body.variables.basicCodeDiscount.code === code,
    );
    expect(sent.variables.basicCodeDiscount).toMatchObject({
      startsAt: debitedAt.toISOString(),
      endsAt: recovered.expiresAt.toISOString(),
    });
    await balanceOf(shop, crashed.id, { available: 40, pending: 0 });

    // Shopify creates the code but the connection closes before its answer: the lookup finds it.
    await switchDouble(shop, { discountAnswerLost: true });
    const response = await redeem(shop, lost.gid, "lost");
    expect(response.status).toBe(200);
    const issued = await response.json();
    const lostCode = (await doubleDiscounts(shop)).filter((discount) => discount.code === issued.code);
    expect(lostCode).toHaveLength(1);
    expect(issued).toMatchObject({ status: "issued", discountGid: lostCode[0].id, attempts: 1 });
    expect(await sentGraphql(shop, "codeDiscountNodeByCode")).toEqual(
      expect.arrayContaining([expect.objectContaining({ variables: { code: issued.code } })]),
    );
    const after = await balanceOf(shop, lost.id, { available: 40, pending: 0 });
    expect(after.ledger.filter((entry) => entry.source === "reward").map((entry) => entry.points)).toEqual([-60]);
  });

  it("retries an abandoned redemption while Shopify is unreachable, with backoff, and gives it up after its last attempt", async () => {
    const shop = await programShop("recover-retry");
    const db = testDb();
    const debitedAt = new Date(Date.now() - 5 * 60_000);
    const abandoned = (clientKey: string, recoveryAttempts: number) =>
      db.redemption.create({
        data: {
          id: randomUUID(),
          shopDomain: shop,
          memberGid: customer().gid,
          rewardId: REWARD.id,
          clientKey,
          status: "pending",
          code: `CB-${clientKey.toUpperCase()}234`,
          points: 60,
          expiresAt: new Date(debitedAt.getTime() + REWARD.validDays * DAY_MS),
          createdAt: debitedAt,
          updatedAt: debitedAt,
          recoveryAttempts,
        },
      });
    await switchDouble(shop, { unreachable: true });
    // One with all but its last attempt spent, one fresh.
    const last = await abandoned("last", 9);
    const fresh = await abandoned("fresh", 0);
    const failed = await waitFor("a failed attempt of each", async () => {
      const rows = await db.redemption.findMany({ where: { id: { in: [last.id, fresh.id] } }, orderBy: { clientKey: "asc" } });
      return rows.every((row) => row.recoveryAttempts > (row.id === last.id ? 9 : 0)) && rows;
    });
    for (const row of failed)
      expect(row).toMatchObject({ status: "pending", recoveryError: expect.stringContaining("could not be looked up") });
    // The fresh one waits out its backoff, held by its lease; the other is dead: no lease, never claimed again.
    expect(failed.find((row) => row.id === fresh.id)!.leaseUntil).not.toBeNull();
    expect(failed.find((row) => row.id === last.id)).toMatchObject({ recoveryAttempts: 10, leaseUntil: null });

    await switchDouble(shop, { unreachable: false });
    // Done: issued, its lease let go, its failed attempts kept.
    const recovered = await waitFor("the fresh one recovered", async () => {
      const row = await db.redemption.findUnique({ where: { id: fresh.id } });
      return row?.status === "issued" && row.leaseUntil === null && row;
    });
    expect(recovered.recoveryAttempts).toBeGreaterThanOrEqual(1);
    // The one given up is no longer claimed: still pending, on the Sync page with its error.
    await new Promise((done) => setTimeout(done, 1_000));
    expect(await db.redemption.findUnique({ where: { id: last.id } })).toMatchObject({ status: "pending", recoveryAttempts: 10 });
    const page = await call(shop, "/app/sync.data");
    const body = await page.text();
    expect(body).toContain("abandoned-redemptions");
    expect(body).toContain(last.id);
    expect(body).not.toContain(fresh.id);
  });

  it("retries a member's metafield write that failed, and shows one that failed on every attempt on the Sync page", async () => {
    const shop = await programShop("metafields-retry");
    const buyer = customer();
    await switchDouble(shop, { unreachable: true });
    await sendWebhook(app(), { topic: "orders/create", shop, body: order(buyer.id, daysAgo(20), "100.00") });
    const failed = await waitFor("a failed metafield write", async () => {
      const task = await testDb().loyaltyTask.findFirst({ where: { shopDomain: shop, kind: "metafields", key: buyer.gid } });
      return task && task.attempts > 0 && task;
    });
    expect(failed.lastError).toBeTruthy();
    await switchDouble(shop, { unreachable: false });
    const written = await waitFor("the metafields written after the failure", async () => {
      const member = await testDb().loyaltyMember.findFirst({ where: { shopDomain: shop, customerGid: buyer.gid } });
      return member?.syncedAt && member;
    });
    expect(written).toMatchObject({ syncedPoints: 100, needsSync: false });
    await waitFor(
      "the task done",
      async () => (await testDb().loyaltyTask.count({ where: { shopDomain: shop, kind: "metafields" } })) === 0,
    );

    // A write that failed on every attempt is kept for the Sync page, under its own queue.
    const gaveUp = customer().gid;
    await testDb().loyaltyTask.create({
      data: {
        shopDomain: shop,
        kind: "metafields",
        key: gaveUp,
        createdAt: new Date(),
        attempts: 12,
        lastError: "Shopify refused the metafields",
      },
    });
    const body = await (await call(shop, "/app/sync.data")).text();
    expect(body).toContain("member-metafields");
    expect(body).toContain("Shopify refused the metafields");
  });

  it("grants the birthday bonus on the member's birthday in the shop's timezone, once a year, however often they are reviewed", async () => {
    const shop = await programShop("birthday", { rules: [PURCHASE_RULE, { id: "birthday", kind: "birthday", points: 50 }] });
    const buyer = customer();
    // The test shop's timezone is UTC.
    const today = new Date().toISOString().slice(5, 10);
    const year = new Date().getUTCFullYear();
    expect((await call(shop, `/app/api/loyalty/members/${buyer.id}/birthday`, { birthday: today })).status).toBe(200);
    const celebrated = await balanceOf(shop, buyer.id, { available: 50, pending: 0 });
    expect(celebrated.ledger).toEqual([
      expect.objectContaining({ points: 50, reason: "birthday", sourceKey: `rule:birthday:${buyer.gid}:${year}` }),
    ]);
    const reviewedRow = await reviewNow(shop, buyer.gid);
    // Next review: the next birthday's midnight at the latest.
    expect(reviewedRow.reviewAt!.getTime()).toBeLessThanOrEqual(
      Date.UTC(year + 1, Number(today.slice(0, 2)) - 1, Number(today.slice(3)) + 1),
    );
    const granted = await (
      await call(shop, `/app/api/loyalty/members/${buyer.id}/bonus`, { kind: "birthday", occurrence: year })
    ).json();
    expect(granted).toMatchObject({ granted: false });
    expect((await member(shop, buyer.id))!.ledger).toHaveLength(1);
  });

  it("grants a birthday bonus once a year and a custom action's once per action; exports and erases the birthday", async () => {
    const shop = await programShop("bonus", {
      rules: [
        PURCHASE_RULE,
        { id: "birthday", kind: "birthday", points: 50 },
        { id: "review", kind: "custom", points: 10, name: "Product review" },
      ],
    });
    const buyer = customer();
    const year = new Date().getUTCFullYear();
    // Not today: on the birthday itself the review grants the bonus before the API is asked.
    const day = new Date().toISOString().slice(5, 10) === "07-14" ? "07-15" : "07-14";
    const birthday = (body: unknown) => call(shop, `/app/api/loyalty/members/${buyer.id}/birthday`, body);
    const bonus = (body: unknown) => call(shop, `/app/api/loyalty/members/${buyer.id}/bonus`, body);

    for (const wrong of ["02-30", "13-01", "7-14"]) {
      const refused = await birthday({ birthday: wrong });
      expect(refused.status).toBe(400);
      expect((await refused.json()).errors[0].field).toBe("birthday");
    }
    expect(await testDb().loyaltyMember.count({ where: { shopDomain: shop } })).toBe(0);
    expect((await birthday({ birthday: day })).status).toBe(200);

    const first = await bonus({ kind: "birthday", occurrence: year });
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({
      granted: true,
      entry: { points: 50, sourceKey: `rule:birthday:${buyer.gid}:${year}` },
    });
    const repeat = await bonus({ kind: "birthday", occurrence: String(year) });
    expect(await repeat.json()).toMatchObject({ granted: false, entry: { points: 50 } });
    const early = await bonus({ kind: "birthday", occurrence: year + 2 });
    expect([early.status, await early.json()]).toEqual([
      409,
      { code: "birthdayNotYet", error: `the birthday of ${year + 2} has not come yet` },
    ]);
    expect((await bonus({ kind: "birthday", occurrence: "last year" })).status).toBe(400);

    const review = { kind: "custom", ruleId: "review", occurrence: "review-1" };
    expect(await (await bonus(review)).json()).toMatchObject({ granted: true, entry: { points: 10, reason: "Product review" } });
    expect(await (await bonus(review)).json()).toMatchObject({ granted: false });
    expect(await (await bonus({ ...review, occurrence: "review-2" })).json()).toMatchObject({ granted: true });
    expect((await bonus({ kind: "custom", occurrence: "review-3" })).status).toBe(400);
    const unknownRule = await bonus({ ...review, ruleId: "referral" });
    expect([unknownRule.status, (await unknownRule.json()).code]).toEqual([404, "noRule"]);
    const credited = await balanceOf(shop, buyer.id, { available: 70, pending: 0 });
    expect(credited).toMatchObject({ birthday: day });
    expect(credited.ledger).toHaveLength(3);
    const redeemed = await (await redeem(shop, buyer.gid, "export")).json();

    const dataRequest = {
      ...fixtureFor("customers/data_request", shop),
      customer: { id: buyer.id, email: null, phone: null },
      data_request: { id: 4242 },
    };
    expect((await sendWebhook(app(), { topic: "customers/data_request", shop, body: dataRequest })).status).toBe(200);
    const stored = await testDb().customerDataExport.findFirstOrThrow({ where: { shopDomain: shop, requestId: "4242" } });
    const { loyalty } = JSON.parse(stored.document);
    expect(loyalty).toMatchObject({ heldOut: false, birthday: day, tier: null, balance: { available: 10, pending: 0 } });
    expect(loyalty.ledger.map((entry: { points: number }) => entry.points)).toEqual([50, 10, 10, -60]);
    expect(loyalty.redemptions).toEqual([
      expect.objectContaining({ reward: REWARD.id, status: "issued", code: redeemed.code, points: 60 }),
    ]);

    const redact = {
      ...fixtureFor("customers/redact", shop),
      customer: { id: buyer.id, email: null, phone: null },
      orders_to_redact: [],
    };
    expect((await sendWebhook(app(), { topic: "customers/redact", shop, body: redact })).status).toBe(200);
    expect(await testDb().loyaltyMember.findMany({ where: { shopDomain: shop }, select: { birthday: true } })).toEqual([
      { birthday: null },
    ]);
  });

  it("deletes the tier metafield when a member loses their tier", async () => {
    const shop = await programShop("tierloss", {
      tiers: [{ id: "silver", name: "Silver", threshold: "50", multiplierBasisPoints: 10000 }],
    });
    const buyer = customer();
    await sendWebhook(app(), { topic: "orders/create", shop, body: order(buyer.id, daysAgo(20), "100.00") });
    await waitFor(
      "the tier to be written",
      async () => (await testDb().loyaltyMember.findFirst({ where: { shopDomain: shop, syncedTier: "Silver" } })) !== null,
    );

    // The merchant drops the tier: the member is placed afresh, in no tier.
    expect((await call(shop, "/app/api/loyalty/program", { tiers: [], confirmed: ["tier:silver"] })).status).toBe(200);
    const written = await waitFor("the tier metafield to be deleted", async () => {
      const member = await testDb().loyaltyMember.findFirst({ where: { shopDomain: shop, customerGid: buyer.gid } });
      return member?.syncedTier === null && !member.needsSync && member;
    });
    expect(written).toMatchObject({ tierId: null, syncedPoints: 100 });
    expect(await sentGraphql(shop, "metafieldsDelete")).toEqual([
      { query: METAFIELDS_DELETE, variables: { metafields: [{ ownerId: buyer.gid, namespace: "$app", key: "tier" }] } },
    ]);
    expect((await memberMetafieldWrites(shop)).at(-1)!.variables.metafields).toEqual([
      { ownerId: buyer.gid, namespace: "$app", key: "points", type: "number_integer", value: "100" },
    ]);
  });

  it("expires the whole available balance after months without activity, once", async () => {
    const shop = await programShop("inactive", { settings: { pendingDays: 14, expiry: { mode: "inactivity", months: 6 } } });
    const buyer = customer();
    const placed = order(buyer.id, daysAgo(20), "100.00");
    await sendWebhook(app(), { topic: "orders/create", shop, body: placed });
    await balanceOf(shop, buyer.id, { available: 100, pending: 0 });
    // A manual credit is not activity, but it is part of the balance that expires.
    const credit = { customerGid: buyer.gid, points: 20, reason: "Goodwill", requestId: "goodwill" };
    expect((await call(shop, "/app/api/loyalty/adjust", credit)).status).toBe(200);
    await balanceOf(shop, buyer.id, { available: 120, pending: 0 });
    await reviewed(shop, buyer.gid);

    // The purchase, the member's last activity, moves 8 months back.
    const boughtAt = new Date(Date.now() - 240 * DAY_MS);
    await testDb().ledgerEntry.updateMany({
      where: { shopDomain: shop, orderGid: placed.admin_graphql_api_id },
      data: { createdAt: boughtAt, availableAt: new Date(boughtAt.getTime() + 14 * DAY_MS) },
    });
    const expired = await reviewNow(shop, buyer.gid);
    expect(expired).toMatchObject({ lastActivityAt: boughtAt, reviewAt: null });
    const { ledger } = await balanceOf(shop, buyer.id, { available: 0, pending: 0 });
    expect(ledger.filter((entry) => entry.type === "expire")).toEqual([
      expect.objectContaining({
        source: "expiry",
        points: -120,
        sourceKey: `expiry:${buyer.gid}:inactive:${boughtAt.toISOString()}`,
      }),
    ]);

    // Another pass finds nothing left to expire.
    await reviewNow(shop, buyer.gid);
    expect(await testDb().ledgerEntry.count({ where: { shopDomain: shop, type: "expire" } })).toBe(1);
  });

  it("expires what is left of a batch past its date after FIFO spending, and only that batch", async () => {
    const shop = await programShop("batch", { settings: { pendingDays: 14, expiry: { mode: "batch", months: 6 } } });
    const buyer = customer();
    const older = order(buyer.id, daysAgo(21), "100.00");
    const newer = order(buyer.id, daysAgo(20), "80.00");
    for (const body of [older, newer])
      expect((await sendWebhook(app(), { topic: "orders/create", shop, body })).status).toBe(200);
    await balanceOf(shop, buyer.id, { available: 180, pending: 0 });
    expect((await redeem(shop, buyer.gid, "batch")).status).toBe(200);
    await balanceOf(shop, buyer.id, { available: 120, pending: 0 });
    await reviewed(shop, buyer.gid);

    // The older batch moves back so that it expired an hour ago; the 60-point redemption two days
    // ago, with both batches available, took from it (it expires first): 40 of its 100 are left.
    const db = testDb();
    const expiresAt = new Date(Date.now() - 3_600_000);
    const availableAt = addMonths(expiresAt, -6);
    await db.ledgerEntry.updateMany({
      where: { shopDomain: shop, orderGid: older.admin_graphql_api_id },
      data: { createdAt: new Date(availableAt.getTime() - 14 * DAY_MS), availableAt, expiresAt },
    });
    const redeemedAt = new Date(Date.now() - 2 * DAY_MS);
    await db.ledgerEntry.updateMany({
      where: { shopDomain: shop, type: "redeem" },
      data: { createdAt: redeemedAt, availableAt: redeemedAt },
    });
    await reviewNow(shop, buyer.gid);
    const { ledger } = await balanceOf(shop, buyer.id, { available: 80, pending: 0 });
    expect(ledger.filter((entry) => entry.type === "expire")).toEqual([
      expect.objectContaining({ source: "expiry", points: -40, expiresAt: expiresAt.toISOString() }),
    ]);

    await reviewNow(shop, buyer.gid);
    expect(await db.ledgerEntry.count({ where: { shopDomain: shop, type: "expire" } })).toBe(1);
  });

  it("promotes at the threshold and demotes only once the retention months are over, recording each change with its date", async () => {
    const shop = await programShop("demote", {
      settings: { pendingDays: 14, tierRetentionMonths: 3, tierBasis: { metric: "points", window: "rolling_12_months" } },
      tiers: [{ id: "silver", name: "Silver", threshold: "50", multiplierBasisPoints: 10000 }],
    });
    const buyer = customer();
    const placed = order(buyer.id, daysAgo(20), "100.00");
    await sendWebhook(app(), { topic: "orders/create", shop, body: placed });
    const promoted = await waitFor("the promotion", async () => {
      const current = await member(shop, buyer.id);
      return current?.tier?.id === "silver" && current;
    });
    expect(promoted.tierChanges).toEqual([{ kind: "promotion", from: null, to: "silver", at: promoted.tier.since }]);
    await reviewed(shop, buyer.gid);

    // The points were earned 13 months ago, out of the rolling year: the value drops to 0, but the
    // tier was entered just now, so it is kept until the retention ends.
    const db = testDb();
    const earnedAt = new Date(Date.now() - 400 * DAY_MS);
    await db.ledgerEntry.updateMany({
      where: { shopDomain: shop, orderGid: placed.admin_graphql_api_id },
      data: { createdAt: earnedAt, availableAt: earnedAt },
    });
    const kept = await reviewNow(shop, buyer.gid);
    expect(kept.tierId).toBe("silver");
    expect(kept.reviewAt).toEqual(addMonths(kept.tierSince!, 3));

    // The member was promoted four months ago: the retention is over.
    const promotedAt = addMonths(new Date(), -4);
    await db.loyaltyMember.update({ where: { id: kept.id }, data: { tierSince: promotedAt } });
    await db.tierChange.updateMany({ where: { shopDomain: shop }, data: { at: promotedAt } });
    const reviewStarted = new Date();
    await reviewNow(shop, buyer.gid);
    const demoted = (await member(shop, buyer.id))!;
    expect(demoted.tier).toBeNull();
    expect(demoted.tierChanges).toEqual([
      { kind: "promotion", from: null, to: "silver", at: promotedAt.toISOString() },
      { kind: "demotion", from: "silver", to: null, at: expect.any(String) },
    ]);
    expect(new Date(demoted.tierChanges[1].at).getTime()).toBeGreaterThanOrEqual(reviewStarted.getTime());
  });

  it("grants the signup and newsletter bonuses once each, whatever the repeats and consent changes", async () => {
    const shop = await programShop("consent", {
      rules: [PURCHASE_RULE, { id: "welcome", kind: "signup", points: 25 }, { id: "news", kind: "newsletter", points: 15 }],
    });
    const buyer = customer();
    const signup = { ...fixture("customers/create"), id: buyer.id, admin_graphql_api_id: buyer.gid };
    const created = { topic: "customers/create", shop, body: signup, webhookId: `create-${buyer.id}` };
    expect((await sendWebhook(app(), created)).status).toBe(200);
    await balanceOf(shop, buyer.id, { available: 25, pending: 0 });
    // The same delivery again, and the same customer under another webhook id.
    expect((await sendWebhook(app(), created)).status).toBe(200);
    expect((await sendWebhook(app(), { topic: "customers/create", shop, body: signup })).status).toBe(200);
    await tasksDone(shop);

    let minutes = 0;
    const consent = (state: string) => ({
      topic: "customers_email_marketing_consent/update",
      shop,
      body: {
        customer_id: buyer.id,
        email_address: "buyer@example.com",
        email_marketing_consent: {
          state,
          opt_in_level: "single_opt_in",
          consent_updated_at: new Date(Date.now() + ++minutes * 60_000).toISOString(),
        },
      },
    });
    const subscribed = { ...consent("subscribed"), webhookId: `consent-${buyer.id}` };
    expect((await sendWebhook(app(), subscribed)).status).toBe(200);
    await balanceOf(shop, buyer.id, { available: 40, pending: 0 });
    for (const delivery of [subscribed, consent("unsubscribed"), consent("subscribed")]) {
      expect((await sendWebhook(app(), delivery)).status).toBe(200);
      await tasksDone(shop);
    }
    const { ledger } = await balanceOf(shop, buyer.id, { available: 40, pending: 0 });
    expect(ledger.map((entry) => entry.sourceKey).sort()).toEqual([`rule:newsletter:${buyer.gid}`, `rule:signup:${buyer.gid}`]);
    expect(
      await testDb().customer.findFirst({ where: { shopDomain: shop, gid: buyer.gid }, select: { marketingConsent: true } }),
    ).toEqual({
      marketingConsent: "subscribed",
    });
  });

  it("tags the member with their tier when the program says so, removing the previous tier's tag", async () => {
    const tiers = [
      { id: "silver", name: "Silver", threshold: "50", multiplierBasisPoints: 10000 },
      { id: "gold", name: "Gold", threshold: "150", multiplierBasisPoints: 10000 },
    ];
    const syncedTier = (shop: string, tier: string) =>
      waitFor(
        `the ${tier} tier to be written`,
        async () => (await testDb().loyaltyMember.findFirst({ where: { shopDomain: shop, syncedTier: tier } })) !== null,
      );
    const shop = await programShop("tiertag", { settings: { pendingDays: 14, tierTag: true }, tiers });
    const refused = await call(shop, "/app/api/loyalty/program", { settings: { tierTag: "yes" } });
    expect(refused.status).toBe(400);
    expect((await refused.json()).errors).toEqual([expect.objectContaining({ field: "settings.tierTag" })]);
    expect((await (await call(shop, "/app/api/loyalty/program")).json()).settings.tierTag).toBe(true);

    const buyer = customer();
    await sendWebhook(app(), { topic: "orders/create", shop, body: order(buyer.id, daysAgo(20), "100.00") });
    await syncedTier(shop, "Silver");
    await sendWebhook(app(), { topic: "orders/create", shop, body: order(buyer.id, daysAgo(19), "80.00") });
    await syncedTier(shop, "Gold");
    expect(await sentGraphql(shop, "tagsAdd")).toEqual([
      { query: TAGS_ADD, variables: { id: buyer.gid, tags: ["comeback-tier:Silver"] } },
      { query: TAGS_ADD, variables: { id: buyer.gid, tags: ["comeback-tier:Gold"] } },
    ]);
    expect(await sentGraphql(shop, "tagsRemove")).toEqual([
      { query: TAGS_REMOVE, variables: { id: buyer.gid, tags: ["comeback-tier:Silver"] } },
    ]);

    // Off (the default): the tier is written, nothing is tagged; switched on, the member is tagged.
    const plain = await programShop("notag", { tiers });
    const other = customer();
    await sendWebhook(app(), { topic: "orders/create", shop: plain, body: order(other.id, daysAgo(20), "100.00") });
    await syncedTier(plain, "Silver");
    expect([...(await sentGraphql(plain, "tagsAdd")), ...(await sentGraphql(plain, "tagsRemove"))]).toEqual([]);
    expect((await call(plain, "/app/api/loyalty/program", { settings: { tierTag: true } })).status).toBe(200);
    const tagged = await waitFor("the tag", async () => {
      const sent = await sentGraphql(plain, "tagsAdd");
      return sent.length > 0 && sent;
    });
    expect(tagged).toEqual([{ query: TAGS_ADD, variables: { id: other.gid, tags: ["comeback-tier:Silver"] } }]);
  });

  it("follows one order through webhooks: pending, available, redeemed, refunded and reversed", async () => {
    // Due in 20 days, and processed 20 days ago less a few seconds: pending now, available shortly.
    const shop = await programShop("chain", { settings: { pendingDays: 20 } });
    const buyer = customer();
    const placed = order(buyer.id, new Date(Date.now() - 20 * DAY_MS + 6_000).toISOString(), "100.00");
    expect((await sendWebhook(app(), { topic: "orders/create", shop, body: placed })).status).toBe(200);
    const steps = (ledger: { type: string; source: string; points: number }[]) =>
      [...ledger].reverse().map(({ type, source, points }) => `${type} ${source} ${points}`);

    const pending = await balanceOf(shop, buyer.id, { available: 0, pending: 100 });
    expect(steps(pending.ledger)).toEqual(["earn order 100"]);
    await balanceOf(shop, buyer.id, { available: 100, pending: 0 });

    const redeemed = await redeem(shop, buyer.gid, "chain");
    expect(redeemed.status).toBe(200);
    expect(steps((await balanceOf(shop, buyer.id, { available: 40, pending: 0 })).ledger)).toEqual([
      "earn order 100",
      "redeem reward -60",
    ]);

    // 30.00 of the 100.00 refunded: Shopify sends the refund and the order with its lower subtotal.
    const { refund, updated } = refundOf(placed, "70.00");
    expect((await sendWebhook(app(), { topic: "refunds/create", shop, body: refund })).status).toBe(200);
    expect((await sendWebhook(app(), { topic: "orders/updated", shop, body: updated })).status).toBe(200);
    const reversed = await balanceOf(shop, buyer.id, { available: 10, pending: 0 });
    expect(steps(reversed.ledger)).toEqual(["earn order 100", "redeem reward -60", "deduct refund -30"]);
    expect(reversed.ledger[0]).toMatchObject({ orderGid: placed.admin_graphql_api_id, rate: { points: 1, perAmount: "100" } });
  });
});
