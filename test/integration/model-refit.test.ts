// A large shop's model refit runs in a worker thread (decision 34): the instance's event loop,
// which answers webhooks and pages, keeps its turns during the seconds of fitting. The refit runs
// in this process (a second instance on the test database), from source with tsx's loader; the
// running app's worker refits in its built thread module (test/integration/signals.test.ts).
// Runs on SQLite and on PostgreSQL.
import "../support/second-instance";
import { describe, expect, it } from "vitest";
import { shopFacts } from "../../app/metrics/facts.server";
import { customerColumns, MODELS_RETRY_MS, refitModels, withModelsLease } from "../../app/metrics/metrics.server";
import { testDb } from "../support/db";
import { writeGeneratedShop } from "../support/run-sql";
import { waitFor } from "../support/wait";
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

  it("run on one instance at a time: the app's worker leaves a shop alone while another instance holds its lease", async () => {
    const shop = uniqueShop("refit-lease");
    // Another instance holds the shop's lease before its orders arrive.
    await testDb().shop.create({
      data: { domain: shop, timezone: "Europe/Helsinki", modelsLeaseUntil: new Date(Date.now() + 60_000) },
    });
    await writeGeneratedShop(shop, 2000, 300);
    // The app's worker looks for stale shops every 200 ms: ten looks, no fit.
    await new Promise((done) => setTimeout(done, 2_000));
    expect(await testDb().purchaseModelFit.findUnique({ where: { shopDomain: shop } })).toBeNull();
    // That instance was killed: once its lease runs out, the app's worker refits the shop and
    // evaluates its signals, then lets the lease go.
    await testDb().shop.update({ where: { domain: shop }, data: { modelsLeaseUntil: new Date(Date.now() - 1) } });
    await waitFor(
      "the refit and signals of the shop whose lease ran out",
      async () => {
        const [fit, state, lease] = await Promise.all([
          testDb().purchaseModelFit.findUnique({ where: { shopDomain: shop } }),
          testDb().shopSegmentation.findUnique({ where: { shopDomain: shop } }),
          testDb().shop.findUnique({ where: { domain: shop }, select: { modelsLeaseUntil: true } }),
        ]);
        return fit && state?.signalsFittedAt?.getTime() === fit.fittedAt.getTime() && lease?.modelsLeaseUntil === null;
      },
      45_000,
    );
    // Two chores at once in this instance: one runs, the other finds the lease held.
    let release!: () => void;
    const first = withModelsLease(shop, () => new Promise<void>((done) => (release = done)));
    await waitFor("the first claim", async () => release !== undefined);
    expect(await withModelsLease(shop, async () => {})).toBe(false);
    release();
    expect(await first).toBe(true);
    expect(await withModelsLease(shop, async () => {})).toBe(true);
  }, 90_000);

  it("go on with the other shops when one shop's refit fails, and leave that one alone for a while", async () => {
    // Written first, so that the worker's query finds it before the healthy shop: a failure that
    // stopped the chores held up every shop after it, on every tick.
    const broken = uniqueShop("refit-broken");
    const healthy = uniqueShop("refit-healthy");
    await writeGeneratedShop(broken, 400, 100);
    // A stale fit the refit cannot read (a damaged row): the shop's refit throws.
    await testDb().purchaseModelFit.create({
      data: {
        shopDomain: broken,
        fittedAt: new Date(0),
        asOfDay: 0,
        customers: 0,
        bgNbd: "{",
        reasons: "[]",
        stable: false,
        seconds: 0,
      },
    });
    await writeGeneratedShop(healthy, 400, 100);
    await waitFor(
      "the healthy shop's fit",
      async () => (await testDb().purchaseModelFit.findUnique({ where: { shopDomain: healthy } })) !== null,
      45_000,
    );
    const [fit, lease] = await Promise.all([
      testDb().purchaseModelFit.findUniqueOrThrow({ where: { shopDomain: broken } }),
      testDb().shop.findUniqueOrThrow({ where: { domain: broken }, select: { modelsLeaseUntil: true } }),
    ]);
    expect(fit.fittedAt.getTime()).toBe(0);
    expect(lease.modelsLeaseUntil!.getTime()).toBeGreaterThan(Date.now() + MODELS_RETRY_MS / 2);
  }, 60_000);
});
