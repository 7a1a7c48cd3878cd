// Customer feedback end to end on both databases (docs/feedback.md): an order arrives and is
// fulfilled by signed webhooks, its survey becomes due, the customer answers through the signed
// link's App Proxy page, the storefront panel's list and the customer account API; points are
// credited once per order and not taken back by a refund; tampered, expired and foreign links,
// and another customer's session, are refused and change nothing; the answers reach the admin's
// figures, and customers/redact erases them.
import { createHmac } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import { signLink } from "../../app/feedback/link";
import { adminCall, installShop, proxyFetch, proxyUrl } from "../support/app-proxy";
import { TEST_API_SECRET } from "../support/app-server";
import { testDb } from "../support/db";
import { BROWSER_HEADERS, customerAccountToken, sessionToken } from "../support/session-token";
import { waitFor } from "../support/wait";
import { fixtureFor, orderPayload, sendWebhook, sign, uniqueShop } from "../support/webhooks";
import { FLOW_TRIGGERS } from "../../app/delivery/flow-triggers";

const app = () => inject("appUrl");
const double = () => inject("adminDoubleUrl");
const DAY_MS = 86_400_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS).toISOString();
const LINK_KEY = createHmac("sha256", TEST_API_SECRET).update("comeback/survey-link/v1").digest();

let sequence = 0;
function customer() {
  const id = String(9_300_000_000_000_000_000n + BigInt(Date.now() % 1_000_000) * 1000n + BigInt(++sequence));
  return { id, gid: `gid://shopify/Customer/${id}` };
}

const SURVEYS = {
  enabled: true,
  questions: { nps: true, csat: true, ces: false },
  trigger: "fulfillment",
  delayDays: 0,
  openDays: 30,
  points: 25,
  texts: { en: { nps: "Would you recommend <b>us</b>?" } },
};

/** A shop with the loyalty program on and surveys asked at fulfilment with 25 points. */
async function feedbackShop(prefix: string, surveys: Record<string, unknown> = {}) {
  const shop = uniqueShop(prefix);
  await installShop(app(), double(), shop);
  const program = await adminCall(app(), shop, "/app/api/loyalty/program", {
    enabled: true,
    settings: { pendingDays: 0 },
    rules: [{ id: "purchase", kind: "purchase", points: 1, perAmount: "100", effectiveFrom: daysAgo(365) }],
  });
  expect(program.status, await program.clone().text()).toBe(200);
  const saved = await adminCall(app(), shop, "/app/api/feedback/settings", { ...SURVEYS, ...surveys });
  expect(saved.status, await saved.clone().text()).toBe(200);
  return shop;
}

/** An order of `buyer` placed `placedDaysAgo`, fulfilled now (orders/create, then orders/fulfilled). */
async function fulfilledOrder(shop: string, buyerId: string, placedDaysAgo = 2, amount = "40.00") {
  const body = orderPayload(buyerId, daysAgo(placedDaysAgo), amount);
  expect((await sendWebhook(app(), { topic: "orders/create", shop, body })).status).toBe(200);
  const fulfilled = {
    ...body,
    updated_at: new Date().toISOString(),
    fulfillment_status: "fulfilled",
    fulfillments: [{ id: 1, status: "success", created_at: new Date().toISOString() }],
  };
  const delivery = await sendWebhook(app(), { topic: "orders/fulfilled", shop, body: fulfilled });
  expect(delivery.status, delivery.text).toBe(200);
  return body as Record<string, unknown> & { admin_graphql_api_id: string; id: string; name: string };
}

const linkFor = (shop: string, customerGid: string, orderGid: string, expiresAt = new Date(Date.now() + 10 * DAY_MS)) =>
  signLink(LINK_KEY, { shop, customerGid, orderGid, expiresAt });

/** The survey page as the App Proxy forwards it: GET, or POST with a form. */
function surveyPage(shop: string, token: string, options: { customerId?: string | null; form?: Record<string, string> } = {}) {
  const url = proxyUrl(app(), "survey", { shop, customerId: options.customerId ?? null, query: { t: token } });
  if (!options.form) return fetch(url);
  return fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(options.form),
  });
}

/** Everything feedback stores for a shop: a refused request must leave it as it was. */
async function feedbackState(shop: string) {
  const db = testDb();
  const [answers, entries] = await Promise.all([
    db.feedbackAnswer.findMany({ where: { shopDomain: shop }, orderBy: { id: "asc" } }),
    db.ledgerEntry.findMany({ where: { shopDomain: shop, sourceKey: { startsWith: "feedback:" } }, orderBy: { id: "asc" } }),
  ]);
  return { answers, entries };
}

function accountFetch(path: string, shop: string, customerGid: string, body?: unknown) {
  return fetch(`${app()}/account/api/${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: {
      ...BROWSER_HEADERS,
      Origin: "https://extensions.shopifycdn.com",
      Authorization: `Bearer ${customerAccountToken(shop, { customerGid })}`,
      ...(body !== undefined && { "Content-Type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

describe("customer feedback", () => {
  it("asks after fulfilment, takes one answer per order by the signed link, credits points once and keeps them after a refund", async () => {
    const shop = await feedbackShop("feedback-link");
    const buyer = customer();
    const order = await fulfilledOrder(shop, buyer.id);
    const orderGid = order.admin_graphql_api_id;
    await waitFor("the fulfilment", () => testDb().orderFulfillment.findFirst({ where: { shopDomain: shop, orderGid } }));

    // The storefront panel names the open survey with its signed link, for the signed-in shopper only.
    const listed = await proxyFetch(app(), "panel", { shop, customerId: buyer.id });
    expect(listed.status, await listed.clone().text()).toBe(200);
    const { survey } = await listed.json();
    expect(survey).toEqual(expect.objectContaining({ orderGid, orderName: order.name }));
    const url = new URL(survey.url);
    expect(`${url.origin}${url.pathname}`).toBe(`https://${shop}/apps/comeback/survey`);
    const token = url.searchParams.get("t")!;
    expect((await (await proxyFetch(app(), "panel", { shop })).json()).survey).toBeNull();

    // The page, without logging in: the merchant's text escaped.
    const page = await surveyPage(shop, token);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain("Would you recommend &lt;b&gt;us&lt;/b&gt;?");
    expect(html).not.toContain("<b>us</b>");
    expect(html).toContain('name="csat"');

    // A missing score is refused with the form again, and nothing is stored.
    const incomplete = await surveyPage(shop, token, { form: { nps: "9", comment: "Fast" } });
    expect(incomplete.status).toBe(400);
    expect((await feedbackState(shop)).answers).toEqual([]);

    const answered = await surveyPage(shop, token, { form: { nps: "3", csat: "2", comment: "<script>alert(1)</script> slow" } });
    expect(answered.status).toBe(200);
    const thanks = await answered.text();
    expect(thanks).toContain("&lt;script&gt;alert(1)&lt;/script&gt; slow");
    expect(thanks).not.toContain("<script>alert");

    // Changed the same day: replaced, the points not credited again.
    const changed = await surveyPage(shop, token, {
      form: { nps: "9", csat: "5", comment: "<script>alert(1)</script> fine after all" },
    });
    expect(changed.status).toBe(200);
    const state = await feedbackState(shop);
    expect(state.answers).toEqual([
      expect.objectContaining({
        orderGid,
        customerGid: buyer.gid,
        nps: 9,
        csat: 5,
        ces: null,
        comment: "<script>alert(1)</script> fine after all",
        surface: "link",
        points: 25,
      }),
    ]);
    expect(state.entries).toEqual([expect.objectContaining({ memberGid: buyer.gid, points: 25, type: "earn", orderGid: null })]);
    expect(state.answers[0].firstAnsweredAt.getTime()).toBeLessThan(state.answers[0].answeredAt.getTime());

    // Answered: no longer offered.
    expect((await (await proxyFetch(app(), "panel", { shop, customerId: buyer.id })).json()).survey).toBeNull();

    // A refund of the whole order (Shopify lowers its current subtotal to 0) takes the purchase
    // points back, not the feedback points.
    await waitFor("the purchase points", () =>
      testDb().ledgerEntry.findFirst({ where: { shopDomain: shop, sourceKey: `order:${orderGid}:earn` } }),
    );
    const zero = {
      shop_money: { amount: "0.00", currency_code: "USD" },
      presentment_money: { amount: "0.00", currency_code: "USD" },
    };
    const refundedOrder = {
      ...order,
      updated_at: new Date().toISOString(),
      financial_status: "refunded",
      current_subtotal_price: "0.00",
      current_subtotal_price_set: zero,
    };
    expect((await sendWebhook(app(), { topic: "orders/updated", shop, body: refundedOrder })).status).toBe(200);
    await waitFor("the refund's reversal", async () =>
      testDb().ledgerEntry.findFirst({ where: { shopDomain: shop, memberGid: buyer.gid, type: { in: ["void", "deduct"] } } }),
    );
    expect((await feedbackState(shop)).entries).toEqual(state.entries);

    // A day later the answer stands.
    await testDb().feedbackAnswer.updateMany({
      where: { shopDomain: shop, orderGid },
      data: { firstAnsweredAt: new Date(Date.now() - DAY_MS - 60_000) },
    });
    const late = await surveyPage(shop, token, { form: { nps: "0", csat: "1" } });
    expect(late.status).toBe(409);
    expect((await feedbackState(shop)).answers[0]).toMatchObject({ nps: 9, csat: 5 });

    // shop/redact erases the settings, the answers and the fulfilment dates.
    expect((await sendWebhook(app(), { topic: "shop/redact", shop, body: fixtureFor("shop/redact", shop) })).status).toBe(200);
    const where = { shopDomain: shop };
    expect([
      await testDb().feedbackAnswer.count({ where }),
      await testDb().orderFulfillment.count({ where }),
      await testDb().feedbackSettings.count({ where }),
    ]).toEqual([0, 0, 0]);
  });

  it("refuses tampered, expired and foreign links and another signed-in customer, changing nothing", async () => {
    const shop = await feedbackShop("feedback-refused");
    const [buyer, other] = [customer(), customer()];
    const order = await fulfilledOrder(shop, buyer.id);
    const otherOrder = await fulfilledOrder(shop, other.id);
    const orderGid = order.admin_graphql_api_id;
    await waitFor("the fulfilments", async () => (await testDb().orderFulfillment.count({ where: { shopDomain: shop } })) === 2);
    const token = linkFor(shop, buyer.gid, orderGid);
    const [orderId, customerId, expires, signature] = token.split(".");
    const before = await feedbackState(shop);
    const form = { nps: "10", csat: "5" };

    const refused: [string, string | null, number][] = [
      // Another customer's id in the link, or the order of another customer: the signature breaks.
      [`${orderId}.${other.id}.${expires}.${signature}`, null, 403],
      [`${otherOrder.id}.${customerId}.${expires}.${signature}`, null, 403],
      // A later expiry: the signature breaks.
      [`${orderId}.${customerId}.${Number(expires) + 86_400}.${signature}`, null, 403],
      // A link signed for another shop.
      [linkFor("another-shop.myshopify.com", buyer.gid, orderGid), null, 403],
      // Expired.
      [linkFor(shop, buyer.gid, orderGid, new Date(Date.now() - 1000)), null, 410],
      // A valid link opened while signed in as someone else.
      [token, other.id, 403],
      // A link for an order that is not the customer's.
      [linkFor(shop, buyer.gid, otherOrder.admin_graphql_api_id), null, 404],
    ];
    for (const [link, signedIn, status] of refused) {
      const opened = await surveyPage(shop, link, { customerId: signedIn });
      expect(opened.status, link).toBe(status);
      const posted = await surveyPage(shop, link, { customerId: signedIn, form });
      expect(posted.status, link).toBe(status);
    }
    // Shopify's own signature still comes first.
    const unsigned = await fetch(`${app()}/proxy/survey?t=${token}&shop=${shop}`);
    expect(unsigned.status).toBe(401);
    expect(await feedbackState(shop)).toEqual(before);
    // Another shop's customer account cannot answer this shop's order either.
    const foreign = await accountFetch("surveys", uniqueShop("nobody"), buyer.gid, { orderGid, nps: 10, csat: 5 });
    expect(foreign.status).toBe(404);
    const otherCustomer = await accountFetch("surveys", shop, other.gid, { orderGid, nps: 10, csat: 5 });
    expect(otherCustomer.status).toBe(404);
    expect(await feedbackState(shop)).toEqual(before);

    // The right link, signed in as its customer, works.
    expect((await surveyPage(shop, token, { customerId: buyer.id, form })).status).toBe(200);
    expect((await feedbackState(shop)).answers).toHaveLength(1);
  });

  it("takes answers through the customer account, not before the survey is due, and erases them on customers/redact", async () => {
    const shop = await feedbackShop("feedback-account", { trigger: "order", delayDays: 3, points: 0 });
    const buyer = customer();
    const recent = orderPayload(buyer.id, daysAgo(1), "20.00");
    expect((await sendWebhook(app(), { topic: "orders/create", shop, body: recent })).status).toBe(200);

    // Placed a day ago, asked three days after the order: not due yet.
    const early = await accountFetch("surveys", shop, buyer.gid, { orderGid: recent.admin_graphql_api_id, nps: 10, csat: 4 });
    expect(early.status).toBe(409);
    expect(await early.json()).toEqual({ error: "survey_not_open" });
    expect(await (await accountFetch("surveys", shop, buyer.gid)).json()).toEqual({ surveys: [] });

    // Surveys were on for the whole wait: an order placed four days ago after they were turned on is due.
    await testDb().feedbackSettings.update({
      where: { shopDomain: shop },
      data: { enabledAt: new Date(Date.now() - 10 * DAY_MS) },
    });
    const due = orderPayload(buyer.id, daysAgo(4), "20.00");
    expect((await sendWebhook(app(), { topic: "orders/create", shop, body: due })).status).toBe(200);
    const listed = await (await accountFetch("surveys", shop, buyer.gid)).json();
    expect(listed.surveys.map((survey: { orderGid: string }) => survey.orderGid)).toEqual([due.admin_graphql_api_id]);

    const bad = await accountFetch("surveys", shop, buyer.gid, { orderGid: due.admin_graphql_api_id, nps: 11, csat: 4 });
    expect(bad.status).toBe(400);
    const answered = await accountFetch("surveys", shop, buyer.gid, {
      orderGid: due.admin_graphql_api_id,
      nps: 6,
      csat: 3,
      comment: "Parcel was late",
      locale: "de",
    });
    expect(answered.status, await answered.clone().text()).toBe(201);
    expect(await answered.json()).toEqual({ replaced: false, points: 0 });
    expect((await feedbackState(shop)).answers).toEqual([
      expect.objectContaining({ nps: 6, csat: 3, comment: "Parcel was late", surface: "account", locale: "de", points: 0 }),
    ]);
    expect((await feedbackState(shop)).entries).toEqual([]);

    // The admin finds it by its text, escaped nowhere in JSON but searchable.
    const analysis = await adminCall(app(), shop, "/app/api/feedback/analysis?q=late");
    expect(analysis.status, await analysis.clone().text()).toBe(200);
    const figures = await analysis.json();
    expect(figures.current.nps).toMatchObject({ answers: 1, detractors: 1, nps: -100, enough: false });
    expect(figures.comments.shown).toEqual([
      expect.objectContaining({ comment: "Parcel was late", nps: 6, customerGid: buyer.gid }),
    ]);
    // The breakdowns follow the chosen period, with both comparisons: the buyer's one group holds
    // the answer and the survey sent (1 of 1 answered) now, nothing before.
    for (const kind of ["membership", "tier", "segment", "cohort"]) {
      expect(figures.breakdowns[kind], kind).toEqual([
        expect.objectContaining({
          current: expect.objectContaining({
            answers: 1,
            nps: expect.objectContaining({ nps: -100 }),
            csat: expect.objectContaining({ count: 0, of: 1 }),
            responseRate: expect.objectContaining({ count: 1, of: 1 }),
          }),
          previous: expect.objectContaining({ answers: 0, responseRate: expect.objectContaining({ of: 0 }) }),
          yearAgo: expect.objectContaining({ answers: 0 }),
        }),
      ]);
    }
    const earlier = await (await adminCall(app(), shop, "/app/api/feedback/analysis?preset=previousYear")).json();
    expect(earlier.breakdowns.membership).toEqual([]);

    // customers/data_request exports the answer; customers/redact erases it, free text included.
    const person = { id: buyer.id, email: null, phone: null };
    const request = { ...fixtureFor("customers/data_request", shop), customer: person, orders_requested: [] };
    expect((await sendWebhook(app(), { topic: "customers/data_request", shop, body: request })).status).toBe(200);
    const exported = await testDb().customerDataExport.findFirst({ where: { shopDomain: shop, customerGid: buyer.gid } });
    expect(JSON.parse(exported!.document).feedback).toEqual([expect.objectContaining({ nps: 6, comment: "Parcel was late" })]);
    const redact = { ...fixtureFor("customers/redact", shop), customer: person, orders_to_redact: [] };
    expect((await sendWebhook(app(), { topic: "customers/redact", shop, body: redact })).status).toBe(200);
    expect((await feedbackState(shop)).answers).toEqual([]);
  });

  it("saves the question texts from the admin's form per language, and refuses a bad one field by field", async () => {
    const shop = await feedbackShop("feedback-texts", { texts: {} });
    const settingsForm = (texts: Record<string, string>) =>
      // As the page submits it: single fetch's `.data`, answered in its turbo-stream encoding.
      fetch(`${app()}/app/feedback.data`, {
        method: "POST",
        headers: {
          ...BROWSER_HEADERS,
          Authorization: `Bearer ${sessionToken(shop)}`,
          "Content-Type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({
          enabled: "on",
          nps: "on",
          csat: "on",
          trigger: "fulfillment",
          delayDays: "0",
          openDays: "30",
          points: "25",
          ...texts,
        }),
      });
    const stored = async () => (await (await adminCall(app(), shop, "/app/api/feedback/settings")).json()).settings.texts;

    const refused = await settingsForm({ "texts.de.nps": "x".repeat(301), "texts.fr.thanks": "Merci !" });
    expect(refused.status).toBe(200);
    const refusal = await refused.text();
    expect(refusal).toContain('"texts.de.nps"');
    expect(refusal).toContain('"must be at most 300 characters"');
    expect(refusal).not.toContain('"texts.fr.thanks"');
    expect(await stored()).toEqual({});

    // A blank field is the default's; the survey page speaks the shopper's language, with the
    // merchant's words where given and the defaults elsewhere.
    const saved = await settingsForm({ "texts.de.nps": "Empfiehlst du <i>uns</i>?", "texts.de.why": "  ", "texts.fi.why": "" });
    expect(saved.status).toBe(200);
    expect(await stored()).toEqual({ de: { nps: "Empfiehlst du <i>uns</i>?" } });
    const buyer = customer();
    const order = await fulfilledOrder(shop, buyer.id);
    const token = linkFor(shop, buyer.gid, order.admin_graphql_api_id);
    const german = await (
      await fetch(proxyUrl(app(), "survey", { shop, customerId: null, query: { t: token, lang: "de" } }))
    ).text();
    expect(german).toContain("Empfiehlst du &lt;i&gt;uns&lt;/i&gt;?");
    expect(german).toContain("Warum?");
    const english = await (await surveyPage(shop, token)).text();
    expect(english).toContain("How likely are you to recommend us to a friend?");
  });

  it("queues Flow's survey ready with the signed link, and detractor answered once per order", async () => {
    const shop = await feedbackShop("feedback-flow", { points: 0 });
    for (const trigger of [FLOW_TRIGGERS.surveyReady.handle, FLOW_TRIGGERS.detractorAnswered.handle]) {
      const body = JSON.stringify({
        flow_trigger_definition_id: trigger,
        has_enabled_flow: true,
        shop_id: "690933842",
        shopify_domain: shop,
        timestamp: new Date().toISOString(),
      });
      const response = await fetch(`${app()}/flow/lifecycle`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Shopify-Hmac-Sha256": sign(body) },
        body,
      });
      expect(response.status, await response.clone().text()).toBe(200);
    }
    const buyer = customer();
    const order = await fulfilledOrder(shop, buyer.id);
    const orderGid = order.admin_graphql_api_id;
    const ready = await waitFor("the survey ready event", () =>
      testDb().flowTriggerEvent.findFirst({ where: { shopDomain: shop, idempotencyKey: `feedback:${orderGid}:ready` } }),
    );
    expect(ready).toMatchObject({ trigger: FLOW_TRIGGERS.surveyReady.handle, customerGid: buyer.gid });
    const link = new URL(JSON.parse(ready.payload)["Survey link"]);
    expect(`${link.origin}${link.pathname}`).toBe(`https://${shop}/apps/comeback/survey`);

    // The link from Flow answers the survey; a detractor's answer queues its trigger, once.
    const token = link.searchParams.get("t")!;
    expect((await surveyPage(shop, token, { form: { nps: "4", csat: "2" } })).status).toBe(200);
    expect((await surveyPage(shop, token, { form: { nps: "2", csat: "1" } })).status).toBe(200);
    const detractor = await testDb().flowTriggerEvent.findMany({
      where: { shopDomain: shop, trigger: FLOW_TRIGGERS.detractorAnswered.handle },
    });
    expect(detractor).toEqual([
      expect.objectContaining({ idempotencyKey: `feedback:${orderGid}:detractor`, customerGid: buyer.gid }),
    ]);
    expect(JSON.parse(detractor[0].payload)).toMatchObject({ Score: 4, Order: order.name });
  });
});
