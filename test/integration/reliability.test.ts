// No accepted event is lost, and several app instances sharing one database act once per event.
import { afterAll, describe, expect, inject, it } from "vitest";
import { startAppServer, type AppServer } from "../support/app-server";
import { testDb } from "../support/db";
import { runSql } from "../support/run-sql";
import { waitFor } from "../support/wait";
import { fixtureFor, installedShop, sendWebhook } from "../support/webhooks";

const app = () => inject("appUrl");

describe("failures", () => {
  it("stores a delivery whose processing fails, answers 500, and applies it later from the stored event", async () => {
    const shop = await installedShop("retry");
    const order = { ...fixtureFor("orders/create", shop), admin_graphql_api_id: "gid://shopify/Order/5550001", name: "#retry" };
    // Make the effect's last write (its loyalty task) fail while the events table, and the orders
    // that the check for another shop's GIDs reads, still work.
    await runSql('ALTER TABLE "LoyaltyTask" RENAME TO "LoyaltyTaskAway"');
    let failed;
    try {
      failed = await sendWebhook(app(), { topic: "orders/create", shop, body: order, webhookId: "retry-1" });
    } finally {
      await runSql('ALTER TABLE "LoyaltyTaskAway" RENAME TO "LoyaltyTask"');
    }
    expect(failed.status).toBe(500);

    const db = testDb();
    // The app's worker retries the stored event without any new delivery.
    const event = await waitFor("the worker to apply the stored event", async () => {
      const stored = await db.webhookEvent.findUniqueOrThrow({
        where: { shopDomain_webhookId: { shopDomain: shop, webhookId: "retry-1" } },
      });
      return stored.status === "processed" && stored;
    });
    expect(event.attempts).toBeGreaterThanOrEqual(2);
    expect(event.payload).toBeNull();
    expect(await db.order.count({ where: { shopDomain: shop, name: "#retry" } })).toBe(1);
    // Shopify's own retry of the delivery that got the 500 finds it done.
    const retry = await sendWebhook(app(), { topic: "orders/create", shop, body: order, webhookId: "retry-1" });
    expect(retry.json).toEqual({ duplicate: true });
    expect(await db.order.count({ where: { shopDomain: shop } })).toBe(1);
  });
});

describe("several app instances on one database", () => {
  let second: AppServer;
  afterAll(() => second?.stop());

  it("applies each delivery once and converges on the newest state", async () => {
    second = await startAppServer({ databaseUrl: inject("databaseUrl"), adminDoubleUrl: inject("adminDoubleUrl") });
    const instances = [app(), second.url];
    const shop = await installedShop("instances");
    const gid = "gid://shopify/Order/5550002";
    const versions = Array.from({ length: 8 }, (_, i) => ({
      ...fixtureFor("orders/updated", shop),
      admin_graphql_api_id: gid,
      updated_at: new Date(Date.UTC(2025, 0, 1, 10, i)).toISOString(),
      name: `#v${i}`,
      refunds: [],
    }));
    // Every version is delivered twice, to both instances at once, in shuffled order; like Shopify,
    // a delivery answered with an error is sent again.
    const deliverUntilAccepted = async (url: string, body: Record<string, unknown>, webhookId: string) => {
      for (let attempt = 0; ; attempt++) {
        const response = await sendWebhook(url, { topic: "orders/updated", shop, body, webhookId });
        if (response.status === 200 || attempt === 10) return { ...response, attempts: attempt + 1 };
        await new Promise((done) => setTimeout(done, 200));
      }
    };
    const deliveries = versions.flatMap((body, i) => instances.map((url) => () => deliverUntilAccepted(url, body, `multi-${i}`)));
    deliveries.sort(() => Math.random() - 0.5);
    const responses = await Promise.all(deliveries.map((send) => send()));
    expect(responses.filter((r) => r.status !== 200)).toEqual([]);
    if (inject("databaseKind") === "postgresql") {
      expect(responses.every((r) => r.attempts === 1)).toBe(true);
    }
    // SQLite is the single-instance default: two processes writing at once can meet a locked
    // database, and then the delivery is answered 500 and comes again (or the worker applies it).

    const db = testDb();
    await waitFor(
      "every event to be processed",
      async () => (await db.webhookEvent.count({ where: { shopDomain: shop, status: "processed" } })) === versions.length,
    );
    expect(await db.webhookEvent.count({ where: { shopDomain: shop } })).toBe(versions.length);
    const order = await db.order.findUniqueOrThrow({ where: { shopDomain_gid: { shopDomain: shop, gid } } });
    expect(order.name).toBe("#v7");
    expect(await db.order.count({ where: { shopDomain: shop } })).toBe(1);
  });
});
