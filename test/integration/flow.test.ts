// Shopify Flow triggers end to end (decision 30): Flow's lifecycle callbacks are real HTTP requests
// signed as Shopify signs them; events are queued through the public function in this process (a
// second instance on the test database) and sent by the running app's worker to the Admin API
// double, which checks every document against Shopify's schema. Runs on SQLite and on PostgreSQL.
import "../support/second-instance";
import { describe, expect, inject, it } from "vitest";
import { FLOW_TRIGGER_RECEIVE, flowTriggerQueue, queueFlowTrigger } from "../../app/delivery/flow.server";
import { FLOW_TRIGGERS, type FlowPayload } from "../../app/delivery/flow-triggers";
import { deadJobs } from "../../app/platform/jobs.server";
import { sentGraphql, switchDouble } from "../support/admin-double";
import { installShop } from "../support/app-proxy";
import { testDb } from "../support/db";
import { waitFor } from "../support/wait";
import { fixtureTextFor, sendWebhook, sign, uniqueShop } from "../support/webhooks";

const app = () => inject("appUrl");
const double = () => inject("adminDoubleUrl");
const ENTERED = FLOW_TRIGGERS.campaignEntered.handle;

let sequence = 0;
/** A customer id below 2^53, so that the double's JSON.parse keeps it exact for the comparison. */
const customerGid = () => `gid://shopify/Customer/${7_000_000_000 + (Date.now() % 1_000_000) * 100 + ++sequence}`;

const OFFER: FlowPayload<"campaignEntered"> = {
  campaignName: "Win back spring",
  arm: "B",
  offerKind: "percentage",
  code: "COMEBACK-7Q2X",
  expiresAt: "2026-12-31T23:59:59+01:00",
};

async function lifecycle(shop: string, fields: { trigger?: string; enabled: boolean; timestamp?: string }, hmac?: string | null) {
  const body = JSON.stringify({
    flow_trigger_definition_id: fields.trigger ?? ENTERED,
    has_enabled_flow: fields.enabled,
    shop_id: "690933842",
    shopify_domain: shop,
    timestamp: fields.timestamp ?? new Date().toISOString(),
  });
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  const signature = hmac === undefined ? sign(body) : hmac;
  if (signature !== null) headers["X-Shopify-Hmac-Sha256"] = signature;
  return fetch(`${app()}/flow/lifecycle`, { method: "POST", headers, body });
}

const useOf = (shop: string) =>
  testDb().flowTriggerUse.findUnique({ where: { shopDomain_trigger: { shopDomain: shop, trigger: ENTERED } } });

async function flowShop(prefix: string) {
  const shop = uniqueShop(prefix);
  await installShop(app(), double(), shop);
  return shop;
}

const entered = (shop: string, gid: string, idempotencyKey: string) =>
  queueFlowTrigger(testDb(), { shopDomain: shop, trigger: "campaignEntered", customerGid: gid, payload: OFFER, idempotencyKey });

describe("Flow trigger lifecycle callback", () => {
  it("records a signed callback, refuses a forged or unsigned one, and lets the newest timestamp win", async () => {
    const shop = await flowShop("flow-life");
    expect((await lifecycle(shop, { enabled: true }, sign("{}", "not-the-app-secret"))).status).toBe(401);
    expect((await lifecycle(shop, { enabled: true }, null)).status).toBe(401);
    expect(await useOf(shop)).toBeNull();

    const on = new Date(Date.now() - 60_000).toISOString();
    const response = await lifecycle(shop, { enabled: true, timestamp: on });
    expect(response.status).toBe(200);
    expect(await useOf(shop)).toMatchObject({ enabled: true, changedAt: new Date(on) });

    // An older "off" arriving late changes nothing; a newer one turns the trigger off.
    expect(
      await (await lifecycle(shop, { enabled: false, timestamp: new Date(Date.now() - 120_000).toISOString() })).json(),
    ).toEqual({
      ok: true,
      recorded: false,
    });
    expect((await useOf(shop))?.enabled).toBe(true);
    expect((await lifecycle(shop, { enabled: false })).status).toBe(200);
    expect((await useOf(shop))?.enabled).toBe(false);
  });

  it("answers bad callbacks with a clear 4xx and records nothing", async () => {
    const shop = await flowShop("flow-bad");
    expect((await lifecycle(shop, { trigger: "someone-elses-trigger", enabled: true })).status).toBe(422);
    expect((await lifecycle("evil.example.com", { enabled: true })).status).toBe(422);
    const notJson = "{not json";
    const response = await fetch(`${app()}/flow/lifecycle`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Shopify-Hmac-Sha256": sign(notJson) },
      body: notJson,
    });
    expect(response.status).toBe(400);
    // Over the cap: refused before the rest is read.
    const large = JSON.stringify({ padding: "x".repeat(20_000) });
    const oversized = await fetch(`${app()}/flow/lifecycle`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Shopify-Hmac-Sha256": sign(large) },
      body: large,
    });
    expect(oversized.status).toBe(413);
    expect(await testDb().flowTriggerUse.count({ where: { shopDomain: { in: [shop, "evil.example.com"] } } })).toBe(0);
  });
});

describe("Flow trigger outbox", () => {
  it("sends a trigger only while the shop uses it, exactly as Flow takes it, once per idempotency key", async () => {
    const shop = await flowShop("flow-send");
    const gid = customerGid();
    expect(await entered(shop, gid, "campaign:1:entered")).toBe("unused");
    expect(await testDb().flowTriggerEvent.count({ where: { shopDomain: shop } })).toBe(0);

    expect((await lifecycle(shop, { enabled: true })).status).toBe(200);
    expect(await entered(shop, gid, "campaign:1:entered")).toBe("queued");
    expect(await entered(shop, gid, "campaign:1:entered")).toBe("duplicate");

    await waitFor("the event to be sent", async () => {
      const row = await testDb().flowTriggerEvent.findFirst({ where: { shopDomain: shop } });
      return row?.status === "sent" && row;
    });
    // Asked again after sending: still nothing more.
    expect(await entered(shop, gid, "campaign:1:entered")).toBe("duplicate");
    await new Promise((done) => setTimeout(done, 600));
    expect(await sentGraphql(shop, "flowTriggerReceive")).toEqual([
      {
        query: FLOW_TRIGGER_RECEIVE,
        variables: {
          handle: "comeback-campaign-entered",
          payload: {
            customer_id: Number(gid.split("/").pop()),
            "Campaign name": "Win back spring",
            Arm: "B",
            "Offer kind": "percentage",
            "Discount code": "COMEBACK-7Q2X",
            "Offer expires at": "2026-12-31T23:59:59+01:00",
          },
        },
      },
    ]);

    // The merchant turns the workflow off: nothing more is queued.
    expect((await lifecycle(shop, { enabled: false })).status).toBe(200);
    expect(await entered(shop, gid, "campaign:2:entered")).toBe("unused");
  });

  it("skips an event queued before the shop stopped using its trigger", async () => {
    const shop = await flowShop("flow-skip");
    expect((await lifecycle(shop, { enabled: false })).status).toBe(200);
    // As if queued a moment before the workflow was turned off.
    const event = await testDb().flowTriggerEvent.create({
      data: {
        shopDomain: shop,
        trigger: ENTERED,
        idempotencyKey: "late",
        customerGid: customerGid(),
        payload: '{"customer_id":1}',
      },
    });
    await waitFor("the event to be skipped", async () => {
      const row = await testDb().flowTriggerEvent.findUnique({ where: { id: event.id } });
      return row?.status === "skipped";
    });
    expect(await sentGraphql(shop, "flowTriggerReceive")).toEqual([]);
  });

  it("waits out a throttled shop without counting an attempt, retries a refusal with backoff, then gives it up as dead", async () => {
    const shop = await flowShop("flow-retry");
    expect((await lifecycle(shop, { enabled: true })).status).toBe(200);
    await switchDouble(shop, { throttled: true });
    expect(await entered(shop, customerGid(), "throttled")).toBe("queued");
    await waitFor("a few throttled tries", async () => (await sentGraphql(shop, "flowTriggerReceive")).length >= 3);
    expect((await testDb().flowTriggerEvent.findFirst({ where: { shopDomain: shop } }))?.attempts).toBe(0);
    await switchDouble(shop, { throttled: false });
    await waitFor("the throttled event to be sent", async () => {
      const row = await testDb().flowTriggerEvent.findFirst({ where: { shopDomain: shop, idempotencyKey: "throttled" } });
      return row?.status === "sent";
    });

    await switchDouble(shop, { flowUserError: "Invalid payload: Arm is required" });
    expect(await entered(shop, customerGid(), "refused")).toBe("queued");
    const dead = await waitFor(
      "the refused event to be dead",
      async () => {
        const row = await testDb().flowTriggerEvent.findFirst({ where: { shopDomain: shop, idempotencyKey: "refused" } });
        return row && row.attempts >= flowTriggerQueue.maxAttempts && row;
      },
      40_000,
    );
    expect(dead).toMatchObject({ status: "waiting", leaseUntil: null });
    expect(dead.error).toContain("Invalid payload: Arm is required");
    const shown = await deadJobs(flowTriggerQueue, shop);
    expect(shown).toEqual({
      total: 1,
      rows: [{ id: String(dead.id), attempts: flowTriggerQueue.maxAttempts, lastError: dead.error }],
    });
    // Tried once per attempt, never again once dead.
    const tries = (await sentGraphql(shop, "flowTriggerReceive")).length;
    await new Promise((done) => setTimeout(done, 800));
    expect(await sentGraphql(shop, "flowTriggerReceive")).toHaveLength(tries);
  }, 60_000);
});

describe("shop/redact", () => {
  it("erases the shop's Flow trigger use and events, customer signals and segments", async () => {
    const shop = await flowShop("flow-redact");
    expect((await lifecycle(shop, { enabled: true })).status).toBe(200);
    expect(await entered(shop, customerGid(), "campaign:9:entered")).toBe("queued");
    await testDb().customerSignal.create({ data: { shopDomain: shop, customerGid: customerGid(), churnBand: "low" } });
    await testDb().shopSegmentation.create({ data: { shopDomain: shop, segments: '{"spring":"gid://shopify/Segment/1"}' } });
    const redact = await sendWebhook(app(), { topic: "shop/redact", shop, body: fixtureTextFor("shop/redact", shop) });
    expect(redact.status).toBe(200);
    const where = { where: { shopDomain: shop } };
    const db = testDb();
    expect([
      await db.flowTriggerUse.count(where),
      await db.flowTriggerEvent.count(where),
      await db.customerSignal.count(where),
      await db.shopSegmentation.count(where),
    ]).toEqual([0, 0, 0, 0]);
  });
});
