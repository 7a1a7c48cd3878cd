// Target D: a fleet of shops on PostgreSQL with two app instances (`npm run bench -- --only fleet`).
//
//   1. 300 shops with heavy-tailed sizes (most under 5,000 orders, four of 200k to 800k, over 2M in
//      all), each installed through the real token exchange and imported through the real history
//      import (the Admin API double serves each shop's bulk export), run by the two instances' workers.
//   2. Then webhooks interleaved across shops, open loop: 100/s with a burst of 300/s for 30 s, sent
//      to the instances in turn (a load balancer), retried like Shopify retries (same webhook id)
//      when an instance does not answer; meanwhile one client opens dashboards and customer lists
//      of random shops, and in the middle one instance is killed with SIGKILL and started again.
//   3. Checks that nothing was lost or doubled: every acknowledged delivery stored once, every
//      created order present, no order earning twice, every order that earns having its points.
//
// Reports webhook p50/p99, delivery-to-points time, dashboard and customer list p50/p95 for cold
// (first open of a shop on an instance) and hot shops, RSS of each instance and the job queue
// depth over time.
import { mkdirSync, readFileSync } from "node:fs";
import pg from "pg";
import { Agent, request } from "undici";
import { heapLimitMiB, PROCESS_ALLOWANCE_MIB } from "../app/platform/heap-limit.mjs";
import { migrate } from "../app/platform/db/migrate.server";
import { startAdminDouble, type AdminDouble } from "../test/mocks/shopify-admin";
import { adminCall, installShop } from "../test/support/app-proxy";
import { startAppServer, TEST_API_KEY, TEST_API_SECRET, TEST_SCOPES, type AppServer } from "../test/support/app-server";
import { freshDatabase } from "../test/support/database";
import { BROWSER_HEADERS, embeddedAppUrl, sessionToken } from "../test/support/session-token";
import { fixture, sendWebhook } from "../test/support/webhooks";
import { historyFile } from "./import-throughput";
import { DeliveryPlanner, rng, stats, type Delivery, type LatencyStats } from "./webhook-load";

export interface FleetOptions {
  shops: number;
  /** Length of the webhook phase. */
  minutes: number;
  /** Multiplies every shop's size (1 = over 2M orders; 0.01 for a quick rehearsal). */
  scale: number;
}

const BASE_RATE = 100;
const BURST_RATE = 300;
const BURST_SECONDS = 30;
const RETRY_DELAYS_MS = [1_000, 2_000, 5_000, 10_000, 20_000];
const REQUEST_TIMEOUT_MS = 10_000;
const SAMPLE_MS = 2_000;
/** Ledger ids the poller reads again each time, for entries committed after newer ones. */
const LEDGER_LOOKBACK = 20_000;
const RESTART_AFTER_MS = 10_000;
/** The cache budget the instances run with; RSS must stay under it plus PROCESS_ALLOWANCE_MIB. */
const BUDGET_MIB = 512;
/** The loyalty program every fleet shop runs: 1 point per 1.00, earned at once. */
const PROGRAM = {
  enabled: true,
  settings: { pendingDays: 0 },
  rules: [{ id: "purchase", kind: "purchase", points: 1, perAmount: "100", effectiveFrom: "2019-01-01T00:00:00.000Z" }],
};

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * Orders per shop: four large shops (800k, 400k, 250k, 200k) and the rest log-normal around 1,200
 * orders (about nine in ten under 5,000), like an app's install base.
 */
export function fleetSizes(shops: number, scale: number): number[] {
  const random = rng(7);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const large = [800_000, 400_000, 250_000, 200_000].slice(0, Math.max(0, shops - 1));
  const small = Array.from({ length: shops - large.length }, () =>
    Math.min(40_000, Math.max(30, Math.round(1_200 * Math.exp(1.1 * normal())))),
  );
  return [...large, ...small].map((orders) => Math.max(20, Math.round(orders * scale)));
}

interface Instance {
  name: string;
  server: AppServer;
  alive: boolean;
  /** Shops whose dashboard this instance has served since it started (later opens are hot). */
  warm: Set<string>;
  rssMiB: number[];
  /** The process's thread count at each RSS sample: one more than usual while the model thread runs. */
  threads: number[];
  /** How many of rssMiB's samples were taken before the webhook phase. */
  importSamples: number;
}

interface Shop {
  domain: string;
  orders: number;
  planner: DeliveryPlanner;
}

export interface FleetResult {
  shops: number;
  orders: { files: number; imported: number };
  import: { seconds: number; failed: number };
  webhooks: {
    offered: number;
    acknowledged: number;
    retried: number;
    failedForGood: number;
    latency: LatencyStats;
    latencyInBurst: LatencyStats;
    latencyAroundKill: LatencyStats;
  };
  deliveryToPoints: LatencyStats & { orders: number; withoutPoints: number; withoutPointsWhy: Record<string, number> };
  dashboards: Record<string, LatencyStats>;
  rssMiB: {
    budget: number;
    /** The instances' V8 old-space limit, as server.mjs derives it from the budget. */
    heapLimit: number;
    limit: number;
    peak: Record<string, number>;
    peakByPhase: Record<string, { import: number; webhooks: number }>;
    withinLimit: boolean;
    /**
     * The webhook phase's peak with the model thread (decision 34) alive (more threads than the
     * phase's fewest) and without it: how much of a peak the thread's heap is.
     */
    peakByModelThread: Record<string, { alive: number; notAlive: number }>;
    seriesEvery2s: Record<string, number[]>;
    threadsEvery2s: Record<string, number[]>;
  };
  /** Each instance's `cache` log lines: the cache's bytes beside the process's heap and buffers. */
  memoryEveryMinute: Record<string, unknown[]>;
  queueDepthEvery5s: { second: number; depth: Record<string, number> }[];
  kill: { atSecond: number; restartedAtSecond: number } | null;
  integrity: { missingEvents: number; doubledEvents: number; missingOrders: number; doubledEarnings: number };
}

/** The process's RSS and thread count (0 and 0 when it is not running). */
function processStatus(pid: number | undefined): { rssMiB: number; threads: number } {
  if (!pid) return { rssMiB: 0, threads: 0 };
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const field = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return { rssMiB: Math.round(field("VmRSS") / 1024), threads: field("Threads") };
  } catch {
    return { rssMiB: 0, threads: 0 };
  }
}

/** The webhook phase's RSS peak with the model thread alive and without it (see FleetResult). */
function peakByModelThread(instance: Instance): { alive: number; notAlive: number } {
  const rss = instance.rssMiB.slice(instance.importSamples);
  const threads = instance.threads.slice(instance.importSamples);
  // By then every other thread (libuv's pool, V8's) has started: the fewest is the count without it.
  const usual = Math.min(...threads.filter((n) => n > 0));
  const peak = (alive: boolean) => Math.max(0, ...rss.filter((_, i) => threads[i] > 0 && threads[i] > usual === alive));
  return { alive: peak(true), notAlive: peak(false) };
}

/** The instance's `cache` log lines, parsed. */
function cacheLines(output: string): unknown[] {
  return output
    .split("\n")
    .filter((line) => line.includes('"message":"cache"'))
    .map((line) => {
      const { time, memoryMiB, usedMiB } = JSON.parse(line) as { time: string; memoryMiB: unknown; usedMiB: number };
      return { time, cacheMiB: usedMiB, ...(memoryMiB as object) };
    });
}

/**
 * Why orders of the webhook phase have no earn entry after the drain, by the first reason that
 * applies, in the order the loyalty task checks them (app/loyalty/earning.ts orderState,
 * firstEarn, purchaseBase with the program's default settings): by design a test, guest,
 * unprocessed or cancelled order, a held-out member, or an order whose kept subtotal is under the
 * 1.00 that earns a point (an order first seen already refunded in full); an unfinished drain or a
 * bug shows as "task waiting", "task failed" or "unexplained"; "earned, not seen by the poller"
 * is the bench's own miss (see pollLedger).
 */
async function whyWithoutPoints(client: pg.Pool, gids: string[]): Promise<Record<string, number>> {
  const { rows } = await client.query<{ reason: string; n: string }>(
    `SELECT CASE
        WHEN EXISTS (SELECT 1 FROM "LedgerEntry" e WHERE e."shopDomain" = o."shopDomain" AND e."sourceKey" = 'order:' || o.gid || ':earn')
          THEN 'earned, not seen by the poller'
        WHEN o.id IS NULL THEN 'not stored'
        WHEN o.test THEN 'test order'
        WHEN o."customerId" IS NULL THEN 'guest order'
        WHEN o."processedAt" IS NULL THEN 'not processed'
        WHEN o."cancelledAt" IS NOT NULL THEN 'cancelled'
        WHEN m."heldOut" THEN 'member held out'
        WHEN t.id IS NOT NULL AND t."lastError" IS NOT NULL THEN 'task failed: ' || left(t."lastError", 120)
        WHEN t.id IS NOT NULL THEN 'task waiting'
        WHEN o."currentSubtotalAmount" < 100 THEN 'purchase base under 1.00: 0 points'
        ELSE 'unexplained'
      END AS reason, count(*) AS n
     FROM unnest($1::text[]) AS missing(gid)
     LEFT JOIN "Order" o ON o.gid = missing.gid
     LEFT JOIN "Customer" c ON c.id = o."customerId"
     LEFT JOIN "LoyaltyMember" m ON m."shopDomain" = o."shopDomain" AND m."customerGid" = c.gid
     LEFT JOIN "LoyaltyTask" t ON t."shopDomain" = o."shopDomain" AND t.kind = 'order' AND t.key = o.gid
     GROUP BY 1 ORDER BY 2 DESC`,
    [gids],
  );
  return Object.fromEntries(rows.map((row) => [row.reason, Number(row.n)]));
}

/** What waits for a worker, by kind of work (loyalty tasks by their kind: order, review, metafields). */
async function queueDepth(client: pg.Pool): Promise<Record<string, number>> {
  const { rows } = await client.query<{ kind: string; n: string }>(`
    SELECT 'loyalty:' || kind AS kind, count(*) AS n FROM "LoyaltyTask" GROUP BY kind
    UNION ALL SELECT 'webhookRetries', count(*) FROM "WebhookEvent" WHERE status IN ('received', 'failed')
    UNION ALL SELECT 'imports', count(*) FROM "HistoryImport" WHERE status IN ('created', 'running', 'ready', 'importing')`);
  return Object.fromEntries(rows.map((row) => [row.kind, Number(row.n)]));
}

export async function runFleet(options: FleetOptions, signal: AbortSignal): Promise<FleetResult> {
  const started = performance.now();
  const second = () => Math.round((performance.now() - started) / 100) / 10;
  const sizes = fleetSizes(options.shops, options.scale);
  mkdirSync("bench-results/fleet", { recursive: true });
  console.error(`[fleet] ${sizes.length} shops, ${sizes.reduce((a, b) => a + b, 0).toLocaleString("en")} orders: history files`);
  const files: Awaited<ReturnType<typeof historyFile>>[] = [];
  for (const [k, orders] of sizes.entries()) {
    files.push(await historyFile(orders, { seed: 1000 + k, idOffset: BigInt(k + 1) * 10n ** 10n, dir: "bench-results/fleet" }));
    if (signal.aborted) throw new Error("interrupted");
  }

  const databaseUrl = await freshDatabase("postgresql", "comeback_bench_fleet");
  await migrate(databaseUrl);
  // A pool: the samplers and the ledger poller query at the same time.
  const client = new pg.Pool({ connectionString: databaseUrl, max: 3 });
  const double: AdminDouble = await startAdminDouble({ apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, scopes: TEST_SCOPES });
  // Production's worker interval and lease, and the cache budget the RSS limit is judged against.
  // Info lines on: the cache's once-a-minute line carries the process's memory.
  const env = {
    COMEBACK_WORKER_INTERVAL_MS: "",
    COMEBACK_LEASE_MS: "",
    COMEBACK_CACHE_BUDGET_MIB: String(BUDGET_MIB),
    COMEBACK_QUIET: "",
    // The heap limit is production's: server.mjs derives it from the budget (app/platform/heap-limit.mjs).
    COMEBACK_HEAP_MIB: "",
  };
  const start = async (name: string): Promise<Instance> => ({
    name,
    server: await startAppServer({ databaseUrl, adminDoubleUrl: double.url, env }),
    alive: true,
    warm: new Set(),
    rssMiB: [],
    threads: [],
    importSamples: 0,
  });
  const instances: Instance[] = [];
  const agent = new Agent({ connections: 512, keepAliveTimeout: 60_000 });
  const samplers: NodeJS.Timeout[] = [];
  try {
    instances.push(await start("a"), await start("b"));
    const queue: FleetResult["queueDepthEvery5s"] = [];
    samplers.push(
      setInterval(() => {
        for (const instance of instances) {
          const status = processStatus(instance.alive ? instance.server.process.pid : undefined);
          instance.rssMiB.push(status.rssMiB);
          instance.threads.push(status.threads);
        }
      }, SAMPLE_MS),
      setInterval(() => {
        const at = second();
        void queueDepth(client).then(
          (depth) => {
            queue.push({ second: at, depth });
            if (queue.length % 6 === 0) console.error(`[fleet] ${at} s: waiting ${JSON.stringify(depth)}`);
          },
          () => undefined,
        );
      }, 5_000),
    );

    // 1. Install every shop (alternating instances, as a load balancer would) and import its history.
    const shops: Shop[] = sizes.map((orders, k) => ({
      domain: `fleet-${String(k).padStart(3, "0")}.myshopify.com`,
      orders: files[k].lines,
      planner: new DeliveryPlanner(`fleet-${String(k).padStart(3, "0")}.myshopify.com`, {
        seed: 5000 + k,
        idOffset: BigInt(k + 1) * 10n ** 10n,
        live: true,
        customers: Math.max(20, Math.round(Math.sqrt(files[k].lines) * 20)),
      }),
    }));
    const importStarted = performance.now();
    // One merchant's install, program and Shopify's bulk_operations/finish. On a loaded machine a
    // step can fail (an install answered while its afterAuth hook still runs, a connection reset);
    // a merchant opens the page again and Shopify retries its webhook: so does the bench, three times.
    // Every step is idempotent.
    const onboardOnce = async (shop: Shop, k: number, app: string) => {
      await installShop(app, double.url, shop.domain, { jsonlFile: files[k].file });
      // On a loaded machine the install page can answer before its afterAuth hook has stored the shop.
      for (let waited = 0; ; waited += 500) {
        const { rowCount } = await client.query(`SELECT 1 FROM "Shop" WHERE domain = $1 AND "installState" = 'installed'`, [
          shop.domain,
        ]);
        if (rowCount) break;
        if (waited >= 60_000) throw new Error(`${shop.domain}: not installed 60 s after its install page answered`);
        await sleep(500);
      }
      const saved = await adminCall(app, shop.domain, "/app/api/loyalty/program", PROGRAM);
      if (saved.status !== 200)
        throw new Error(`${shop.domain}: saving the program answered ${saved.status}: ${await saved.text()}`);
      // The double finishes every export at once; Shopify then says so with bulk_operations/finish.
      const { rows } = await client.query<{ gid: string }>(
        `SELECT "bulkOperationGid" AS gid FROM "HistoryImport" WHERE "shopDomain" = $1 AND status = 'running'`,
        [shop.domain],
      );
      for (const { gid } of rows) {
        const finish = { ...fixture("bulk_operations/finish"), admin_graphql_api_id: gid };
        const answer = await sendWebhook(app, { topic: "bulk_operations/finish", shop: shop.domain, body: finish });
        if (answer.status !== 200) throw new Error(`${shop.domain}: bulk_operations/finish answered ${answer.status}`);
      }
    };
    const onboard = async (k: number) => {
      const shop = shops[k];
      const instance = instances[k % 2];
      for (let attempt = 1; ; attempt++) {
        try {
          return await onboardOnce(shop, k, instance.server.url);
        } catch (error) {
          if (attempt === 4) throw error;
          const cause = (error as Error & { cause?: unknown }).cause;
          console.error(
            `[fleet] ${(error as Error).message}${cause ? ` (${String(cause)})` : ""}; again. Instance ${instance.name}: ${instance.server.output().slice(-600)}`,
          );
          await sleep(5_000);
        }
      }
    };
    // Four merchants installing at a time.
    let nextShop = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (nextShop < shops.length && !signal.aborted) await onboard(nextShop++);
      }),
    );
    if (signal.aborted) throw new Error("interrupted");
    console.error(`[fleet] ${shops.length} shops installed at ${second()} s; waiting for their imports`);
    for (;;) {
      const { rows } = await client.query<{ active: string; failed: string; imported: string }>(`
        SELECT count(*) FILTER (WHERE status IN ('created', 'running', 'ready', 'importing')) AS active,
               count(*) FILTER (WHERE status = 'failed') AS failed,
               coalesce(sum("ordersImported"), 0) AS imported
        FROM "HistoryImport"`);
      if (Number(rows[0].active) === 0) break;
      if (signal.aborted) throw new Error("interrupted");
      await sleep(1_000);
    }
    const importSeconds = Math.round((performance.now() - importStarted) / 100) / 10;
    const imported = await client.query<{ imported: string; failed: string }>(
      `SELECT coalesce(sum("ordersImported"), 0) AS imported, count(*) FILTER (WHERE status = 'failed') AS failed FROM "HistoryImport"`,
    );
    console.error(`[fleet] imports done in ${importSeconds} s; webhooks for ${options.minutes} min`);
    for (const instance of instances) instance.importSamples = instance.rssMiB.length;

    // 2. Webhooks, dashboards, and the kill.
    const phaseMs = options.minutes * 60_000;
    const burstFrom = phaseMs * 0.4;
    const killAt = phaseMs * 0.6;
    const weights = shops.map((shop) => Math.sqrt(shop.orders));
    const totalWeight = weights.reduce((a, b) => a + b, 0);
    const pickShop = (random: () => number) => {
      let left = random() * totalWeight;
      return shops.find((_, k) => (left -= weights[k]) < 0) ?? shops[0];
    };
    const random = rng(11);
    const acknowledged = new Map<string, { delivery: Delivery; at: number }>();
    const latencies: number[] = [];
    const inBurst: number[] = [];
    const aroundKill: number[] = [];
    const firstSeenOrder = new Map<string, number>();
    let offered = 0;
    let retried = 0;
    let failedForGood = 0;
    let turn = 0;
    let kill: FleetResult["kill"] = null;

    const post = async (delivery: Delivery): Promise<boolean> => {
      const live = instances.filter((instance) => instance.alive);
      const instance = live[turn++ % live.length];
      try {
        const response = await request(`${instance.server.url}/webhooks`, {
          method: "POST",
          headers: delivery.headers,
          body: delivery.body,
          dispatcher: agent,
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        await response.body.dump();
        return response.statusCode >= 200 && response.statusCode <= 299;
      } catch {
        return false;
      }
    };
    const deliver = async (delivery: Delivery, due: number, phaseAt: number) => {
      for (let attempt = 0; ; attempt++) {
        if (await post(delivery)) break;
        if (attempt === RETRY_DELAYS_MS.length) return void failedForGood++;
        retried++;
        await sleep(RETRY_DELAYS_MS[attempt]);
      }
      const done = performance.now();
      const id = delivery.headers["X-Shopify-Webhook-Id"];
      if (!acknowledged.has(id)) acknowledged.set(id, { delivery, at: done });
      if (delivery.orderGid && !firstSeenOrder.has(delivery.orderGid)) firstSeenOrder.set(delivery.orderGid, done);
      latencies.push(done - due);
      if (phaseAt >= burstFrom && phaseAt < burstFrom + BURST_SECONDS * 1000) inBurst.push(done - due);
      if (Math.abs(phaseAt - killAt) < 15_000) aroundKill.push(done - due);
    };

    // Points as they appear in the ledger, polled: the time from acknowledgement to points. Ids are
    // taken when a row is inserted, not when its transaction commits: a batch of the other instance
    // can commit entries below the newest id seen. Each poll looks back LEDGER_LOOKBACK ids (the last
    // run's poller, without it, never saw 144 and 162 orders' points).
    const pointsSeen = new Map<string, number>();
    let lastEntry = 0;
    const pollLedger = async () => {
      const { rows } = await client.query<{ id: number; orderGid: string }>(
        `SELECT id, "orderGid" FROM "LedgerEntry" WHERE id > $1 AND source = 'order' AND type = 'earn' ORDER BY id LIMIT 50000`,
        [Math.max(0, lastEntry - LEDGER_LOOKBACK)],
      );
      const now = performance.now();
      for (const row of rows) {
        lastEntry = Math.max(lastEntry, row.id);
        if (!pointsSeen.has(row.orderGid)) pointsSeen.set(row.orderGid, now);
      }
    };
    let polling = true;
    const ledgerPoller = (async () => {
      while (polling) {
        await pollLedger().catch(() => undefined);
        await sleep(250);
      }
    })();

    const dashboardTimes: Record<string, number[]> = {};
    let browsing = true;
    const browser = (async () => {
      const hotShops = shops.slice(0, 20);
      while (browsing) {
        const shop =
          random() < 0.5 ? hotShops[Math.floor(random() * hotShops.length)] : shops[Math.floor(random() * shops.length)];
        const live = instances.filter((instance) => instance.alive);
        const instance = live[Math.floor(random() * live.length)];
        const temperature = instance.warm.has(shop.domain) ? "hot" : "cold";
        for (const [page, path] of [
          ["dashboard", "/app"],
          ["customers", "/app/customers"],
        ] as const) {
          const began = performance.now();
          try {
            const response = await request(embeddedAppUrl(instance.server.url, shop.domain, sessionToken(shop.domain), path), {
              headers: BROWSER_HEADERS,
              dispatcher: agent,
              signal: AbortSignal.timeout(30_000),
            });
            await response.body.dump();
            if (response.statusCode === 200) (dashboardTimes[`${page}/${temperature}`] ??= []).push(performance.now() - began);
          } catch {
            // the instance was killed mid-request
          }
        }
        instance.warm.add(shop.domain);
        await sleep(500);
      }
    })();

    const inFlight = new Set<Promise<void>>();
    const phaseStart = performance.now() + 50;
    const dueAt = (n: number) => {
      // n-th delivery's offset from the phase start: BASE_RATE/s, BURST_RATE/s inside the burst.
      const beforeBurst = (burstFrom / 1000) * BASE_RATE;
      const burst = BURST_SECONDS * BURST_RATE;
      if (n < beforeBurst) return (n / BASE_RATE) * 1000;
      if (n < beforeBurst + burst) return burstFrom + ((n - beforeBurst) / BURST_RATE) * 1000;
      return burstFrom + BURST_SECONDS * 1000 + ((n - beforeBurst - burst) / BASE_RATE) * 1000;
    };
    const total = Math.round((phaseMs / 1000 - BURST_SECONDS) * BASE_RATE + BURST_SECONDS * BURST_RATE);
    let killed: Instance | null = null;
    let restarting: Promise<void> = Promise.resolve();
    for (let next = 0; next < total && !signal.aborted;) {
      const now = performance.now();
      for (; next < total && phaseStart + dueAt(next) <= now; next++) {
        const pending = deliver(pickShop(random).planner.next(), phaseStart + dueAt(next), dueAt(next));
        offered++;
        inFlight.add(pending);
        void pending.finally(() => inFlight.delete(pending));
      }
      if (!killed && now - phaseStart >= killAt) {
        killed = instances[1];
        killed.alive = false;
        killed.server.process.kill("SIGKILL");
        kill = { atSecond: second(), restartedAtSecond: 0 };
        console.error(`[fleet] SIGKILL instance b at ${kill.atSecond} s`);
        restarting = (async () => {
          await sleep(RESTART_AFTER_MS);
          // On a loaded machine a start can miss startAppServer's 30 s health deadline: try again.
          for (let attempt = 1; attempt <= 3 && !signal.aborted; attempt++) {
            try {
              instances.push(await start("b2"));
              kill!.restartedAtSecond = second();
              return;
            } catch (error) {
              console.error(`[fleet] restarting instance b, attempt ${attempt}: ${(error as Error).message.split("\n")[0]}`);
            }
          }
        })();
      }
      if (next < total) await sleep(Math.max(0, Math.min(50, phaseStart + dueAt(next) - performance.now())));
    }
    await Promise.all(inFlight);
    await restarting;
    browsing = false;
    await browser;
    if (signal.aborted) throw new Error("interrupted");

    // 3. Drain, then count.
    console.error(`[fleet] ${offered} deliveries sent; draining the queues at ${second()} s`);
    const orderGids = [...firstSeenOrder.keys()];
    const drainDeadline = performance.now() + 180_000;
    while (performance.now() < drainDeadline) {
      const depth = await queueDepth(client);
      if (Object.entries(depth).every(([kind, n]) => kind === "imports" || n === 0)) break;
      await sleep(1_000);
    }
    await pollLedger();
    polling = false;
    await ledgerPoller;
    const ids = [...acknowledged.keys()];
    const events = await client.query<{ webhookId: string; n: string }>(
      `SELECT "webhookId", count(*) AS n FROM "WebhookEvent" WHERE "webhookId" = ANY($1) GROUP BY 1`,
      [ids],
    );
    const created = [
      ...new Set(
        [...acknowledged.values()]
          .filter(({ delivery }) => delivery.kind === "orders/create")
          .map(({ delivery }) => delivery.orderGid!),
      ),
    ];
    const orders = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "Order" WHERE gid = ANY($1)`, [created]);
    // An order earns its purchase points once (later edits add corrections with other reasons).
    const doubled = await client.query<{ n: string }>(
      `SELECT count(*) AS n FROM (SELECT "orderGid" FROM "LedgerEntry" WHERE reason = 'purchase' AND "orderGid" = ANY($1)
         GROUP BY "shopDomain", "orderGid" HAVING count(*) > 1) AS twice`,
      [orderGids],
    );
    const pointTimes = orderGids
      .filter((gid) => pointsSeen.has(gid))
      .map((gid) => pointsSeen.get(gid)! - firstSeenOrder.get(gid)!);
    const withoutPoints = await whyWithoutPoints(
      client,
      orderGids.filter((gid) => !pointsSeen.has(gid)),
    );

    return {
      shops: shops.length,
      orders: { files: files.reduce((sum, file) => sum + file.lines, 0), imported: Number(imported.rows[0].imported) },
      import: { seconds: importSeconds, failed: Number(imported.rows[0].failed) },
      webhooks: {
        offered,
        acknowledged: acknowledged.size,
        retried,
        failedForGood,
        latency: stats(latencies),
        latencyInBurst: stats(inBurst),
        latencyAroundKill: stats(aroundKill),
      },
      deliveryToPoints: {
        ...stats(pointTimes),
        orders: orderGids.length,
        withoutPoints: orderGids.length - pointTimes.length,
        withoutPointsWhy: withoutPoints,
      },
      dashboards: Object.fromEntries(Object.entries(dashboardTimes).map(([key, values]) => [key, stats(values)])),
      rssMiB: {
        budget: BUDGET_MIB,
        heapLimit: heapLimitMiB({ COMEBACK_CACHE_BUDGET_MIB: String(BUDGET_MIB) })!,
        limit: BUDGET_MIB + PROCESS_ALLOWANCE_MIB,
        peak: Object.fromEntries(instances.map((instance) => [instance.name, Math.max(0, ...instance.rssMiB)])),
        peakByPhase: Object.fromEntries(
          instances.map((instance) => [
            instance.name,
            {
              import: Math.max(0, ...instance.rssMiB.slice(0, instance.importSamples)),
              webhooks: Math.max(0, ...instance.rssMiB.slice(instance.importSamples)),
            },
          ]),
        ),
        withinLimit: instances.every((instance) => Math.max(0, ...instance.rssMiB) <= BUDGET_MIB + PROCESS_ALLOWANCE_MIB),
        peakByModelThread: Object.fromEntries(instances.map((instance) => [instance.name, peakByModelThread(instance)])),
        seriesEvery2s: Object.fromEntries(instances.map((instance) => [instance.name, instance.rssMiB])),
        threadsEvery2s: Object.fromEntries(instances.map((instance) => [instance.name, instance.threads])),
      },
      memoryEveryMinute: Object.fromEntries(instances.map((instance) => [instance.name, cacheLines(instance.server.output())])),
      queueDepthEvery5s: queue,
      kill,
      integrity: {
        missingEvents: ids.length - events.rows.length,
        doubledEvents: events.rows.filter((row) => Number(row.n) > 1).length,
        missingOrders: created.length - Number(orders.rows[0].n),
        doubledEarnings: Number(doubled.rows[0].n),
      },
    };
  } catch (error) {
    // Whatever stopped the run, each instance's last words say whether one of them died.
    for (const instance of instances) {
      const { exitCode, signalCode } = instance.server.process;
      console.error(
        `[fleet] instance ${instance.name} (exit ${exitCode ?? "-"}, signal ${signalCode ?? "-"}):\n${instance.server.output().slice(-3000)}`,
      );
    }
    throw error;
  } finally {
    for (const timer of samplers) clearInterval(timer);
    await Promise.race([agent.destroy().catch(() => undefined), sleep(2_000)]);
    await Promise.all(instances.map((instance) => instance.server.stop().catch(() => undefined)));
    await double.close().catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}
