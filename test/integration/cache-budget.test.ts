// Many shops in a small cache budget: this process runs the app's metrics as a second instance
// with COMEBACK_CACHE_BUDGET_MIB=4, loads more shops than fit, and checks that the budget holds,
// that shops pushed out answer correctly, and that they come back from their snapshot.
// Runs on SQLite and on PostgreSQL.
import "../support/second-instance";
import { describe, expect, it } from "vitest";
import type { GeneratedShop } from "../support/generated-shop";
import { runSql, writeGeneratedShop } from "../support/run-sql";
import { waitFor } from "../support/wait";
import { uniqueShop } from "../support/webhooks";

// The budget is read when the app's modules load; the variable goes again so no other test file
// in this worker process inherits it.
process.env.COMEBACK_CACHE_BUDGET_MIB = "4";
const { shopFacts } = await import("../../app/metrics/facts.server");
const { shopCaches } = await import("../../app/platform/cache.server");
const { customerIndex } = await import("../../app/customers/list.server");
const { heavyWork } = await import("../../app/platform/heavy.server");
const { testDb } = await import("../support/db");
delete process.env.COMEBACK_CACHE_BUDGET_MIB;

const BUDGET = 4 * 1024 * 1024;
const SHOPS = 12;

async function answer(shop: string) {
  const { facts } = await shopFacts(shop);
  let net = 0;
  for (let slot = 0; slot < facts.size; slot++) net += facts.net[slot];
  return { orders: facts.size, customers: facts.customerCount, net };
}

describe("per-shop caches in one small budget", () => {
  it("keeps every shop's facts within the budget, and a shop pushed out comes back from its snapshot, correct", async () => {
    // About 1.2 MiB of facts each: three fit.
    const shops: [string, GeneratedShop][] = [];
    for (let n = 0; n < SHOPS; n++) {
      const shop = uniqueShop(`budget-${n}`);
      shops.push([shop, await writeGeneratedShop(shop, 20_000, 4_000)]);
    }
    for (const [shop, expected] of shops) {
      expect(await answer(shop)).toEqual({ orders: expected.orders, customers: expected.customers, net: expected.net });
      expect(shopCaches.stats().bytes).toBeLessThanOrEqual(BUDGET);
    }
    const loaded = shopCaches.stats().kinds["order facts"];
    expect(loaded.entries).toBeGreaterThanOrEqual(2);
    expect(loaded.entries).toBeLessThan(SHOPS);
    expect(loaded.evictions).toBe(SHOPS - loaded.entries);
    expect(loaded.misses).toBe(SHOPS);
    expect(loaded.bytes).toBeGreaterThan(BUDGET / 2);

    // The first shop, long pushed out, answers right again (and counts as a miss).
    const [first, expected] = shops[0];
    expect(await answer(first)).toEqual({ orders: expected.orders, customers: expected.customers, net: expected.net });
    expect(shopCaches.stats().kinds["order facts"].misses).toBe(SHOPS + 1);

    // Its facts change (a new order), then the budget pushes it out again: the snapshot is
    // written as it goes, with the new order.
    const db = testDb();
    const order = await db.order.findFirstOrThrow({ where: { shopDomain: first }, orderBy: { id: "asc" } });
    await db.order.create({
      data: {
        shopDomain: first,
        gid: `${order.gid}-new`,
        currency: "USD",
        processedAt: new Date(),
        currentSubtotalAmount: 1234n,
      },
    });
    expect(await answer(first)).toMatchObject({ orders: expected.orders + 1, net: expected.net + 1234 });
    for (const [shop] of shops.slice(1, 5)) await answer(shop);
    await waitFor(
      "the snapshot written on eviction",
      async () => (await db.metricsSnapshot.findUnique({ where: { shopDomain: first } }))?.orders === expected.orders + 1,
    );

    // A change the snapshot cannot know of (a row rewritten with its old updatedAt) stays unseen
    // on reload: the facts came from the snapshot, not from reading every order again. A change
    // stamped now is read on top of it.
    await db.order.update({ where: { id: order.id }, data: { currentSubtotalAmount: 99_999n, updatedAt: order.updatedAt } });
    await db.order.create({
      data: { shopDomain: first, gid: `${order.gid}-newer`, currency: "USD", processedAt: new Date(), currentSubtotalAmount: 1n },
    });
    expect(await answer(first)).toMatchObject({ orders: expected.orders + 2, net: expected.net + 1234 + 1 });
    expect(shopCaches.stats().bytes).toBeLessThanOrEqual(BUDGET);

    await runSql(`DELETE FROM "Shop" WHERE "domain" IN (${shops.map(([shop]) => `'${shop}'`).join(", ")})`);
  });

  it("counts a customers list in the budget while it is built, and the rows that answer meanwhile while it is rebuilt", async () => {
    const shop = uniqueShop("budget-list");
    const generated = await writeGeneratedShop(shop, 4_000, 1_000);
    const listBytes = () => shopCaches.stats().kinds["customer lists"]?.bytes ?? 0;
    // Builds wait for heavy work already running: this one holds the turn until released.
    const holdHeavyWork = () => {
      let release!: () => void;
      void heavyWork(() => new Promise<void>((resolve) => (release = resolve)));
      return () => release();
    };

    let release = holdHeavyWork();
    const first = customerIndex(shop);
    await waitFor("the cold build counted", async () => listBytes() > 0);
    const reserved = listBytes();
    release();
    const built = await first;
    expect(built.rows).toHaveLength(generated.customers);
    // The estimate counts every customer; all of them are listed here.
    expect(listBytes()).toBe(reserved);

    // A new customer changes the key: the rebuild is counted beside the rows that still answer.
    const db = testDb();
    await db.customer.create({ data: { shopDomain: shop, gid: `gid://shopify/Customer/${Date.now()}` } });
    release = holdHeavyWork();
    await waitFor("the rebuild started", async () => {
      await customerIndex(shop);
      return listBytes() > reserved;
    });
    expect(listBytes()).toBeGreaterThanOrEqual(2 * reserved);
    release();
    await waitFor(
      "the rebuilt rows in place of the old",
      async () => (await customerIndex(shop)).rows.length === generated.customers + 1,
    );
    expect(listBytes()).toBeLessThan(2 * reserved);
    expect(listBytes()).toBeGreaterThan(reserved);

    await runSql(`DELETE FROM "Shop" WHERE "domain" = '${shop}'`);
  });
});
