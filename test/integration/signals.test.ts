// Customer signals (decision 30): churn-risk moves to high fire the Flow trigger once; the customer
// metafields Shopify segments filter on are defined once and written in batches by the running
// app's worker, as jobs of its customer-signals queue (throttling waited out, refusals retried, then
// dead on the Sync page); campaign segments are created once. Evaluations and segments run in this
// process (a second instance on the test database); Shopify is the Admin API double, which checks
// every document against the schema. Runs on SQLite and on PostgreSQL.
import "../support/second-instance";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { FLOW_TRIGGERS } from "../../app/delivery/flow-triggers";
import { SIGNAL_DEFINITIONS, signalSegmentQuery } from "../../app/delivery/customer-metafields";
import { createCampaignSegment, SEGMENT_CREATE } from "../../app/delivery/segments.server";
import { applySignals, definitionInput, setCurrentOffer, SIGNAL_DEFINITION_CREATE } from "../../app/delivery/signals.server";
import { METAFIELDS_DELETE, METAFIELDS_SET } from "../../app/loyalty/metafields";
import type { CustomerMetricsRow } from "../../app/metrics/csv";
import { deadJobsOf } from "../../app/worker/worker.server";
import { sentGraphql, switchDouble } from "../support/admin-double";
import { installShop } from "../support/app-proxy";
import { BROWSER_HEADERS, embeddedAppUrl, sessionToken } from "../support/session-token";
import { writeGeneratedShop } from "../support/run-sql";
import { testDb } from "../support/db";
import { waitFor } from "../support/wait";
import { sign, uniqueShop } from "../support/webhooks";

const app = () => inject("appUrl");
const double = () => inject("adminDoubleUrl");

// Segments are created from this process: its requests to https://<shop>.myshopify.com go to the double too.
beforeAll(async () => {
  process.env.SHOPIFY_ADMIN_DOUBLE_URL = double();
  const network = "../mocks/shopify-network.mjs";
  await import(network);
});

let sequence = 0;
const customerGid = () => `gid://shopify/Customer/${6_000_000_000 + (Date.now() % 1_000_000) * 100 + ++sequence}`;

function row(gid: string, churnRisk: string | null, fields: Partial<CustomerMetricsRow> = {}): CustomerMetricsRow {
  return {
    gid,
    firstOrder: "2025-01-02",
    lastOrder: "2026-03-04",
    orders: 3,
    netSpend: 12_000,
    recencyDays: 200,
    r: 2,
    f: 3,
    m: 4,
    segment: "at_risk",
    pAlive: 0.2,
    expectedOrders90: 0.1,
    expectedOrders365: 0.4,
    predictedClv12m: 5000,
    churnRisk,
    nextOrderDue: "2026-05-01",
    overdueDays: 30,
    ...fields,
  };
}

async function useTrigger(shop: string, handle: string) {
  const body = JSON.stringify({
    flow_trigger_definition_id: handle,
    has_enabled_flow: true,
    shop_id: 1,
    shopify_domain: shop,
    timestamp: new Date().toISOString(),
  });
  const response = await fetch(`${app()}/flow/lifecycle`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Shopify-Hmac-Sha256": sign(body) },
    body,
  });
  expect(response.status).toBe(200);
}

const churnEvents = (shop: string) =>
  testDb().flowTriggerEvent.findMany({
    where: { shopDomain: shop, trigger: FLOW_TRIGGERS.churnRiskHigh.handle },
    orderBy: { id: "asc" },
  });

describe("churn risk became high", () => {
  it("queues the trigger once per move to high, never on a first evaluation or while it stays high", async () => {
    const shop = uniqueShop("signals-churn");
    await installShop(app(), double(), shop);
    await useTrigger(shop, FLOW_TRIGGERS.churnRiskHigh.handle);
    const [mover, newcomer, steady] = [customerGid(), customerGid(), customerGid()];
    const day = (n: number) => new Date(Date.UTC(2026, 11, n));

    await applySignals(shop, [row(mover, "medium"), row(steady, "low")], "USD", day(1));
    expect(await churnEvents(shop)).toEqual([]);

    const second = await applySignals(
      shop,
      [row(mover, "high", { pAlive: 0.123456, predictedClv12m: 4321 }), row(newcomer, "high"), row(steady, "low")],
      "USD",
      day(2),
    );
    expect(second.becameHigh).toBe(1);
    // The same fit evaluated again (another instance, a retry): nothing more.
    await applySignals(shop, [row(mover, "high", { pAlive: 0.123456, predictedClv12m: 4321 })], "USD", day(2));
    // Still high at the next fit, or unstable (no band): nothing more either.
    await applySignals(shop, [row(mover, "high"), row(newcomer, "high")], "USD", day(3));
    await applySignals(shop, [row(mover, null)], "USD", day(4));
    const events = await churnEvents(shop);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ customerGid: mover, idempotencyKey: `churn-risk-high:${mover}:${day(2).toISOString()}` });
    expect(JSON.parse(events[0].payload)).toEqual({
      customer_id: Number(mover.split("/").pop()),
      "Probability active": 0.123,
      "Predicted value": 43.21,
      "Next order expected": "2026-05-01",
    });
    // Back to medium, then high again: a new move, a new trigger.
    await applySignals(shop, [row(mover, "medium")], "USD", day(5));
    await applySignals(shop, [row(mover, "high")], "USD", day(6));
    expect(await churnEvents(shop)).toHaveLength(2);
    expect(
      (await testDb().customerSignal.findUnique({ where: { shopDomain_customerGid: { shopDomain: shop, customerGid: mover } } }))
        ?.churnBand,
    ).toBe("high");
  });

  it("evaluates a shop's customers after the worker refits its purchase models", async () => {
    const shop = uniqueShop("signals-refit");
    const CUSTOMERS = 4_500;
    // About 12,000 orders of 4,500 customers; the app's worker refits the shop, then evaluates its
    // signals 900 customers at a time (withCustomerMetricsSlices): five slices.
    await writeGeneratedShop(shop, 12_000, CUSTOMERS);
    const evaluated = await waitFor(
      "the signals of the refitted shop",
      async () => {
        const [fit, state] = await Promise.all([
          testDb().purchaseModelFit.findUnique({ where: { shopDomain: shop } }),
          testDb().shopSegmentation.findUnique({ where: { shopDomain: shop } }),
        ]);
        return fit && state?.signalsFittedAt?.getTime() === fit.fittedAt.getTime() && fit;
      },
      45_000,
    );
    const signals = await testDb().customerSignal.findMany({ where: { shopDomain: shop } });
    expect(signals).toHaveLength(CUSTOMERS);
    expect(new Set(signals.map((signal) => signal.customerGid)).size).toBe(CUSTOMERS);
    expect(signals.every((signal) => signal.customerGid.startsWith("gid://shopify/Customer/"))).toBe(true);
    const values = JSON.parse(signals[0].metafields!);
    expect(values.rfm_segment).toEqual(expect.any(String));
    // With a stable fit, every customer has a band and a predicted value.
    if (evaluated.stable) expect(signals.every((signal) => signal.churnBand !== null)).toBe(true);
    // The shop was written to the database directly: the app has no access token for it. Its writes
    // are all put off for an hour, none counted as a failed attempt.
    const inHalfAnHour = () => new Date(Date.now() + 30 * 60_000);
    await waitFor(
      "the writes of the shop without a token put off",
      async () =>
        (await testDb().customerSignal.count({
          where: { shopDomain: shop, OR: [{ leaseUntil: null }, { leaseUntil: { lt: inHalfAnHour() } }] },
        })) === 0,
    );
    expect(
      await testDb().customerSignal.count({ where: { shopDomain: shop, OR: [{ attempts: { gt: 0 } }, { needsWrite: false }] } }),
    ).toBe(0);
  }, 60_000);

  it("moves bands without queueing anything for a shop that does not use the trigger", async () => {
    const shop = uniqueShop("signals-quiet");
    await installShop(app(), double(), shop);
    const gid = customerGid();
    await applySignals(shop, [row(gid, "low")], "USD", new Date(1));
    expect((await applySignals(shop, [row(gid, "high")], "USD", new Date(2))).becameHigh).toBe(1);
    expect(await churnEvents(shop)).toEqual([]);
  });
});

describe("customer metafields for segmentation", () => {
  it("defines the metafields once, writes changed values in batches, and the current offer with them", async () => {
    const shop = uniqueShop("signals-write");
    await installShop(app(), double(), shop);
    const customers = Array.from({ length: 7 }, () => customerGid());
    await applySignals(
      shop,
      customers.map((gid) => row(gid, "medium")),
      "EUR",
      new Date(1),
    );
    await waitFor(
      "the signals to be written",
      async () => (await testDb().customerSignal.count({ where: { shopDomain: shop, needsWrite: true } })) === 0,
    );

    expect(await sentGraphql(shop, "metafieldDefinitionCreate")).toEqual(
      SIGNAL_DEFINITIONS.map((definition) => ({
        query: SIGNAL_DEFINITION_CREATE,
        variables: { definition: definitionInput(definition) },
      })),
    );
    const values = (gid: string) => [
      { ownerId: gid, namespace: "comeback", key: "churn_risk", type: "single_line_text_field", value: "medium" },
      { ownerId: gid, namespace: "comeback", key: "predicted_clv", type: "number_decimal", value: "50.00" },
      { ownerId: gid, namespace: "comeback", key: "rfm_segment", type: "single_line_text_field", value: "at_risk" },
      { ownerId: gid, namespace: "comeback", key: "next_order_date", type: "date", value: "2026-05-01" },
    ];
    // Four values each: six customers fit in a call of 25, the seventh goes in the next.
    const sets = (await sentGraphql(shop, "metafieldsSet")).filter((body) => body.query === METAFIELDS_SET);
    expect(sets.map((body) => body.variables.metafields.length)).toEqual([24, 4]);
    expect(sets.flatMap((body) => body.variables.metafields)).toEqual(
      expect.arrayContaining(customers.flatMap((gid) => values(gid))),
    );

    // The campaign engine gives one of them an offer, then takes it away.
    const [holder] = customers;
    await setCurrentOffer(shop, holder, { campaignKey: "spring-2026", expiresOn: "2026-12-31" });
    await waitFor("the offer to be written", async () => (await sentGraphql(shop, "metafieldsSet")).length === 3);
    expect((await sentGraphql(shop, "metafieldsSet"))[2]).toEqual({
      query: METAFIELDS_SET,
      variables: {
        metafields: [
          { ownerId: holder, namespace: "comeback", key: "current_offer", type: "single_line_text_field", value: "spring-2026" },
          { ownerId: holder, namespace: "comeback", key: "current_offer_expires", type: "date", value: "2026-12-31" },
        ],
      },
    });
    await setCurrentOffer(shop, holder, null);
    await waitFor("the offer to be deleted", async () => (await sentGraphql(shop, "metafieldsDelete")).length === 1);
    expect((await sentGraphql(shop, "metafieldsDelete"))[0]).toEqual({
      query: METAFIELDS_DELETE,
      variables: {
        metafields: [
          { ownerId: holder, namespace: "comeback", key: "current_offer" },
          { ownerId: holder, namespace: "comeback", key: "current_offer_expires" },
        ],
      },
    });
    // Unchanged values at the next fit: nothing written, and the definitions are not asked for again.
    await applySignals(
      shop,
      customers.map((gid) => row(gid, "medium")),
      "EUR",
      new Date(2),
    );
    await new Promise((done) => setTimeout(done, 800));
    expect(await sentGraphql(shop, "metafieldsSet")).toHaveLength(3);
    expect(await sentGraphql(shop, "metafieldDefinitionCreate")).toHaveLength(SIGNAL_DEFINITIONS.length);
  });

  it("retries a write Shopify refuses with backoff, then shows it as dead on the Sync page and writes it no more", async () => {
    const shop = uniqueShop("signals-refused");
    await installShop(app(), double(), shop);
    const [refused, ...others] = [customerGid(), customerGid(), customerGid()];
    // As Shopify answers for a customer it no longer has: a user error, and nothing of the call set.
    await switchDouble(shop, { metafieldRefusedOwner: refused });
    await applySignals(
      shop,
      [refused, ...others].map((gid) => row(gid, "medium")),
      "EUR",
      new Date(1),
    );
    const signalOf = (gid: string) =>
      testDb().customerSignal.findUniqueOrThrow({ where: { shopDomain_customerGid: { shopDomain: shop, customerGid: gid } } });
    const failing = await waitFor("two failed attempts of the refused customer", async () => {
      const signal = await signalOf(refused);
      return signal.attempts >= 2 && signal;
    });
    expect(failing).toMatchObject({ needsWrite: true, writtenMetafields: null });
    expect(failing.lastError).toContain("Owner does not exist");
    // The others of its call are not held back: the refused call is split and they are written alone.
    await waitFor("the other customers written", async () => {
      const signals = await Promise.all(others.map(signalOf));
      return signals.every((signal) => !signal.needsWrite && signal.attempts === 0 && signal.leaseUntil === null);
    });
    const stored = (await (await fetch(`${double()}/_test/metafields?shop=${shop}`)).json()) as { ownerId: string }[];
    expect(new Set(stored.map((metafield) => metafield.ownerId))).toEqual(new Set(others));

    // The backoff's later attempts, without waiting them out: the last one makes it dead. (An attempt
    // already running when the count is set writes its own count over it: then it is set again.)
    const maxAttempts = 12; // customerSignalQueue's
    const dead = await waitFor("the refused write to be dead", async () => {
      const signal = await signalOf(refused);
      if (signal.attempts < maxAttempts - 1)
        await testDb().customerSignal.update({ where: { id: signal.id }, data: { attempts: maxAttempts - 1, leaseUntil: null } });
      return signal.attempts >= maxAttempts && signal;
    });
    expect(dead).toMatchObject({ attempts: maxAttempts, leaseUntil: null, needsWrite: true });
    const queues = await deadJobsOf(shop);
    expect(queues.find((queue) => queue.queue === "customer-signals")).toEqual({
      queue: "customer-signals",
      total: 1,
      rows: [{ id: String(failing.id), attempts: maxAttempts, lastError: expect.stringContaining("Owner does not exist") }],
    });
    const page = await fetch(embeddedAppUrl(app(), shop, sessionToken(shop), "/app/sync"), { headers: BROWSER_HEADERS });
    const html = await page.text();
    expect(html).toContain("Churn risk, predicted value and offer in the customer&#x27;s metafields (1)");
    expect(html).toContain("Owner does not exist");
    // Dead: never tried again.
    const tries = (await sentGraphql(shop, "metafieldsSet")).length;
    await new Promise((done) => setTimeout(done, 800));
    expect(await sentGraphql(shop, "metafieldsSet")).toHaveLength(tries);

    // New values for the customer (the next fit) give the write its attempts back.
    await switchDouble(shop, { metafieldRefusedOwner: null });
    await applySignals(shop, [row(refused, "high")], "EUR", new Date(2));
    const written = await waitFor("the revived write", async () => {
      const signal = await signalOf(refused);
      return !signal.needsWrite && signal;
    });
    expect(written).toMatchObject({ attempts: 0, lastError: null, leaseUntil: null });
    expect(JSON.parse(written.writtenMetafields!)).toMatchObject({ churn_risk: "high" });
    expect((await deadJobsOf(shop)).find((queue) => queue.queue === "customer-signals")?.total).toBe(0);
  });

  it("waits out a throttled shop without counting attempts, and leaves an uninstalled shop's writes for later", async () => {
    const shop = uniqueShop("signals-throttled");
    await installShop(app(), double(), shop);
    const customers = [customerGid(), customerGid()];
    await switchDouble(shop, { throttled: true });
    await applySignals(
      shop,
      customers.map((gid) => row(gid, "low")),
      "USD",
      new Date(1),
    );
    // The client sends a throttled call once more, then gives up until the budget has restored (about
    // 2 s in the double): a third call means the first attempt is over.
    await waitFor(
      "throttled metafieldsSet calls after a pause",
      async () => (await sentGraphql(shop, "metafieldsSet")).length >= 3,
    );
    const waiting = await testDb().customerSignal.findMany({ where: { shopDomain: shop } });
    expect(waiting).toHaveLength(2);
    // Waiting for the budget is no failed attempt.
    for (const signal of waiting) expect(signal).toMatchObject({ needsWrite: true, attempts: 0, lastError: null });
    await switchDouble(shop, { throttled: false });
    await waitFor(
      "the signals written after the throttle",
      async () => (await testDb().customerSignal.count({ where: { shopDomain: shop, needsWrite: true } })) === 0,
    );
    expect(await testDb().customerSignal.count({ where: { shopDomain: shop, attempts: { gt: 0 } } })).toBe(0);

    // A shop without the app (no Shop row, no access token): its writes are looked at again in an hour.
    const gone = uniqueShop("signals-uninstalled");
    await applySignals(gone, [row(customerGid(), "low")], "USD", new Date(1));
    // Claimed (a lease of seconds), then put off: the claim's lease replaced by one an hour on.
    const parked = await waitFor("the uninstalled shop's write put off", async () => {
      const signal = await testDb().customerSignal.findFirst({ where: { shopDomain: gone } });
      return signal?.leaseUntil && signal.leaseUntil.getTime() > Date.now() + 30 * 60_000 && signal;
    });
    expect(parked).toMatchObject({ needsWrite: true, attempts: 0 });
  });

  it("refuses an offer Shopify could not store, writing nothing", async () => {
    const shop = uniqueShop("signals-bad-offer");
    await expect(setCurrentOffer(shop, customerGid(), { campaignKey: "a b", expiresOn: null })).rejects.toThrow("campaignKey");
    expect(await testDb().customerSignal.count({ where: { shopDomain: shop } })).toBe(0);
  });
});

describe("campaign segments", () => {
  it("creates a campaign's segment once, and finds it again by name after a lost answer", async () => {
    const shop = uniqueShop("signals-segment");
    await installShop(app(), double(), shop);
    const query = signalSegmentQuery({ currentOffer: "spring-2026" });
    const id = await createCampaignSegment(shop, { campaignKey: "spring-2026", name: "Comeback: Spring 2026", query });
    expect(id).toMatch(/^gid:\/\/shopify\/Segment\/\d+$/);
    expect(await createCampaignSegment(shop, { campaignKey: "spring-2026", name: "Comeback: Spring 2026", query })).toBe(id);
    expect(await sentGraphql(shop, "segmentCreate")).toEqual([
      {
        query: SEGMENT_CREATE,
        variables: { name: "Comeback: Spring 2026", query: "metafields.comeback.current_offer = 'spring-2026'" },
      },
    ]);
    // The definitions the query names were created first.
    expect(await sentGraphql(shop, "metafieldDefinitionCreate")).toHaveLength(SIGNAL_DEFINITIONS.length);

    // As if Shopify created this one but its answer was lost: the next create finds it by name.
    await testDb().shopSegmentation.update({ where: { shopDomain: shop }, data: { segments: "{}" } });
    expect(await createCampaignSegment(shop, { campaignKey: "spring-2026", name: "Comeback: Spring 2026", query })).toBe(id);
    const segments = await (await fetch(`${double()}/_test/segments?shop=${shop}`)).json();
    expect(segments).toEqual([{ id, name: "Comeback: Spring 2026", query: "metafields.comeback.current_offer = 'spring-2026'" }]);
  });
});
