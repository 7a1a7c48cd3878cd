// Target A: webhook latency under an open-loop load against the built app as a real HTTP server.
//
// Open loop: delivery i is due at t0 + i * interval whatever happened to earlier ones, and its
// latency counts from that due time, so a stalled server shows up as latency instead of quietly
// lowering the offered rate (coordinated omission). Bodies and signatures are prepared before the
// clock starts so the client does as little as possible on this 2-core machine.
import { randomUUID } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { Agent, request } from "undici";
import { migrate } from "../app/platform/db/migrate.server";
import { startAdminDouble } from "../test/mocks/shopify-admin";
import { installShop } from "../test/support/app-proxy";
import { startAppServer, TEST_API_KEY, TEST_API_SECRET, TEST_SCOPES } from "../test/support/app-server";
import { freshDatabase, type TestDatabaseKind } from "../test/support/database";
import { fixtureText, sign } from "../test/support/webhooks";

export const SHOP = "bench-shop.myshopify.com";
export const DEFAULT_RATE = 100; // deliveries per second
/** The latency a rate must hold to count as held (`--rate max`). */
export const HELD_P99_MS = 50;
/** `--rate max` offers these rates in turn, each on a fresh database and server, until one is not held. */
export const MAX_RATE_STEPS = [50, 100, 150, 200, 300, 400, 500, 600, 800, 1000, 1200, 1500, 2000];
const WARMUP_SECONDS = 2; // JIT, connection pool, prepared statements: sent but not measured
/**
 * The rate search's warm-up: each step starts a fresh database and app server, and on PostgreSQL
 * the first seconds (empty tables growing, their first autovacuum and analyze, a cold JIT) cost
 * more than 2 s of warm-up hides: a 10 s step at 100/s missed with p99 71 ms where a 30 s run at
 * the same rate had 15 ms.
 */
export const MAX_RATE_WARMUP_SECONDS = 10;
const CUSTOMERS = 200;
const REQUEST_TIMEOUT_MS = 10_000;
// Share of each kind of delivery; orders total 70%.
const MIX: [Kind, number][] = [
  ["orders/create", 0.3],
  ["orders/paid", 0.2],
  ["orders/updated", 0.2],
  ["refunds/create", 0.1],
  ["customers/update", 0.15],
  ["duplicate", 0.05],
];

type Kind = "orders/create" | "orders/paid" | "orders/updated" | "refunds/create" | "customers/update" | "duplicate";

export interface Delivery {
  kind: Kind;
  /** The order a delivery creates or changes (orders/* topics). */
  orderGid: string | null;
  headers: Record<string, string>;
  body: string;
}

export interface LatencyStats {
  count: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

export interface WebhookResult {
  database: TestDatabaseKind;
  seconds: number;
  /** Sent before `seconds` and not measured. */
  warmupSeconds: number;
  offeredRate: number;
  sent: number;
  ok: number;
  errors: number;
  errorSamples: string[];
  achievedRate: number;
  /** How late the client itself sent (ms after the due time): large values mean the client lagged. */
  sendLag: LatencyStats;
  latency: Record<string, LatencyStats>;
  /** The ten slowest deliveries and when they were due (s after measuring began): clustered or spread? */
  slowest: { kind: string; dueAtSecond: number; ms: number }[];
  /** Percent of one core; appServerMsPerDelivery is the app server's CPU time (its worker included) per delivery. */
  cpu: { appServer: number; benchClient: number; appServerMsPerDelivery: number };
}

// Fixture ids (Shopify's samples, see test/fixtures/webhooks/README.md), swapped per delivery.
const FIXTURE_ORDER = "820982911946154508";
const FIXTURE_CUSTOMER = "706405506930370084";
const FIXTURE_REFUND = "890088186047892319";
const TOP_LEVEL_UPDATED_AT = /^ {2}"updated_at": "[^"]*"/m;

/** Deterministic PRNG (mulberry32): the same run sends the same deliveries. */
export function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIXTURE_PLACED_AT = "2021-12-31T19:00:00-05:00";

/**
 * One shop's stream of deliveries, deterministic for a seed. Ids stay above 2^53 like Shopify's and
 * are moved by `idOffset` (10^10 apart per shop), and every update is newer than the last.
 * `live` deliveries are real, current orders (not test orders, placed at the moment they are
 * planned), so that they earn points; otherwise the fixtures' 2021 test orders are kept.
 */
export class DeliveryPlanner {
  private readonly random: () => number;
  private readonly templates: Record<string, string>;
  private readonly orders: { id: string; customer: string }[] = [];
  private readonly planned: Delivery[] = [];
  private clock = Date.UTC(2025, 0, 1);
  private nextOrder = 0;
  private nextRefund = 0;

  constructor(
    private readonly shop: string,
    private readonly options: { seed: number; idOffset: bigint; live: boolean; customers?: number },
  ) {
    this.random = rng(options.seed);
    this.templates = Object.fromEntries(
      ["orders/create", "orders/paid", "orders/updated", "refunds/create", "customers/update"].map((t) => [t, fixtureText(t)]),
    );
  }

  private customerId(): string {
    const k = Math.floor(this.random() * (this.options.customers ?? CUSTOMERS));
    return String(800_000_000_000_000_000n + this.options.idOffset + BigInt(k));
  }

  private newOrder() {
    const id = String(900_000_000_000_000_000n + this.options.idOffset + BigInt(this.nextOrder++));
    const order = { id, customer: this.customerId() };
    this.orders.push(order);
    return order;
  }

  private recentOrder() {
    const { orders } = this;
    return orders.length ? orders[Math.max(0, orders.length - 1 - Math.floor(this.random() * 300))] : this.newOrder();
  }

  private stamp(body: string): string {
    let text = body.replace(
      TOP_LEVEL_UPDATED_AT,
      `  "updated_at": "${new Date((this.clock += this.options.live ? 1 : 1000)).toISOString()}"`,
    );
    if (this.options.live) {
      text = text.replaceAll(FIXTURE_PLACED_AT, new Date(this.clock).toISOString()).replace('"test": true', '"test": false');
    }
    return text;
  }

  private orderBody(template: string, order: { id: string; customer: string }) {
    return this.stamp(
      template
        .replaceAll(FIXTURE_ORDER, order.id)
        .replaceAll(FIXTURE_CUSTOMER, order.customer)
        // orders/updated carries its refund inline; give each order its own.
        .replaceAll(FIXTURE_REFUND, String(BigInt(order.id) + 50_000_000_000_000_000n)),
    );
  }

  next(): Delivery {
    if (this.options.live) this.clock = Math.max(this.clock, Date.now());
    let pick = this.random();
    const [kind] = MIX.find(([, share]) => (pick -= share) < 0) ?? MIX[0];
    const { planned, templates } = this;
    if (kind === "duplicate" && planned.length) {
      // A re-sent delivery: same X-Shopify-Webhook-Id and body as one sent shortly before.
      const original = planned[Math.max(0, planned.length - 1 - Math.floor(this.random() * 200))];
      return { ...original, kind };
    }
    const topic = kind === "duplicate" ? "orders/create" : kind;
    let body: string;
    let orderGid: string | null = null;
    if (topic === "orders/create" || topic === "orders/paid" || topic === "orders/updated") {
      const order = topic === "orders/create" ? this.newOrder() : this.recentOrder();
      orderGid = `gid://shopify/Order/${order.id}`;
      body = this.orderBody(templates[topic], order);
    } else if (topic === "refunds/create") {
      body = templates[topic]
        .replaceAll(FIXTURE_ORDER, this.recentOrder().id)
        .replaceAll(FIXTURE_REFUND, String(700_000_000_000_000_000n + this.options.idOffset + BigInt(this.nextRefund++)));
    } else {
      body = this.stamp(templates[topic].replaceAll(FIXTURE_CUSTOMER, this.customerId()));
    }
    const delivery: Delivery = {
      kind: topic as Kind,
      orderGid,
      body,
      headers: {
        "Content-Type": "application/json",
        "X-Shopify-Topic": topic,
        "X-Shopify-Shop-Domain": this.shop,
        "X-Shopify-API-Version": "2026-10",
        "X-Shopify-Webhook-Id": randomUUID(),
        "X-Shopify-Event-Id": randomUUID(),
        "X-Shopify-Triggered-At": new Date(this.clock).toISOString(),
        "X-Shopify-Hmac-Sha256": sign(body, TEST_API_SECRET),
      },
    };
    planned.push(delivery);
    if (planned.length > 400) planned.splice(0, 200);
    return delivery;
  }
}

/** The deliveries of the single-shop run. */
export function planDeliveries(count: number): Delivery[] {
  const planner = new DeliveryPlanner(SHOP, { seed: 42, idOffset: 0n, live: false });
  return Array.from({ length: count }, () => planner.next());
}

export function stats(values: number[]): LatencyStats {
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : NaN);
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return {
    count: sorted.length,
    p50: round(at(0.5)),
    p90: round(at(0.9)),
    p95: round(at(0.95)),
    p99: round(at(0.99)),
    max: round(at(1)),
  };
}

/** utime + stime of a process, in seconds (Linux clock ticks are 100 Hz). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** The CPU seconds of a process once it used less than 2 % of a core for a second (at most 30 s on). */
async function cpuWhenIdle(pid: number): Promise<number> {
  let last = cpuSeconds(pid);
  for (const until = performance.now() + 30_000; performance.now() < until;) {
    await sleep(1000);
    const now = cpuSeconds(pid);
    if (now - last < 0.02) return last;
    last = now;
  }
  return last;
}

/** Resolves when `promise` settles or after `ms`, whichever comes first. */
const bounded = (promise: Promise<unknown>, ms: number) => Promise.race([promise.catch(() => undefined), sleep(ms)]);

export async function runWebhookLoad(
  database: TestDatabaseKind,
  seconds: number,
  signal: AbortSignal,
  options: { cpuProfileDir?: string; rate?: number; warmupSeconds?: number } = {},
): Promise<WebhookResult> {
  const rate = options.rate ?? DEFAULT_RATE;
  const warmupSeconds = options.warmupSeconds ?? WARMUP_SECONDS;
  console.error(`[webhooks/${database}] preparing database, Admin API double and app server`);
  const databaseUrl =
    database === "sqlite" ? "file:./bench-results/webhooks.sqlite" : await freshDatabase("postgresql", "comeback_bench_webhooks");
  if (database === "sqlite")
    for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(`bench-results/webhooks.sqlite${suffix}`, { force: true });
  await migrate(databaseUrl);
  const double = await startAdminDouble({ apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, scopes: TEST_SCOPES });
  // Production's worker interval and lease, not the test harness's fast ones ("" = the app's default).
  const env: Record<string, string> = { COMEBACK_WORKER_INTERVAL_MS: "", COMEBACK_LEASE_MS: "" };
  if (options.cpuProfileDir) {
    // Same preload as startAppServer sets, plus a CPU profile, which V8 writes when the server exits
    // on SIGTERM (server.mjs stops gracefully and exits with 0).
    env.NODE_OPTIONS = [
      `--import ${resolve("test/mocks/shopify-network.mjs")}`,
      `--cpu-prof --cpu-prof-dir=${resolve(options.cpuProfileDir)} --cpu-prof-name=webhooks-${database}-${rate}-app.cpuprofile`,
    ].join(" ");
  }
  const app = await startAppServer({ databaseUrl, adminDoubleUrl: double.url, env }).catch(async (error) => {
    await double.close();
    throw error;
  });
  // More connections than can ever be in flight at once, so no request waits for a socket.
  const agent = new Agent({ connections: 256, keepAliveTimeout: 60_000 });
  try {
    // The app ignores deliveries for a shop that has not installed it.
    await installShop(app.url, double.url, SHOP);
    const warmup = warmupSeconds * rate;
    const deliveries = planDeliveries(warmup + seconds * rate);
    const interval = 1000 / rate;
    const latencies: Record<string, number[]> = { all: [] };
    const lags: number[] = [];
    const slow: { kind: string; due: number; ms: number }[] = [];
    const errorSamples: string[] = [];
    let ok = 0;
    let errors = 0;
    let lastDone = 0;
    let cpuStart = { app: 0, client: process.cpuUsage() };

    const send = async (i: number, due: number) => {
      const delivery = deliveries[i];
      const measured = i >= warmup;
      if (measured) lags.push(performance.now() - due);
      let failure: string | null = null;
      try {
        const response = await request(`${app.url}/webhooks`, {
          method: "POST",
          headers: delivery.headers,
          body: delivery.body,
          dispatcher: agent,
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        const text = await response.body.text();
        if (response.statusCode < 200 || response.statusCode > 299)
          failure = `${delivery.kind}: HTTP ${response.statusCode} ${text.slice(0, 200)}`;
      } catch (error) {
        failure = `${delivery.kind}: ${(error as Error).message}`;
      }
      const done = performance.now();
      if (!measured) return;
      lastDone = Math.max(lastDone, done);
      if (failure) {
        errors++;
        if (errorSamples.length < 5) errorSamples.push(failure);
        return;
      }
      ok++;
      (latencies[delivery.kind] ??= []).push(done - due);
      latencies.all.push(done - due);
      slow.push({ kind: delivery.kind, due, ms: done - due });
    };

    console.error(
      `[webhooks/${database}] sending ${deliveries.length} deliveries at ${rate}/s (${warmupSeconds} s warm-up + ${seconds} s)`,
    );
    const inFlight = new Set<Promise<void>>();
    const t0 = performance.now() + 50;
    const appCpuAtFirstSend = cpuSeconds(app.process.pid!);
    let measureStart = 0;
    for (let next = 0; next < deliveries.length && !signal.aborted;) {
      const now = performance.now();
      for (; next < deliveries.length && t0 + next * interval <= now; next++) {
        if (next === warmup) {
          measureStart = t0 + next * interval;
          cpuStart = { app: cpuSeconds(app.process.pid!), client: process.cpuUsage() };
        }
        const pending = send(next, t0 + next * interval);
        inFlight.add(pending);
        void pending.finally(() => inFlight.delete(pending));
      }
      if (next < deliveries.length) await sleep(Math.max(0, t0 + next * interval - performance.now()));
    }
    // Every request has its own timeout, so this wait is bounded too.
    await Promise.all(inFlight);
    if (signal.aborted) throw new Error("interrupted");

    const window = (lastDone - measureStart) / 1000;
    const appCpuSeconds = cpuSeconds(app.process.pid!) - cpuStart.app;
    const client = process.cpuUsage(cpuStart.client);
    // A server that fell behind still works on deliveries whose client gave up: CPU per delivery is
    // counted over every delivery (warm-up included) once the server is idle again.
    const appCpuForAll = (await cpuWhenIdle(app.process.pid!)) - appCpuAtFirstSend;
    return {
      database,
      seconds,
      offeredRate: rate,
      warmupSeconds,
      sent: deliveries.length - warmup,
      ok,
      errors,
      errorSamples,
      achievedRate: Math.round((ok / window) * 10) / 10,
      sendLag: stats(lags),
      latency: Object.fromEntries(Object.entries(latencies).map(([kind, values]) => [kind, stats(values)])),
      slowest: slow
        .sort((a, b) => b.ms - a.ms)
        .slice(0, 10)
        .map(({ kind, due, ms }) => ({ kind, dueAtSecond: Math.round((due - measureStart) / 100) / 10, ms: Math.round(ms) })),
      cpu: {
        appServer: Math.round((appCpuSeconds / window) * 100),
        benchClient: Math.round(((client.user + client.system) / 1e6 / window) * 100),
        appServerMsPerDelivery: Math.round((appCpuForAll / deliveries.length) * 1e5) / 100,
      },
    };
  } finally {
    // Bounded: a server still running 15 s after SIGTERM is killed (startAppServer's stop() kills
    // it after 3 s, reported as SIGKILL).
    await bounded(agent.destroy(), 2_000);
    const stopping = performance.now();
    await bounded(app.stop(), 15_000);
    if (app.process.exitCode === null && app.process.signalCode === null) {
      console.error(`[webhooks/${database}] app server did not exit on SIGTERM within 15 s; killing it`);
      app.process.kill("SIGKILL");
    } else {
      const how = app.process.signalCode ?? `exit code ${app.process.exitCode}`;
      console.error(
        `[webhooks/${database}] app server stopped (${how}) ${Math.round(performance.now() - stopping)} ms after SIGTERM`,
      );
    }
    await bounded(double.close(), 2_000);
  }
}
