// Win-back campaigns end to end, on SQLite and on PostgreSQL: customers and orders arrive as signed
// webhooks, the merchant previews an audience and starts a campaign through the admin API, the
// app's worker enters the audience and issues the offers (a discount code through the Admin API
// double, bonus points through the ledger), an order using the code converts its member, and the
// control group gets nothing anywhere. This process also runs the campaign's job as a second
// instance of the app (a restart): nobody moves.
import "../support/second-instance";
import { describe, expect, inject, it } from "vitest";
import { rewardCodeMutation } from "../../app/loyalty/codes";
import { assignArm, CONTROL } from "../../app/campaigns/assignment";
import { runCampaign } from "../../app/campaigns/campaigns.server";
import { codeRewardOf } from "../../app/campaigns/offers";
import { FLOW_TRIGGER_RECEIVE } from "../../app/delivery/flow.server";
import { FLOW_TRIGGERS } from "../../app/delivery/flow-triggers";
import { doubleStoreCredit, sentGraphql, switchDouble } from "../support/admin-double";
import { testDb } from "../support/db";
import { proxyFetch } from "../support/app-proxy";
import { BROWSER_HEADERS, customerAccountToken, embeddedAppUrl, sessionToken } from "../support/session-token";
import { waitFor } from "../support/wait";
import { fixtureFor, orderPayload, sendWebhook, sign, uniqueShop } from "../support/webhooks";

const app = () => inject("appUrl");
const double = () => inject("adminDoubleUrl");
const DAY_MS = 86_400_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS).toISOString();

const CODE_OFFER = { kind: "fixed_amount", value: "1000", validDays: 14 } as const;
const POINTS_OFFER = { kind: "points", points: 100, validDays: 60 } as const;

function call(shop: string, path: string, body?: unknown) {
  return fetch(`${app()}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { ...BROWSER_HEADERS, "Content-Type": "application/json", Authorization: `Bearer ${sessionToken(shop)}` },
    body: body === undefined ? undefined : JSON.stringify(body),
    redirect: "manual",
  });
}

/** A USD shop in UTC with the loyalty program running (points offers go through its ledger). */
async function campaignShop(prefix: string) {
  const shop = uniqueShop(prefix);
  const configured = await fetch(`${double()}/_test/shops/${shop}`, {
    method: "PUT",
    body: JSON.stringify({ name: "Campaign Test", currencyCode: "USD", ianaTimezone: "UTC", jsonl: "" }),
  });
  expect(configured.ok).toBe(true);
  const installed = await fetch(embeddedAppUrl(app(), shop, sessionToken(shop)), {
    redirect: "manual",
    headers: BROWSER_HEADERS,
  });
  expect(installed.status).toBe(200);
  const program = await call(shop, "/app/api/loyalty/program", {
    enabled: true,
    settings: { pendingDays: 0, holdoutPercent: 0 },
    rules: [{ id: "purchase", kind: "purchase", points: 1, perAmount: "100", effectiveFrom: daysAgo(400) }],
    rewards: [{ id: "ten-off", name: "$10 off", kind: "fixed_amount", pointsCost: 100, validDays: 30, value: "1000" }],
  });
  expect(program.status, await program.clone().text()).toBe(200);
  // The merchant has a Flow workflow that starts with "customer entered a campaign" (Flow's signed lifecycle callback).
  const lifecycle = JSON.stringify({
    flow_trigger_definition_id: FLOW_TRIGGERS.campaignEntered.handle,
    has_enabled_flow: true,
    shop_id: "690933842",
    shopify_domain: shop,
    timestamp: new Date().toISOString(),
  });
  const enabled = await fetch(`${app()}/flow/lifecycle`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Shopify-Hmac-Sha256": sign(lifecycle) },
    body: lifecycle,
  });
  expect(enabled.status).toBe(200);
  return shop;
}

let sequence = 0;
const customerId = () => String(6_000_000_000_000_000_000n + BigInt(Date.now() % 1_000_000) * 1000n + BigInt(++sequence));

async function placeOrder(shop: string, id: string, processedAt: string, amount: string, changes: Record<string, unknown> = {}) {
  const response = await sendWebhook(app(), {
    topic: "orders/create",
    shop,
    body: orderPayload(id, processedAt, amount, changes),
  });
  expect(response.status, response.text).toBe(200);
}

describe("win-back campaigns", () => {
  it("enters the audience, keeps every customer in their arm across a restart, issues offers, counts a redeemed code, and leaves control untouched", async () => {
    const db = testDb();
    const shop = await campaignShop("campaign");
    // 40 customers who bought once, 200 days ago; 5 who never bought are outside the audience.
    const buyers = Array.from({ length: 40 }, customerId);
    for (const id of buyers) await placeOrder(shop, id, daysAgo(200), "50.00");
    await waitFor("the orders stored", async () => (await db.order.count({ where: { shopDomain: shop } })) === buyers.length);

    const audience = { orders: { min: 1 } };
    const preview = await call(shop, "/app/api/campaigns/preview", { audience });
    expect(preview.status).toBe(200);
    expect(await preview.json()).toEqual({ count: 40 });
    const refused = await call(shop, "/app/api/campaigns/preview", { audience: { orders: { min: -1 } } });
    expect(refused.status).toBe(400);

    const created = await call(shop, "/app/api/campaigns", {
      name: "Come back",
      audience,
      entryMode: "once",
      shopifySegment: true,
      arms: [
        { name: "$10 off", offer: CODE_OFFER },
        { name: "100 points", offer: POINTS_OFFER },
      ],
    });
    expect(created.status, await created.clone().text()).toBe(200);
    const { id } = (await created.json()) as { id: string };
    expect(await db.campaignMember.count({ where: { campaignId: id } })).toBe(0);
    expect((await call(shop, `/app/api/campaigns/${id}`, { action: "start" })).status).toBe(200);

    // The worker enters the audience and issues every offer.
    const members = await waitFor("the audience entered and offered", async () => {
      const rows = await db.campaignMember.findMany({ where: { campaignId: id }, orderBy: { id: "asc" } });
      return rows.length === 40 && rows.every((row) => row.offerStatus === "issued" || row.offerStatus === "none") && rows;
    });
    const { salt } = await db.campaign.findUniqueOrThrow({ where: { id } });
    for (const member of members) expect(member.armId).toBe(assignArm(member.customerGid, salt, 20, ["a", "b"]));
    const control = members.filter((m) => m.armId === CONTROL);
    const codeArm = members.filter((m) => m.armId === "a");
    const pointsArm = members.filter((m) => m.armId === "b");
    expect(control.length).toBeGreaterThan(0);
    expect(codeArm.length).toBeGreaterThan(0);
    expect(pointsArm.length).toBeGreaterThan(0);
    expect(control.every((m) => m.offerStatus === "none" && m.code === null)).toBe(true);
    // In one campaign at a time: every member holds the shop's active slot.
    expect(members.every((m) => m.activeCustomerGid === m.customerGid)).toBe(true);

    // The campaign's Shopify segment: the customers holding its offer (their current-offer metafield).
    const segmentGid = await waitFor(
      "the segment",
      async () => (await db.campaign.findUniqueOrThrow({ where: { id } })).segmentGid,
    );
    const segmentCalls = await sentGraphql(shop, "segmentCreate");
    expect(segmentCalls).toHaveLength(1);
    expect(segmentCalls[0].variables).toEqual({
      name: `Comeback: Come back (${id.slice(0, 8)})`,
      query: `metafields.comeback.current_offer = '${id}'`,
    });
    expect(segmentGid).toMatch(/^gid:\/\/shopify\/Segment\//);

    // A restart: this process, another instance on the same database, runs the entry again, also
    // for a member whose row was lost: nobody is entered twice or moved.
    const lost = codeArm[0];
    await db.campaignMember.delete({ where: { id: lost.id } });
    await db.campaign.update({ where: { id }, data: { entryDueAt: new Date() } });
    await runCampaign(id);
    const after = await db.campaignMember.findMany({ where: { campaignId: id } });
    expect(after).toHaveLength(40);
    const armOf = new Map(after.map((m) => [m.customerGid, m.armId]));
    for (const member of members) expect(armOf.get(member.customerGid)).toBe(member.armId);
    await waitFor("the re-entered member's code", async () => {
      const row = await db.campaignMember.findUnique({
        where: { campaignId_customerGid: { campaignId: id, customerGid: lost.customerGid } },
      });
      return row?.offerStatus === "issued";
    });

    // Codes: exactly the loyalty code mutation, for the member, once each (the re-entered member's new code too).
    const sentCodes = await sentGraphql(shop, "discountCodeBasicCreate");
    const issued = await db.campaignMember.findMany({ where: { campaignId: id, armId: "a" } });
    expect(sentCodes.filter((body) => body.variables.basicCodeDiscount.title.startsWith("Campaign:"))).toHaveLength(
      issued.length + 1,
    );
    const { reward, member } = { reward: codeRewardOf(CODE_OFFER as never, "$10 off"), member: issued[1] ?? issued[0] };
    const expected = rewardCodeMutation({
      reward,
      code: member.code!,
      customerGid: member.customerGid,
      currency: "USD",
      now: member.enteredAt,
      title: `Campaign: Come back (${member.code})`,
    });
    expect(sentCodes.find((body) => body.variables.basicCodeDiscount.code === member.code)).toEqual({
      query: expected.query,
      variables: expected.variables,
    });
    // Points: 100 through the ledger, once, for the points arm only.
    const campaignEntries = await db.ledgerEntry.findMany({ where: { shopDomain: shop, source: "campaign" } });
    expect(campaignEntries.map((e) => e.memberGid).sort()).toEqual(pointsArm.map((m) => m.customerGid).sort());
    expect(campaignEntries.every((e) => e.points === 100 && e.expiresAt !== null)).toBe(true);

    // Control untouched: no code, no credit, no points, nothing sent to Shopify naming them.
    const controlGids = new Set(control.map((m) => m.customerGid));
    // (Their own purchase points' metafields are the program's, not the campaign's.)
    const offerCalls = [
      ...(await sentGraphql(shop, "discountCode")),
      ...(await sentGraphql(shop, "storeCredit")),
      ...(await sentGraphql(shop, "codeDiscountNodeByCode")),
    ];
    expect(offerCalls.length).toBeGreaterThan(0);
    for (const body of offerCalls) for (const gid of controlGids) expect(JSON.stringify(body)).not.toContain(gid);
    expect(campaignEntries.some((e) => controlGids.has(e.memberGid))).toBe(false);

    // Delivery where merchants act: each offered customer's current offer (for their metafields)
    // and one "customer entered a campaign" Flow trigger, with the code; nothing for control.
    const offered = members.filter((m) => m.armId !== CONTROL);
    const signals = await db.customerSignal.findMany({ where: { shopDomain: shop, offer: { not: null } } });
    expect(signals.map((row) => row.customerGid).sort()).toEqual(offered.map((m) => m.customerGid).sort());
    for (const row of signals) expect(JSON.parse(row.offer!)).toMatchObject({ campaignKey: id });
    const events = await waitFor("the Flow triggers sent", async () => {
      const rows = await db.flowTriggerEvent.findMany({ where: { shopDomain: shop } });
      return rows.length === offered.length && rows.every((row) => row.status === "sent") && rows;
    });
    expect(events.map((row) => row.customerGid).sort()).toEqual(offered.map((m) => m.customerGid).sort());
    const receives = await sentGraphql(shop, "flowTriggerReceive");
    // One event per offered customer; the flow queue may send an event twice when its lease (2 s in
    // these tests) runs out mid-batch on a loaded machine, so sends are counted by their codes.
    expect(receives.length).toBeGreaterThanOrEqual(offered.length);
    const sentCodesInFlow = new Set(receives.map((body) => body.variables.payload["Discount code"]).filter(Boolean));
    expect(sentCodesInFlow).toEqual(new Set(events.map((row) => JSON.parse(row.payload)["Discount code"]).filter(Boolean)));
    const codeMember = members.find((m) => m.armId === "a" && m.customerGid !== lost.customerGid)!;
    expect(receives).toContainEqual({
      query: FLOW_TRIGGER_RECEIVE,
      variables: {
        handle: FLOW_TRIGGERS.campaignEntered.handle,
        payload: {
          customer_id: expect.any(Number),
          "Campaign name": "Come back",
          Arm: "$10 off",
          "Offer kind": "fixed_amount",
          "Discount code": codeMember.code,
          "Offer expires at": codeMember.offerExpiresAt!.toISOString(),
        },
      },
    });
    for (const body of receives)
      expect(body.variables.payload["Discount code"] === "" || body.variables.payload["Offer kind"] === "fixed_amount").toBe(
        true,
      );

    // The shopper surfaces: the storefront panel (App Proxy) and the customer account page show
    // an arm member's offer; a control member's answers carry none.
    const numeric = (gid: string) => gid.slice(gid.lastIndexOf("/") + 1);
    const surfaces = async (gid: string) => {
      const proxied = await proxyFetch(app(), "panel", { shop, customerId: numeric(gid) });
      const account = await fetch(`${app()}/account/api/panel`, {
        headers: {
          ...BROWSER_HEADERS,
          Origin: "https://extensions.shopifycdn.com",
          Authorization: `Bearer ${customerAccountToken(shop, { customerGid: gid })}`,
        },
      });
      expect(proxied.status).toBe(200);
      expect(account.status).toBe(200);
      return [((await proxied.json()) as any).offer, ((await account.json()) as any).offer];
    };
    const shown = issued[0];
    for (const offer of await surfaces(shown.customerGid))
      expect(offer).toEqual({
        name: "$10 off",
        kind: "fixed_amount",
        code: shown.code,
        points: null,
        percent: null,
        value: "1000",
        expiresAt: shown.offerExpiresAt!.toISOString(),
      });
    for (const offer of await surfaces(pointsArm[0].customerGid))
      expect(offer).toMatchObject({ kind: "points", points: 100, code: null });
    for (const member of control) expect(await surfaces(member.customerGid)).toEqual([null, null]);

    // Conversions: a code member buys with the code, a control member buys, another code member's order is cancelled.
    const buyer = issued.find((m) => m.customerGid !== lost.customerGid)!;
    await placeOrder(shop, numeric(buyer.customerGid), new Date().toISOString(), "80.00", {
      discount_codes: [{ code: buyer.code, amount: "10.00", type: "fixed_amount" }],
    });
    await placeOrder(shop, numeric(control[0].customerGid), new Date().toISOString(), "30.00");
    const cancelledBuyer = issued.find((m) => m.customerGid !== buyer.customerGid && m.customerGid !== lost.customerGid);
    if (cancelledBuyer)
      await placeOrder(shop, numeric(cancelledBuyer.customerGid), new Date().toISOString(), "99.00", {
        cancelled_at: new Date().toISOString(),
      });
    await waitFor(
      "the new orders stored",
      async () => (await db.order.count({ where: { shopDomain: shop } })) === 40 + (cancelledBuyer ? 3 : 2),
    );
    await runCampaign(id);

    const converted = await db.campaignMember.findUniqueOrThrow({ where: { id: buyer.id } });
    expect(converted).toMatchObject({ netRevenue: 8000n, offerRedeemed: true, offerCost: 1000n });
    expect(converted.convertedOrderGid).toMatch(/^gid:\/\/shopify\/Order\//);
    // A used code is no longer offered.
    expect(await surfaces(buyer.customerGid)).toEqual([null, null]);
    if (cancelledBuyer) {
      expect(await db.campaignMember.findUniqueOrThrow({ where: { id: cancelledBuyer.id } })).toMatchObject({
        convertedOrderGid: null,
        netRevenue: 0n,
      });
    }

    const view = (await (await call(shop, `/app/api/campaigns/${id}`)).json()) as any;
    const byArm = Object.fromEntries(view.results.map((r: any) => [r.armId, r]));
    expect(byArm.control).toMatchObject({ reached: control.length, converted: 1, offersIssued: 0, offersRedeemed: 0, cost: "0" });
    expect(byArm.control.revenue).toEqual({ count: control.length, sum: "3000", sumOfSquares: "9000000" });
    expect(byArm.a).toMatchObject({ reached: issued.length, converted: 1, offersRedeemed: 1, cost: "1000" });
    expect(byArm.b).toMatchObject({ reached: pointsArm.length, converted: 0, offersIssued: pointsArm.length });

    // A second campaign cannot take customers who are in this one.
    const second = await call(shop, "/app/api/campaigns", {
      name: "Also everyone",
      audience,
      entryMode: "once",
      arms: [{ name: "Hello", offer: { kind: "message" } }],
    });
    const secondId = ((await second.json()) as { id: string }).id;
    expect((await call(shop, `/app/api/campaigns/${secondId}`, { action: "start" })).status).toBe(200);
    await waitFor("the second campaign's entry", async () => {
      const campaign = await db.campaign.findUniqueOrThrow({ where: { id: secondId } });
      return campaign.enteredDay !== null;
    });
    expect(await db.campaignMember.count({ where: { campaignId: secondId } })).toBe(0);

    // Finishing frees the members; a finished campaign cannot start again.
    expect((await call(shop, `/app/api/campaigns/${id}`, { action: "finish" })).status).toBe(200);
    await waitFor(
      "the members released",
      async () => (await db.campaignMember.count({ where: { campaignId: id, activeCustomerGid: { not: null } } })) === 0,
    );
    // Their current offers are cleared with them.
    expect(await db.customerSignal.count({ where: { shopDomain: shop, offer: { not: null } } })).toBe(0);
    expect((await call(shop, `/app/api/campaigns/${id}`, { action: "start" })).status).toBe(409);

    // customers/redact: the member row keeps counting, under a pseudonym.
    const redact = await sendWebhook(app(), {
      topic: "customers/redact",
      shop,
      body: {
        ...fixtureFor("customers/redact", shop),
        customer: { id: numeric(buyer.customerGid), email: null, phone: null },
        orders_to_redact: [],
      },
    });
    expect(redact.status, redact.text).toBe(200);
    const redacted = await waitFor("the member pseudonymised", async () => {
      const row = await db.campaignMember.findUniqueOrThrow({ where: { id: buyer.id } });
      return row.customerGid !== buyer.customerGid && row;
    });
    expect(redacted).toMatchObject({
      customerGid: expect.stringMatching(/^redacted:/),
      netRevenue: 8000n,
      activeCustomerGid: null,
    });
  });

  it("issues store credit and codes once when Shopify's answers are lost", async () => {
    const db = testDb();
    const shop = await campaignShop("campaign-lost");
    const buyers = Array.from({ length: 12 }, customerId);
    for (const id of buyers) await placeOrder(shop, id, daysAgo(100), "20.00");
    await waitFor("the orders stored", async () => (await db.order.count({ where: { shopDomain: shop } })) === buyers.length);
    // Every answer of Shopify to a code or a credit is lost after Shopify made it.
    await switchDouble(shop, { discountAnswerLost: true, storeCreditAnswerLost: true });
    const created = await call(shop, "/app/api/campaigns", {
      name: "Lost answers",
      audience: { orders: { min: 1 } },
      entryMode: "once",
      controlPercent: 0,
      arms: [
        { name: "5.00 credit", offer: { kind: "store_credit", value: "500", validDays: 30 } },
        { name: "Free shipping", offer: { kind: "free_shipping", validDays: 10 } },
      ],
    });
    const { id } = (await created.json()) as { id: string };
    expect((await call(shop, `/app/api/campaigns/${id}`, { action: "start" })).status).toBe(200);
    const members = await waitFor(
      "every offer issued",
      async () => {
        const rows = await db.campaignMember.findMany({ where: { campaignId: id } });
        return rows.length === buyers.length && rows.every((row) => row.offerStatus === "issued") && rows;
      },
      40_000,
    );
    const credits = members.filter((m) => m.armId === "a");
    const codes = members.filter((m) => m.armId === "b");
    expect(credits.length + codes.length).toBe(buyers.length);
    // Found by the lookup, not sent again: one credit per member, one discount per code.
    const accounts = await doubleStoreCredit(shop);
    for (const member of credits) {
      const account = accounts.find((a) => a.ownerId === member.customerGid)!;
      expect(account.transactions.filter((t) => t.kind === "credit")).toEqual([
        expect.objectContaining({ id: member.creditTransactionGid, amount: "500" }),
      ]);
      expect(member.offerCost).toBe(500n);
    }
    expect(new Set(credits.map((m) => m.creditTransactionGid)).size).toBe(credits.length);
    const discounts = (await (await fetch(`${double()}/_test/discounts?shop=${shop}`)).json()) as { code: string; id: string }[];
    for (const member of codes) {
      expect(discounts.filter((d) => d.code === member.code)).toEqual([expect.objectContaining({ id: member.discountGid })]);
    }
  });

  it("refuses a campaign with bad input and another shop's campaign", async () => {
    const shop = await campaignShop("campaign-bad");
    const bad = await call(shop, "/app/api/campaigns", {
      name: "",
      audience: { risks: ["extreme"] },
      entryMode: "sometimes",
      arms: [{ name: "x", offer: { kind: "percentage", percent: 150, validDays: 10 } }],
    });
    expect(bad.status).toBe(400);
    const { errors } = (await bad.json()) as { errors: { field: string }[] };
    expect(errors.map((e) => e.field)).toEqual(
      expect.arrayContaining(["name", "audience.risks[0]", "entryMode", "arms[0].offer.percent"]),
    );
    expect(await testDb().campaign.count({ where: { shopDomain: shop } })).toBe(0);

    const other = await campaignShop("campaign-other");
    const created = await call(other, "/app/api/campaigns", {
      name: "Theirs",
      audience: {},
      entryMode: "once",
      arms: [{ name: "Hi", offer: { kind: "message" } }],
    });
    const { id } = (await created.json()) as { id: string };
    expect((await call(shop, `/app/api/campaigns/${id}`)).status).toBe(404);
    expect((await call(shop, `/app/api/campaigns/${id}`, { action: "start" })).status).toBe(404);
  });
});
