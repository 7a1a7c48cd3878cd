// A large shop's very first metrics load (no snapshot) reads and applies its orders in slices:
// the event loop keeps turning meanwhile, so the instance's other requests are not held up.
// Runs on SQLite and on PostgreSQL, in this process as a second instance of the app.
import "../support/second-instance";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { describe, expect, it } from "vitest";
import { shopFacts } from "../../app/metrics/facts.server";
import { shopCaches } from "../../app/platform/cache.server";
import { testDb } from "../support/db";
import { runSql, writeGeneratedShop } from "../support/run-sql";
import { waitFor } from "../support/wait";
import { uniqueShop } from "../support/webhooks";

/**
 * The event loop's stalls while `work` runs: the longest delay monitorEventLoopDelay saw, and the
 * longest gap between two 5 ms ticks counting only the CPU time this process used in it. On a
 * shared machine the first also holds the time the system ran other processes; the second is
 * what the work itself held the loop for (at most: GC and driver threads count too).
 */
async function stalls(work: () => Promise<unknown>) {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  let longestBusyMs = 0;
  let cpu = process.cpuUsage();
  const ticks = setInterval(() => {
    const used = process.cpuUsage(cpu);
    longestBusyMs = Math.max(longestBusyMs, (used.user + used.system) / 1000);
    cpu = process.cpuUsage();
  }, 5);
  delay.enable();
  const startedAt = performance.now();
  await work();
  const seconds = (performance.now() - startedAt) / 1000;
  // Both samplers record a stall when they next run: give them that turn.
  await new Promise((resolve) => setTimeout(resolve, 20));
  delay.disable();
  clearInterval(ticks);
  return { seconds, maxDelayMs: delay.max / 1e6, longestBusyMs };
}

describe("a large shop's first load", () => {
  it("never holds the event loop for long", { timeout: 180_000 }, async () => {
    // A running instance: its database clients are up (a first query compiles Prisma's engine).
    const warm = uniqueShop("first-load-warm");
    await writeGeneratedShop(warm, 10, 5);
    await shopFacts(warm);
    const shop = uniqueShop("first-load");
    const expected = await writeGeneratedShop(shop, 200_000, 50_000);

    let facts: Awaited<ReturnType<typeof shopFacts>>["facts"] | undefined;
    const { seconds, maxDelayMs, longestBusyMs } = await stalls(async () => ({ facts } = await shopFacts(shop)));
    expect(facts!.size).toBe(expected.orders);
    expect(facts!.customerCount).toBe(expected.customers);
    console.log(
      `first load of 200,000 orders: ${seconds.toFixed(2)} s; event loop delay max ${maxDelayMs.toFixed(0)} ms, ` +
        `longest busy stall ${longestBusyMs.toFixed(0)} ms`,
    );
    expect(longestBusyMs).toBeLessThan(200);
    // The load's snapshot is written in the background: not after the shop is gone.
    const snapshots = () => testDb().metricsSnapshot.count({ where: { shopDomain: { in: [warm, shop] } } });
    await waitFor("both snapshots", async () => (await snapshots()) === 2);
    // Pushed out of the cache, the shop comes back from its snapshot, byte for byte: 5 MB, which
    // PostgreSQL gives in two pieces. A row rewritten with its old updatedAt stays unseen: the facts
    // came from the snapshot, not from reading every order again.
    const loaded = facts!.toSnapshot();
    expect(loaded.byteLength).toBeGreaterThan(4 * 1024 * 1024);
    await runSql(`UPDATE "Order" SET "currentSubtotalAmount" = 1 WHERE "shopDomain" = '${shop}'`);
    shopCaches.shrinkBy(Number.POSITIVE_INFINITY);
    const restored = (await shopFacts(shop)).facts;
    expect(restored).not.toBe(facts);
    expect(Buffer.compare(restored.toSnapshot(), loaded)).toBe(0);
    await runSql(`DELETE FROM "Shop" WHERE "domain" IN ('${warm}', '${shop}')`);
  });
});
