// A large shop's model refit runs in a worker thread (decision 34): the instance's event loop,
// which answers webhooks and pages, keeps its turns during the seconds of fitting. The refit runs
// in this process (a second instance on the test database), from source with tsx's loader; the
// running app's worker refits in its built thread module (test/integration/signals.test.ts).
// Runs on SQLite and on PostgreSQL.
import "../support/second-instance";
import { describe, expect, it } from "vitest";
import { shopFacts } from "../../app/metrics/facts.server";
import { customerColumns, refitModels } from "../../app/metrics/metrics.server";
import { testDb } from "../support/db";
import { writeGeneratedShop } from "../support/run-sql";
import { uniqueShop } from "../support/webhooks";

describe("model refits", () => {
  it("leave the event loop free while a large shop's models are fitted, and store the fit", async () => {
    const shop = uniqueShop("refit-thread");
    await writeGeneratedShop(shop, 120_000, 30_000);
    // The facts first: their load is sliced on the event loop (decision 20), not the refit's part.
    await shopFacts(shop);
    // The longest stretch without a turn of the event loop, up to the refit's end.
    let last = performance.now();
    let longestMs = 0;
    const ticks = setInterval(() => {
      longestMs = Math.max(longestMs, performance.now() - last);
      last = performance.now();
    }, 10);
    const started = performance.now();
    const fit = await refitModels(shop);
    const ended = performance.now();
    clearInterval(ticks);
    longestMs = Math.max(longestMs, ended - last);
    expect(fit.customers).toBe(30_000);
    // Enough work that fitting on the event loop would have held it for most of the refit.
    expect(fit.seconds).toBeGreaterThan(0.5);
    expect(longestMs).toBeLessThan((ended - started) / 4);
    // The running app's worker may refit the new shop at the same time: either fit is stored.
    const stored = await testDb().purchaseModelFit.findUnique({ where: { shopDomain: shop } });
    expect(stored).toMatchObject({ customers: 30_000 });
    // Every customer's predictions (for the customers list and export) come from the same thread.
    const { predictions } = await customerColumns(shop);
    if (fit.stable) expect(predictions!.pAlive).toHaveLength(30_000);
    else expect(predictions).toBeNull();
  }, 120_000);
});
