// The job system's bench (bench/jobs.ts), run in a fresh process with DATABASE_URL set, as one app
// instance's worker: `tsx bench/jobs-probe.ts '{"flooded":20000,"small":5,"concurrency":4}'`.
// Seeds a flooded shop and a small one with orders through the real importer and a running loyalty
// program, records one loyalty task per order (the flooded shop's first, the way a burst of webhooks
// would), then runs the worker's pool on the loyalty queue until every task is done, then on the
// member-reviews queue until the reviews those orders asked for are done. Prints one JSON line (the
// last line on stdout).
import "../scripts/env";
import { writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { syntheticJsonl } from "../app/demo/synthetic-history";

interface Task {
  flooded: number;
  small: number;
  concurrency: number;
}

const task = JSON.parse(process.argv[2] ?? "{}") as Task;
const FLOODED = "bench-jobs-flooded.myshopify.com";
const SMALL = "bench-jobs-small.myshopify.com";
const HISTORY = { start: new Date("2024-01-01T00:00:00Z"), end: new Date("2025-01-01T00:00:00Z") };

function history(orders: number, seed: number): string {
  const file = `bench-results/jobs-history-${orders}-${seed}.jsonl`;
  const lines: string[] = [];
  for (const line of syntheticJsonl({ customers: Math.max(1, Math.round(orders * 0.4)), seed, ...HISTORY })) {
    lines.push(line);
    if (lines.length === orders) break;
  }
  writeFileSync(file, lines.join("\n") + "\n");
  return file;
}

async function main() {
  const { default: db } = await import("../app/platform/db/client.server");
  const { dialect } = await import("../app/platform/sql/dialect.server");
  const { importFile } = await import("../app/sync/file-import.server");
  const { saveProgram } = await import("../app/loyalty/admin.server");
  const { demoProgram } = await import("../app/demo/loyalty.server");
  const { loyaltyTaskQueue, memberReviewQueue } = await import("../app/loyalty/tasks.server");
  const { startPool } = await import("../app/platform/jobs.server");
  try {
    for (const [shop, orders, seed] of [
      [FLOODED, task.flooded, 1],
      [SMALL, task.small, 2],
    ] as const) {
      await importFile(shop, history(orders, seed), { timezone: "Europe/Berlin", currency: "EUR" });
      await saveProgram(shop, demoProgram(new Date("2023-01-01T00:00:00Z")));
      await db.$executeRawUnsafe(
        `INSERT INTO "LoyaltyTask" ("shopDomain", "kind", "key", "createdAt") SELECT "shopDomain", 'order', "gid", ${dialect.now} FROM "Order" WHERE "shopDomain" = '${shop}' ORDER BY "id"`,
      );
    }
    const tasks = await db.loyaltyTask.count();
    const started = performance.now();
    const cpu = process.cpuUsage();
    let smallDoneMs: number | null = null;
    const pool = startPool({ queues: [loyaltyTaskQueue], concurrency: task.concurrency, idleMs: 50 });
    for (;;) {
      await new Promise((done) => setTimeout(done, 100));
      // Orders' tasks: the members' reviews they ask for are another queue's (member-reviews).
      const left = await db.loyaltyTask.groupBy({
        by: ["shopDomain"],
        where: { attempts: { lt: 12 }, kind: { not: "review" } },
        _count: { _all: true },
      });
      if (smallDoneMs === null && !left.some((row) => row.shopDomain === SMALL)) smallDoneMs = performance.now() - started;
      if (left.length === 0) break;
    }
    const seconds = (performance.now() - started) / 1000;
    const { user, system } = process.cpuUsage(cpu);
    await pool.stop();
    // Then the members' reviews the orders asked for (one task per member), on their own queue.
    const reviews = await db.loyaltyTask.count({ where: { kind: "review" } });
    const reviewsStarted = performance.now();
    const reviewPool = startPool({ queues: [memberReviewQueue], concurrency: task.concurrency, idleMs: 50 });
    while ((await db.loyaltyTask.count({ where: { kind: "review", attempts: { lt: 12 } } })) > 0)
      await new Promise((done) => setTimeout(done, 100));
    const reviewSeconds = (performance.now() - reviewsStarted) / 1000;
    await reviewPool.stop();
    return {
      reviews,
      reviewsPerSecond: Math.round(reviews / reviewSeconds),
      failedReviews: await db.loyaltyTask.count({ where: { kind: "review" } }),
      tasks,
      concurrency: task.concurrency,
      seconds: Number(seconds.toFixed(2)),
      tasksPerSecond: Math.round(tasks / seconds),
      // The worker's own CPU (this process, the progress polling included): what one core could do.
      workerCpuMsPerTask: Number(((user + system) / 1000 / tasks).toFixed(2)),
      smallShopDoneMs: Math.round(smallDoneMs ?? 0),
      failedTasks: await db.loyaltyTask.count({ where: { kind: { notIn: ["review", "metafields"] } } }),
      ledgerEntries: await db.ledgerEntry.count(),
    };
  } finally {
    await db.$disconnect();
  }
}

main().then(
  (result) => {
    console.log(JSON.stringify(result));
    process.exit(0);
  },
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
