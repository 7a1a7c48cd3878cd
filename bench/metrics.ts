// Target C: the retention metrics on a store of ~1,000,000 orders and 200,000 customers over five
// years, on SQLite and PostgreSQL:
//   1. the full dashboard (getDashboard: KPIs of 30 days with both comparisons, the 60x60 cohort
//      table, segments, predictions): <= 2 s on the first call after a restart (measured from the
//      metrics snapshot, as a restart finds it, and without one, when every order is read),
//      <= 300 ms warm, also on the call right after webhooks changed some orders;
//   2. what the metrics add to each webhook (the index Order_shopDomain_updatedAt_idx): <= 5 ms;
//   3. the BG/NBD + Gamma-Gamma fit: <= 3 s for the 200k customers, <= 100 ms on CDNOW; Pareto/NBD
//      <= 50 ms on CDNOW.
// The history is imported with the operator's own `npm run import` into a fresh database; every
// measurement then runs in a fresh process (bench/metrics-probe.ts), so "cold" is an honest restart.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createWriteStream, existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import pg from "pg";
import { migrate } from "../app/platform/db/migrate.server";
import { syntheticJsonl } from "../app/demo/synthetic-history";
import { freshDatabase, type TestDatabaseKind } from "../test/support/database";

export const SHOP = "bench-metrics.myshopify.com";
export const TIMEZONE = "Europe/Berlin";
const CUSTOMERS = 200_000;
// Calibrated in the header of app/demo/synthetic-history.ts: 200,000 customers x 5 years ~ 1M orders.
const PURCHASE_RATE_SCALE = 2.45;
const YEARS = 5;
const SEED = 1;
/** The dashboard shows the 30 days before the history's end (the default period is 30 days). */
const PERIOD_DAYS = 30;
/** facts.server.ts re-reads rows changed within a minute of its last look; warm calls must not see the import's. */
const QUIET_AFTER_WRITES_MS = 62_000;
const COLD_PROCESSES = 3;
const WARM_CALLS = 12;
const CHANGE_ROUNDS = 5;
export const CHANGED_ORDERS = 10;
const FIT_RUNS = 3;
const CDNOW_RUNS = 15;
const WEBHOOK_WARMUP = 100;
const WEBHOOK_BLOCK = 500; // A B B A A B B A: 1,000 upserts with the index, 1,000 without

export const TARGETS = { coldMs: 2000, warmMs: 300, webhookAddedMs: 5, fitSeconds: 3, cdnowMs: 100, paretoCdnowMs: 50 } as const;

export interface MetricsHistory {
  file: string;
  lines: number;
  customers: number;
  from: string;
  to: string;
  generated: boolean;
}

/** One getDashboard call and where its time went. */
export interface DashboardCall {
  ms: number;
  readMs: number;
  snapshotDecodeMs: number;
  snapshotOrders: number;
  applyMs: number;
  rows: number;
  historiesMs: number;
  restMs: number;
}

export interface DashboardProbe {
  snapshot: "none" | "use";
  snapshotBefore: { orders: number; ageSeconds: number } | null;
  snapshotSavedAfterMs: number | null;
  snapshotAfter: { orders: number } | null;
  /** During the cold call and (without a snapshot) the background snapshot write after it. */
  eventLoopDelay: { maxMs: number; p99Ms: number };
  prismaFirstQueryMs: number;
  cold: DashboardCall;
  warmMs: number[];
  /** The parts of a warm call timed one by one (medians, ms). */
  components: Record<string, number>;
  afterChanges: ({ upsertMs: number } & DashboardCall)[];
  rssMiB: number;
  check: Record<string, unknown>;
}

/** One refit: its wall time, the fits' own seconds, and the longest event-loop stall meanwhile. */
export interface FitRun {
  wallMs: number;
  seconds: number;
  eventLoopMaxMs: number;
}

const medianFit = (runs: FitRun[]): FitRun => ({
  seconds: round(median(runs.map((f) => f.seconds)), 3),
  wallMs: round(median(runs.map((f) => f.wallMs))),
  eventLoopMaxMs: round(median(runs.map((f) => f.eventLoopMaxMs))),
});

export interface FitProbe {
  factsLoadMs: number;
  orders: number;
  fromScratch: FitRun[];
  fromPreviousFit: FitRun[];
  fit: { customers: number; stable: boolean; reasons: string[]; bgNbd: unknown; gammaGamma: unknown };
}

export interface WebhookProbe {
  withIndex: { count: number; medianMs: number; p90Ms: number };
  withoutIndex: { count: number; medianMs: number; p90Ms: number };
  addedMs: number;
  ratio: number;
  byKind: Record<string, unknown>;
  createIndexMs: number[];
  blockMediansMs: { index: string; count: number; medianMs: number }[];
}

export interface CdnowProbe {
  customers: number;
  repeatCustomers: number;
  runs: { bgNbdMs: number; gammaGammaMs: number; totalMs: number; paretoNbdMs: number }[];
  bgNbd: Record<string, unknown>;
  gammaGamma: Record<string, unknown>;
  paretoNbd: Record<string, unknown>;
}

export interface Breakdown {
  read: number;
  snapshot: number;
  apply: number;
  histories: number;
  rest: number;
}

export interface MetricsResult {
  database: TestDatabaseKind;
  import: { status: string; orders: number; seconds: number; error: string | null };
  /** PostgreSQL only: ANALYZE right after the import, as autovacuum would do on its own. */
  analyzeMs: number | null;
  period: { from: string; to: string };
  fit: FitProbe;
  dashboards: DashboardProbe[];
  webhooks: WebhookProbe;
  /** The figures the table prints. */
  summary: {
    /** From the metrics snapshot (plus the orders changed since): a restart. */
    coldMs: number;
    coldBreakdownMs: Breakdown;
    /** Without a snapshot: every counted order read (the first look after an import). */
    coldNoSnapshotMs: number;
    coldNoSnapshotBreakdownMs: Breakdown;
    /** Longest event-loop stall during the cold call (and the snapshot write after a load without one). */
    eventLoopMaxMs: { snapshot: number; noSnapshot: number };
    prismaFirstQueryMs: number;
    warmMs: number;
    warmCalls: number;
    afterChangesMs: number;
    afterChangesBreakdownMs: Breakdown;
    afterChangesRounds: number;
    componentsMs: Record<string, number>;
    fitScratch: FitRun;
    fitDaily: FitRun;
    webhookWithIndexMs: number;
    webhookWithoutIndexMs: number;
    webhookAddedMs: number;
  };
}

/** The median of the measured values: a part a call did not have (NaN, null once sent from a probe) is left out. */
export const median = (values: (number | null)[]) => {
  const sorted = values.filter((value): value is number => Number.isFinite(value)).sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length === 0 ? NaN : sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const round = (value: number, digits = 1) => Number(value.toFixed(digits));
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const DAY_MS = 86_400_000;

/**
 * Writes (or reuses) the metrics history: 200,000 customers over the five years up to today
 * (UTC midnight), so the store is live like a real one when the models predict from today.
 * A new day means a new file; older ones are removed (each is ~0.9 GB).
 */
export async function metricsHistoryFile(now = Date.now()): Promise<MetricsHistory> {
  const end = new Date(Math.floor(now / DAY_MS) * DAY_MS);
  const start = new Date(end);
  start.setUTCFullYear(end.getUTCFullYear() - YEARS);
  const base = { customers: CUSTOMERS, from: isoDay(start.getTime()), to: isoDay(end.getTime()) };
  const file = `bench-results/history-metrics-${CUSTOMERS}c-${base.to}.jsonl`;
  const meta = `${file}.done`; // written last, so a file cut short by ctrl-C is never reused
  if (existsSync(file) && existsSync(meta)) return { file, lines: Number(readFileSync(meta, "utf8")), ...base, generated: false };
  for (const old of readdirSync("bench-results").filter((name) => name.startsWith("history-metrics-")))
    rmSync(`bench-results/${old}`, { force: true });
  const out = createWriteStream(`${file}.partial`);
  let lines = 0;
  let chunk: string[] = [];
  for (const line of syntheticJsonl({ customers: CUSTOMERS, start, end, seed: SEED, purchaseRateScale: PURCHASE_RATE_SCALE })) {
    chunk.push(line);
    lines++;
    if (chunk.length === 1000) {
      if (!out.write(chunk.join("\n") + "\n")) await once(out, "drain");
      chunk = [];
    }
  }
  if (chunk.length) out.write(chunk.join("\n") + "\n");
  out.end();
  await once(out, "finish");
  renameSync(`${file}.partial`, file);
  writeFileSync(meta, String(lines));
  return { file, lines, ...base, generated: true };
}

/** Runs a command in its own process group (stopped as a whole on abort or timeout); resolves with its stdout. */
export async function run(
  label: string,
  command: string,
  args: string[],
  env: Record<string, string>,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  if (signal.aborted) throw new Error("interrupted");
  const child = spawn(command, args, {
    env: { ...process.env, PATH: `${process.cwd()}/node_modules/.bin:${process.env.PATH}`, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const stop = () => {
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {
      // already gone
    }
  };
  process.once("exit", stop);
  signal.addEventListener("abort", stop, { once: true });
  const timeout = setTimeout(stop, timeoutMs);
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk) => (stdout += chunk));
  child.stderr!.on("data", (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  try {
    const [code] = (await once(child, "exit")) as [number | null];
    if (signal.aborted) throw new Error("interrupted");
    if (code !== 0) throw new Error(`${label} failed (exit ${code}):\n${stdout.slice(-1000)}\n${stderr}`);
    return { code, stdout, stderr };
  } finally {
    clearTimeout(timeout);
    signal.removeEventListener("abort", stop);
    process.off("exit", stop);
  }
}

export const lastJson = <T>(stdout: string): T => {
  const line = stdout.trim().split("\n").at(-1) ?? "";
  return JSON.parse(line) as T;
};

/** One probe in a fresh process; `databaseUrl` null for the database-free CDNOW fit. */
export async function probe<T>(
  task: Record<string, unknown>,
  databaseUrl: string | null,
  signal: AbortSignal,
  moreEnv: Record<string, string> = {},
): Promise<T> {
  // COMEBACK_QUIET: the app's info logs (one per fit) would only add noise to stderr.
  const env: Record<string, string> = { COMEBACK_QUIET: "1", ...moreEnv };
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  const { stdout } = await run(
    `metrics probe ${task.task}`,
    "tsx",
    ["bench/metrics-probe.ts", JSON.stringify(task)],
    env,
    signal,
    600_000,
  );
  return lastJson<T>(stdout);
}

export async function runCdnow(signal: AbortSignal): Promise<CdnowProbe> {
  console.error(`[metrics] CDNOW fit, ${CDNOW_RUNS} runs`);
  return probe<CdnowProbe>({ task: "cdnow", runs: CDNOW_RUNS }, null, signal);
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

export async function runMetrics(
  database: TestDatabaseKind,
  history: MetricsHistory,
  signal: AbortSignal,
): Promise<MetricsResult> {
  console.error(`[metrics/${database}] fresh database, then npm run import of ${history.file} (${TIMEZONE})`);
  let databaseUrl: string;
  if (database === "sqlite") {
    for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(`bench-results/metrics.sqlite${suffix}`, { force: true });
    databaseUrl = "file:./bench-results/metrics.sqlite";
  } else {
    databaseUrl = await freshDatabase("postgresql", "comeback_bench_metrics");
  }
  await migrate(databaseUrl);
  const imported = await run(
    `import into ${database}`,
    "npm",
    ["run", "--silent", "import", "--", "--shop", SHOP, history.file, "--timezone", TIMEZONE, "--quiet"],
    { DATABASE_URL: databaseUrl },
    signal,
    120_000 + history.lines,
  );
  const lastWrite = Date.now();
  const importResult = lastJson<{ status: string; orders: number; seconds: number; error: string | null }>(imported.stdout);
  console.error(`[metrics/${database}] imported ${importResult.orders} orders in ${importResult.seconds} s`);

  // Planner statistics: a production PostgreSQL has autovacuum analyze the table soon after a
  // bulk import (this bench server may have it off); without them the paged read of the facts
  // gets a plan that sorts the whole table for every page.
  let analyzeMs: number | null = null;
  if (database === "postgresql") {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const started = performance.now();
      await client.query("ANALYZE");
      analyzeMs = round(performance.now() - started);
    } finally {
      await client.end();
    }
  }

  // Rows written within a minute before a look are read again by every look (facts.server.ts):
  // nothing is measured until the import's rows are older than that.
  const wait = lastWrite + QUIET_AFTER_WRITES_MS - Date.now();
  if (wait > 0) {
    console.error(
      `[metrics/${database}] waiting ${Math.ceil(wait / 1000)} s, until the import's rows are older than the metrics' re-read window`,
    );
    await sleep(wait);
  }

  // The fit first: the dashboard shows its predictions.
  console.error(`[metrics/${database}] model fits`);
  const fit = await probe<FitProbe>({ task: "fit", shop: SHOP, runs: FIT_RUNS }, databaseUrl, signal);
  const to = new Date(`${history.to}T00:00:00Z`).getTime() - DAY_MS; // last full day before the history's end
  const period = { from: isoDay(to - (PERIOD_DAYS - 1) * DAY_MS), to: isoDay(to) };
  // First without a snapshot (each process deletes it, reads every order and writes a new one),
  // then from the snapshot, as after an ordinary restart; the very last process also takes changes.
  const dashboards: DashboardProbe[] = [];
  for (const snapshot of ["none", "use"] as const) {
    for (let i = 0; i < COLD_PROCESSES; i++) {
      console.error(
        `[metrics/${database}] dashboard, fresh process ${i + 1} of ${COLD_PROCESSES}, ${snapshot === "none" ? "without" : "from"} the snapshot`,
      );
      const last = snapshot === "use" && i === COLD_PROCESSES - 1;
      dashboards.push(
        await probe<DashboardProbe>(
          {
            task: "dashboard",
            shop: SHOP,
            ...period,
            snapshot,
            warm: WARM_CALLS,
            changeRounds: last ? CHANGE_ROUNDS : 0,
            changeOrders: CHANGED_ORDERS,
          },
          databaseUrl,
          signal,
        ),
      );
    }
  }

  console.error(`[metrics/${database}] webhook-like order upserts with and without Order_shopDomain_updatedAt_idx`);
  const webhooks = await probe<WebhookProbe>(
    { task: "webhooks", shop: SHOP, warmup: WEBHOOK_WARMUP, perBlock: WEBHOOK_BLOCK },
    databaseUrl,
    signal,
  );

  const cold = (snapshot: "none" | "use") => dashboards.filter((d) => d.snapshot === snapshot).map((d) => d.cold);
  const changes = dashboards.flatMap((d) => d.afterChanges);
  const breakdown = (calls: DashboardCall[]): Breakdown => ({
    read: round(median(calls.map((c) => c.readMs))),
    snapshot: round(median(calls.map((c) => c.snapshotDecodeMs))),
    apply: round(median(calls.map((c) => c.applyMs))),
    histories: round(median(calls.map((c) => c.historiesMs))),
    rest: round(median(calls.map((c) => c.restMs))),
  });
  const scratch = fit.fromScratch;
  const daily = fit.fromPreviousFit;
  return {
    database,
    import: {
      status: importResult.status,
      orders: importResult.orders,
      seconds: importResult.seconds,
      error: importResult.error,
    },
    analyzeMs,
    period,
    fit,
    dashboards,
    webhooks,
    summary: {
      coldMs: round(median(cold("use").map((c) => c.ms))),
      coldBreakdownMs: breakdown(cold("use")),
      coldNoSnapshotMs: round(median(cold("none").map((c) => c.ms))),
      coldNoSnapshotBreakdownMs: breakdown(cold("none")),
      eventLoopMaxMs: {
        snapshot: round(median(dashboards.filter((d) => d.snapshot === "use").map((d) => d.eventLoopDelay.maxMs))),
        noSnapshot: round(median(dashboards.filter((d) => d.snapshot === "none").map((d) => d.eventLoopDelay.maxMs))),
      },
      prismaFirstQueryMs: round(median(dashboards.map((d) => d.prismaFirstQueryMs))),
      warmMs: round(median(dashboards.flatMap((d) => d.warmMs))),
      warmCalls: dashboards.flatMap((d) => d.warmMs).length,
      afterChangesMs: round(median(changes.map((c) => c.ms))),
      afterChangesBreakdownMs: breakdown(changes),
      afterChangesRounds: changes.length,
      componentsMs: Object.fromEntries(
        Object.keys(dashboards[0]?.components ?? {}).map((name) => [
          name,
          round(median(dashboards.map((d) => d.components[name]))),
        ]),
      ),
      fitScratch: medianFit(scratch),
      fitDaily: medianFit(daily),
      webhookWithIndexMs: webhooks.withIndex.medianMs,
      webhookWithoutIndexMs: webhooks.withoutIndex.medianMs,
      webhookAddedMs: webhooks.addedMs,
    },
  };
}
