// Target D: loyalty task throughput of one instance's worker (the job system), >= 500 tasks/s on
// PostgreSQL, and fairness: a small shop's tasks recorded behind a flooded shop's are done within
// the first claims, not after the flood. Each database fresh; the work runs in bench/jobs-probe.ts.
import { migrate } from "../app/platform/db/migrate.server";
import { freshDatabase, type TestDatabaseKind } from "../test/support/database";
import { lastJson, run } from "./metrics";
import { rmSync } from "node:fs";

export const JOBS_TARGET_PER_SECOND = 500;

export interface JobsResult {
  database: TestDatabaseKind;
  tasks: number;
  concurrency: number;
  seconds: number;
  tasksPerSecond: number;
  workerCpuMsPerTask: number;
  smallShopDoneMs: number;
  failedTasks: number;
  ledgerEntries: number;
  /** The members' reviews the orders asked for, run after them on their own queue. */
  reviews: number;
  reviewsPerSecond: number;
  failedReviews: number;
}

export async function runJobs(
  database: TestDatabaseKind,
  options: { flooded: number; concurrency: number },
  signal: AbortSignal,
): Promise<JobsResult> {
  let databaseUrl: string;
  if (database === "sqlite") {
    for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(`bench-results/jobs.sqlite${suffix}`, { force: true });
    databaseUrl = "file:./bench-results/jobs.sqlite";
  } else {
    databaseUrl = await freshDatabase("postgresql", "comeback_bench_jobs");
  }
  await migrate(databaseUrl);
  console.error(`[jobs/${database}] ${options.flooded} + 5 loyalty tasks, ${options.concurrency} worker slots`);
  const { stdout } = await run(
    "jobs probe",
    "tsx",
    ["bench/jobs-probe.ts", JSON.stringify({ flooded: options.flooded, small: 5, concurrency: options.concurrency })],
    // The loyalty modules load the Shopify configuration; nothing here calls Shopify.
    {
      DATABASE_URL: databaseUrl,
      COMEBACK_QUIET: "1",
      SHOPIFY_API_KEY: "bench",
      SHOPIFY_API_SECRET: "bench",
      SHOPIFY_APP_URL: "https://bench.invalid",
      SCOPES: "read_orders",
    },
    signal,
    900_000,
  );
  return { database, ...lastJson<Omit<JobsResult, "database">>(stdout) };
}
