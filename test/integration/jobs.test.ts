// The job system (app/platform/jobs.server.ts) on the real database: fair across shops, each job
// claimed once however many workers ask at once, retried with backoff and dead after its last
// attempt. Its jobs live in a table of this test's own, which the app's worker knows nothing of.
import "../support/second-instance";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { Readable } from "node:stream";
import { syntheticJsonl } from "../../app/demo/synthetic-history";
import { claimJobs, deadJobs, failJob, startPool, type Job, type Queue } from "../../app/platform/jobs.server";
import { BATCH_LINES, openJsonlImport } from "../../app/sync/history-import.server";
import { runSql } from "../support/run-sql";
import { testDb } from "../support/db";
import { waitFor } from "../support/wait";

const TABLE = "JobProbe";
const postgres = inject("databaseKind") === "postgresql";
let queues = 0;

function probeQueue(overrides: Partial<Queue> = {}): Queue {
  return {
    name: `probe-${++queues}`,
    table: TABLE,
    id: "id",
    shop: "shopDomain",
    lease: "leaseUntil",
    attempts: "attempts",
    lastError: "lastError",
    shops: "outbox",
    maxAttempts: 3,
    batch: 20,
    leaseMs: () => 60_000,
    run: async () => "done",
    ...overrides,
  };
}

/** `count` jobs for the shop; returns their ids. */
async function addJobs(shopDomain: string, count: number): Promise<void> {
  const values = Array.from({ length: count }, () => `('${shopDomain}')`).join(", ");
  await testDb().$executeRawUnsafe(`INSERT INTO "${TABLE}" ("shopDomain") VALUES ${values}`);
}

const shopPrefix = () => `jobs-${Math.random().toString(36).slice(2, 8)}`;

beforeAll(async () => {
  const id = postgres ? `"id" SERIAL PRIMARY KEY` : `"id" INTEGER PRIMARY KEY AUTOINCREMENT`;
  const time = postgres ? "TIMESTAMP(3)" : "DATETIME";
  await runSql(`DROP TABLE IF EXISTS "${TABLE}"`);
  await runSql(
    `CREATE TABLE "${TABLE}" (${id}, "shopDomain" TEXT NOT NULL, "leaseUntil" ${time}, "attempts" INTEGER NOT NULL DEFAULT 0, "lastError" TEXT)`,
  );
  await runSql(`CREATE INDEX "${TABLE}_shop_id" ON "${TABLE}" ("shopDomain", "id")`);
});

describe("job system", () => {
  it("gives a shop with five jobs its turn beside a shop with a thousand", async () => {
    const prefix = shopPrefix();
    const flooded = `${prefix}-a.myshopify.com`;
    const small = `${prefix}-b.myshopify.com`;
    await addJobs(flooded, 1000);
    await addJobs(small, 5);
    const shops = new Set([flooded, small]);
    const ran: string[] = [];
    const queue = probeQueue({
      // Only this test's shops: the table is shared with the other tests.
      ready: (bind) => `"shopDomain" IN (${bind(flooded)}, ${bind(small)})`,
      async run(job) {
        ran.push(job.shopDomain);
        await testDb().$executeRawUnsafe(`DELETE FROM "${TABLE}" WHERE "id" = ${Number(job.id)}`);
        return "done";
      },
    });
    const pool = startPool({ queues: [queue], concurrency: 2, idleMs: 50 });
    try {
      await waitFor("the small shop's jobs", async () => ran.filter((shop) => shop === small).length === 5);
    } finally {
      await pool.stop();
    }
    // Both slots' first claims split their 20 jobs between the two shops.
    expect(ran.lastIndexOf(small)).toBeLessThan(20);
    expect(ran.every((shop) => shops.has(shop))).toBe(true);
  });

  it("never hands one job to two workers claiming at once", async () => {
    const shops = Array.from({ length: 5 }, (_, i) => `${shopPrefix()}-${i}.myshopify.com`);
    for (const shop of shops) await addJobs(shop, 60);
    const queue = probeQueue({ ready: (bind) => `"shopDomain" IN (${shops.map(bind).join(", ")})` });
    const claimed: Job[] = [];
    const worker = async () => {
      for (;;) {
        const jobs = await claimJobs(queue, 7);
        if (jobs.length === 0) return;
        claimed.push(...jobs);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    const ids = claimed.map((job) => Number(job.id));
    expect(ids.length).toBe(300);
    expect(new Set(ids).size).toBe(300);
  });

  it("runs a claim's jobs of many shops together, and a failing shop's apart", async () => {
    const shops = Array.from({ length: 6 }, (_, i) => `${shopPrefix()}-${i}.myshopify.com`);
    for (const shop of shops) await addJobs(shop, 2);
    const bad = shops[2];
    const calls: string[][] = [];
    const remove = (jobs: Job[]) =>
      testDb().$executeRawUnsafe(`DELETE FROM "${TABLE}" WHERE "id" IN (${jobs.map((job) => Number(job.id)).join(", ")})`);
    const queue = probeQueue({
      ready: (bind) => `"shopDomain" IN (${shops.map(bind).join(", ")})`,
      batch: 12,
      maxAttempts: 1,
      acrossShops: true,
      async runMany(jobs) {
        calls.push(jobs.map((job) => job.shopDomain));
        if (jobs.some((job) => job.shopDomain === bad)) throw new Error("one bad shop");
        await remove(jobs);
        return "done";
      },
      async run(job) {
        if (job.shopDomain === bad) throw new Error("bad job");
        await remove([job]);
        return "done";
      },
    });
    const pool = startPool({ queues: [queue], concurrency: 1, idleMs: 50 });
    try {
      await waitFor("every good shop's jobs", async () => {
        const [{ n }] = await testDb().$queryRawUnsafe<{ n: number | bigint }[]>(
          `SELECT COUNT(*) AS n FROM "${TABLE}" WHERE "shopDomain" IN (${shops.map((shop) => `'${shop}'`).join(", ")})`,
        );
        return Number(n) === 2;
      });
    } finally {
      await pool.stop();
    }
    // One call for the whole claim of six shops; it threw, so each shop's jobs went together.
    expect(new Set(calls[0])).toEqual(new Set(shops));
    expect(calls[0]).toHaveLength(12);
    expect(calls.slice(1, 7).map((call) => call.length)).toEqual([2, 2, 2, 2, 2, 2]);
    const dead = await testDb().$queryRawUnsafe<{ attempts: number | bigint }[]>(
      `SELECT "attempts" FROM "${TABLE}" WHERE "shopDomain" = '${bad}'`,
    );
    // The bad shop's two jobs failed one by one, each its own (last) attempt.
    expect(dead.map((row) => Number(row.attempts))).toEqual([1, 1]);
  });

  it("retries a failing job with growing delays, then keeps it dead with its last error", async () => {
    const shop = `${shopPrefix()}.myshopify.com`;
    await addJobs(shop, 1);
    const died: string[] = [];
    const queue = probeQueue({
      ready: (bind) => `"shopDomain" = ${bind(shop)}`,
      dead: async (_job, error) => void died.push(error),
    });
    const delays: number[] = [];
    let now = Date.now();
    for (let attempt = 1; attempt <= 3; attempt++) {
      const [job] = await claimJobs(queue, 5, new Date(now));
      expect(job.attempts).toBe(attempt - 1);
      // Claimed: not claimable again while the lease runs.
      expect(await claimJobs(queue, 5, new Date(now))).toEqual([]);
      const { dead } = await failJob(queue, job, new Error(`boom ${attempt}`));
      expect(dead).toBe(attempt === 3);
      const [row] = await testDb().$queryRawUnsafe<{ leaseUntil: Date | string | null }[]>(
        `SELECT "leaseUntil" FROM "${TABLE}" WHERE "id" = ${Number(job.id)}`,
      );
      if (attempt < 3) {
        const retryAt = new Date(row.leaseUntil!).getTime();
        delays.push(retryAt - Date.now());
        // Not before its delay, but after it.
        expect(await claimJobs(queue, 5, new Date(retryAt - 10))).toEqual([]);
        now = retryAt + 1;
      }
    }
    // COMEBACK_RETRY_BASE_MS (1 s by default), doubled.
    expect(delays[0]).toBeGreaterThan(800);
    expect(delays[0]).toBeLessThanOrEqual(1000);
    expect(delays[1]).toBeGreaterThan(1800);
    expect(delays[1]).toBeLessThanOrEqual(2000);
    expect(await claimJobs(queue, 5, new Date(Date.now() + 86_400_000))).toEqual([]);
    expect(died).toEqual(["boom 3"]);
    const dead = await deadJobs(queue, shop);
    expect(dead.total).toBe(1);
    expect(dead.rows[0]).toMatchObject({ attempts: 3, lastError: "boom 3" });
  });

  it("runs a thrown job again after its backoff in the pool, and counts it", async () => {
    const shop = `${shopPrefix()}.myshopify.com`;
    await addJobs(shop, 1);
    let calls = 0;
    const queue = probeQueue({
      ready: (bind) => `"shopDomain" = ${bind(shop)}`,
      async run(job) {
        if (++calls === 1) throw new Error("first time");
        await testDb().$executeRawUnsafe(`DELETE FROM "${TABLE}" WHERE "id" = ${Number(job.id)}`);
        return "done";
      },
    });
    const pool = startPool({ queues: [queue], concurrency: 3, idleMs: 50 });
    try {
      await waitFor("the retry", async () => calls === 2);
    } finally {
      await pool.stop();
    }
    expect(pool.counts.get(queue.name)).toBe(2);
  });

  it("imports a history a slice at a time, each slice ending after the batch that passes its deadline", async () => {
    const shop = `${shopPrefix()}.myshopify.com`;
    const lines: string[] = [];
    for (const line of syntheticJsonl({ customers: 3000, start: new Date("2024-01-01"), end: new Date("2025-01-01"), seed: 5 })) {
      if (lines.push(line) === 2 * BATCH_LINES + 100) break;
    }
    await testDb().shop.create({ data: { domain: shop } });
    const job = await testDb().historyImport.create({ data: { shopDomain: shop, source: "file", status: "importing" } });
    const running = await openJsonlImport(job.id, Readable.from(lines.map((line) => line + "\n")));
    // A deadline already past: one batch per slice, and the import's progress committed with it.
    expect(await running.run(0)).toBeNull();
    expect((await testDb().historyImport.findUniqueOrThrow({ where: { id: job.id } })).linesDone).toBe(BATCH_LINES);
    expect(await running.run(0)).toBeNull();
    expect((await testDb().historyImport.findUniqueOrThrow({ where: { id: job.id } })).linesDone).toBe(2 * BATCH_LINES);
    const done = await running.run();
    expect(done).toMatchObject({ status: "completed", linesDone: lines.length, ordersImported: lines.length });
    expect(await testDb().order.count({ where: { shopDomain: shop } })).toBe(lines.length);
  });
});
