// One measurement of the metrics bench (bench/metrics.ts), run in a fresh process with
// DATABASE_URL set: `tsx bench/metrics-probe.ts '<json task>'`. Prints one JSON line (the last
// line on stdout) with the figures; the app's logs go to stderr.
//
// Tasks:
//   dashboard  the first getDashboard of this process (cold: the order facts are loaded from the
//              database: from the metrics snapshot plus the orders changed since, or with
//              snapshot "none" from every counted order), then `warm` more calls, then
//              `changeRounds` rounds of: upsert `changeOrders` orders the way a webhook does, then
//              one getDashboard.
//   fit        refitModels from scratch (no stored fit) and from the previous fit (the daily refit).
//   webhooks   single-order upserts, one transaction each, with Order_shopDomain_updatedAt_idx
//              present and dropped (A B B A A B B A blocks, so drift falls on both sides alike).
//   cdnow      fitBgNbd + fitGammaGamma, and fitParetoNbd, on the CDNOW sample (no database).
//   caches     loads the order facts (and their histories) of `shops` one after another, in the
//              cache budget of COMEBACK_CACHE_BUDGET_MIB; RSS and the cache's bytes after each.
import "../scripts/env";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";

type Task =
  | {
      task: "dashboard";
      shop: string;
      from: string;
      to: string;
      /** "none": the snapshot is deleted first, so every order is read; "use": start from the stored one. */
      snapshot: "none" | "use";
      warm: number;
      changeRounds: number;
      changeOrders: number;
    }
  | { task: "fit"; shop: string; runs: number }
  | { task: "webhooks"; shop: string; warmup: number; perBlock: number }
  | { task: "cdnow"; runs: number }
  | { task: "caches"; shops: string[] };

const task = JSON.parse(process.argv[2] ?? "{}") as Task;
const round = (ms: number, digits = 1) => Number(ms.toFixed(digits));
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const INDEX = "Order_shopDomain_updatedAt_idx";

async function main(): Promise<unknown> {
  if (task.task === "cdnow") return cdnow(task.runs);
  // Imported here, not timed: module loading is not part of any figure.
  const { default: db } = await import("../app/platform/db/client.server");
  const { dialect } = await import("../app/platform/sql/dialect.server");
  try {
    switch (task.task) {
      case "dashboard":
        return await dashboard(db, dialect, task);
      case "fit":
        return await fit(db, task);
      case "webhooks":
        return await webhooks(db, dialect, task);
      case "caches":
        return await caches(task.shops);
      default:
        throw new Error(`unknown task ${JSON.stringify(task)}`);
    }
  } finally {
    await db.$disconnect();
  }
}

type Db = (typeof import("../app/platform/db/client.server"))["default"];
type Dialect = import("../app/platform/sql/dialects").Dialect;
type OrderRecord = import("../app/sync/records").OrderRecord;

// ---- Many shops in one cache budget ------------------------------------------------------------

async function caches(shops: string[]) {
  const { shopFacts } = await import("../app/metrics/facts.server");
  const { shopCaches } = await import("../app/platform/cache.server");
  const mib = (bytes: number) => round(bytes / 2 ** 20);
  const after: { rssMiB: number; heapMiB: number; cacheMiB: number }[] = [];
  const started = performance.now();
  for (const shop of shops) {
    const { facts } = await shopFacts(shop);
    facts.histories();
    const memory = process.memoryUsage();
    after.push({ rssMiB: mib(memory.rss), heapMiB: mib(memory.heapUsed), cacheMiB: mib(shopCaches.stats().bytes) });
  }
  return { seconds: round((performance.now() - started) / 1000, 2), after, stats: shopCaches.stats() };
}

// ---- Webhook-like order upserts -----------------------------------------------------------------

/**
 * Orders as webhooks bring them: 3 in 7 new orders (orders/create) of existing customers, the
 * rest newer versions of recent orders (orders/paid, orders/updated) with a partial return taken
 * off the subtotal. Loaded before any clock starts.
 */
async function webhookOrders(db: Db, shop: string, count: number): Promise<OrderRecord[]> {
  const newest = await db.order.findFirst({ where: { shopDomain: shop }, orderBy: { id: "desc" }, select: { id: true } });
  if (!newest) throw new Error(`no orders for ${shop}`);
  const recent = await db.order.findMany({
    where: { shopDomain: shop, id: { gt: newest.id - 50_000 }, deletedAt: null, processedAt: { not: null } },
    select: {
      gid: true,
      name: true,
      processedAt: true,
      shopifyCreatedAt: true,
      cancelledAt: true,
      test: true,
      sourceName: true,
      financialStatus: true,
      currency: true,
      presentmentCurrency: true,
      totalAmount: true,
      subtotalAmount: true,
      currentSubtotalAmount: true,
      discountAmount: true,
      shippingAmount: true,
      taxAmount: true,
      customer: { select: { gid: true, firstSeenAt: true } },
    },
  });
  // Deterministic shuffle (mulberry32), so every run touches the same rows.
  let seed = 12345;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const stamp = BigInt(Date.now()) * 10_000n;
  const records: OrderRecord[] = [];
  for (let i = 0; i < count; i++) {
    const base = recent[Math.floor(random() * recent.length)];
    const record: OrderRecord = {
      gid: base.gid,
      name: base.name,
      processedAt: base.processedAt,
      createdAt: base.shopifyCreatedAt,
      updatedAt: new Date(), // set again right before the upsert
      cancelledAt: base.cancelledAt,
      test: base.test,
      sourceName: base.sourceName,
      financialStatus: base.financialStatus,
      currency: base.currency,
      presentmentCurrency: base.presentmentCurrency,
      totalAmount: base.totalAmount,
      subtotalAmount: base.subtotalAmount,
      currentSubtotalAmount: base.currentSubtotalAmount,
      discountAmount: base.discountAmount,
      shippingAmount: base.shippingAmount,
      taxAmount: base.taxAmount,
      refundedAmount: 0n,
      customer: base.customer && { gid: base.customer.gid, createdAt: base.customer.firstSeenAt },
      refunds: [],
    };
    if (i % 7 < 3) {
      // A new order: fresh id (above 2^53 like Shopify's) and processed now.
      record.gid = `gid://shopify/Order/${2n ** 53n + 900_000_000_000_000n + stamp + BigInt(i)}`;
      record.name = `#B${stamp + BigInt(i)}`;
      record.processedAt = new Date();
      record.createdAt = record.processedAt;
      record.cancelledAt = null;
      record.financialStatus = "paid";
      record.currentSubtotalAmount = record.subtotalAmount;
    } else {
      record.currentSubtotalAmount = (record.currentSubtotalAmount * 9n) / 10n;
      record.financialStatus = "partially_refunded";
    }
    records.push(record);
  }
  return records;
}

let store: typeof import("../app/sync/store.server") | undefined;

/**
 * The webhook path of app/sync/webhooks.server.ts (applyEvent): the effect's statements are
 * recorded, then sent as one batch transaction; on PostgreSQL with an asynchronous commit.
 */
async function upsertLikeWebhook(db: Db, dialect: Dialect, shop: string, order: OrderRecord): Promise<void> {
  const { upsertOrders } = (store ??= await import("../app/sync/store.server"));
  const statements: [string, unknown[]][] = dialect.asyncCommit ? [[dialect.asyncCommit, []]] : [];
  const recorder = {
    $executeRawUnsafe: (sql: string, ...params: unknown[]) => (statements.push([sql, params]), Promise.resolve(0)),
  };
  order.updatedAt = new Date();
  await upsertOrders(recorder, shop, [order]);
  await db.$transaction(statements.map(([sql, params]) => db.$executeRawUnsafe(sql, ...params)));
}

/** Waits (up to a minute) for the snapshot the first look writes in the background; ms waited, or null. */
async function waitForSnapshot(db: Db, shop: string): Promise<number | null> {
  const started = performance.now();
  while (performance.now() - started < 60_000) {
    if (await db.metricsSnapshot.findUnique({ where: { shopDomain: shop }, select: { orders: true } }))
      return round(performance.now() - started);
    await sleep(20);
  }
  return null;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

// ---- Tasks ---------------------------------------------------------------------------------------

async function dashboard(db: Db, dialect: Dialect, t: Extract<Task, { task: "dashboard" }>) {
  const { getDashboard } = await import("../app/metrics/metrics.server");
  const { OrderFacts } = await import("../app/metrics/order-facts");
  store = await import("../app/sync/store.server");

  // Where a call's time goes: restoring the snapshot (OrderFacts.fromSnapshot), applying the rows
  // read (OrderFacts.apply) and grouping by customer (histories()) are timed; the database reads
  // are what precedes apply, less the snapshot's decoding.
  const calls: { what: "apply" | "histories" | "snapshot"; start: number; ms: number; rows: number }[] = [];
  const apply = OrderFacts.prototype.apply;
  OrderFacts.prototype.apply = function (this: InstanceType<typeof OrderFacts>, rows) {
    const list = Array.isArray(rows) ? rows : [...rows];
    const start = performance.now();
    apply.call(this, list);
    calls.push({ what: "apply", start, ms: performance.now() - start, rows: list.length });
  };
  const histories = OrderFacts.prototype.histories;
  OrderFacts.prototype.histories = function (this: InstanceType<typeof OrderFacts>) {
    const start = performance.now();
    const result = histories.call(this);
    calls.push({ what: "histories", start, ms: performance.now() - start, rows: 0 });
    return result;
  };
  const fromSnapshot = OrderFacts.fromSnapshot.bind(OrderFacts);
  OrderFacts.fromSnapshot = (timeZone, bytes) => {
    const start = performance.now();
    const result = fromSnapshot(timeZone, bytes);
    calls.push({ what: "snapshot", start, ms: performance.now() - start, rows: result?.size ?? 0 });
    return result;
  };

  const snapshotRow = () =>
    db.metricsSnapshot.findUnique({ where: { shopDomain: t.shop }, select: { updatedAt: true, orders: true } });
  if (t.snapshot === "none") await db.metricsSnapshot.deleteMany({ where: { shopDomain: t.shop } });
  const snapshotBefore = await snapshotRow();
  if (t.snapshot === "use" && !snapshotBefore) throw new Error("no metrics snapshot to start from");

  // The app's Prisma client answers other requests (the session lookup) before a dashboard: its
  // first query is timed apart, not counted in the cold call.
  const started = performance.now();
  await db.shop.count();
  const prismaFirstQueryMs = performance.now() - started;

  const query = { from: t.from, to: t.to };
  const sum = (what: string) => calls.filter((c) => c.what === what).reduce((total, c) => total + c.ms, 0);
  /** One getDashboard, with where its time went. */
  const timed = async () => {
    calls.length = 0;
    const started = performance.now();
    const dashboard = await getDashboard(t.shop, query);
    const ms = performance.now() - started;
    const lastApply = calls.findLast((c) => c.what === "apply");
    const applyMs = sum("apply");
    const historiesMs = sum("histories");
    const snapshotMs = sum("snapshot");
    // Reads and applies take turns, a slice at a time: what is not applying up to the last slice is reading.
    const readMs = lastApply ? lastApply.start + lastApply.ms - started - snapshotMs - applyMs : NaN;
    return {
      dashboard,
      figures: {
        ms: round(ms),
        // Prisma's shop lookup, the snapshot row (if any) and the driver reading the orders
        // (every counted one without a snapshot, else the changed ones), with the turns the
        // event loop gets between slices.
        readMs: round(readMs),
        snapshotDecodeMs: round(snapshotMs),
        snapshotOrders: calls.find((c) => c.what === "snapshot")?.rows ?? 0,
        applyMs: round(applyMs),
        rows: calls.filter((c) => c.what === "apply").reduce((total, c) => total + c.rows, 0),
        historiesMs: round(historiesMs),
        // KPIs, cohorts, segments, loading the fit and predicting every customer.
        restMs: round(ms - (Number.isNaN(readMs) ? 0 : readMs) - snapshotMs - applyMs - historiesMs),
      },
    };
  };

  // How long the event loop (every other request of the instance) was held up by the cold call
  // and by the background snapshot write that follows a load without a snapshot.
  // (The histogram records nothing until its timer has ticked once, nor a stall it has not seen end.)
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  await sleep(30);
  const { dashboard: first, figures: cold } = await timed();

  // Without a snapshot, the first look writes one in the background: wait for it, so that it
  // does not run under the warm calls (and the next process can start from it).
  const snapshotSavedAfterMs = t.snapshot === "none" ? await waitForSnapshot(db, t.shop) : null;
  await sleep(20);
  loop.disable();
  const eventLoopDelay = { maxMs: round(loop.max / 1e6), p99Ms: round(loop.percentile(99) / 1e6) };

  const warmMs: number[] = [];
  for (let i = 0; i < t.warm; i++) {
    const { figures } = await timed();
    warmMs.push(figures.ms);
    // A warm call must read nothing: rows written in the last minute would be read again.
    if (figures.rows)
      throw new Error(
        `warm call ${i + 1} re-read ${figures.rows} changed rows: something wrote to the orders less than a minute ago`,
      );
  }
  const components = await dashboardComponents(t);

  const afterChanges: ({ upsertMs: number } & typeof cold)[] = [];
  if (t.changeRounds) {
    const orders = await webhookOrders(db, t.shop, t.changeRounds * t.changeOrders);
    for (let r = 0; r < t.changeRounds; r++) {
      const started = performance.now();
      for (const order of orders.slice(r * t.changeOrders, (r + 1) * t.changeOrders))
        await upsertLikeWebhook(db, dialect, t.shop, order);
      const upsertMs = round(performance.now() - started);
      afterChanges.push({ upsertMs, ...(await timed()).figures });
    }
  }
  const snapshot = await snapshotRow();
  return {
    snapshot: t.snapshot,
    // The snapshot as the cold call found it, and as the process left it.
    snapshotBefore: snapshotBefore && {
      orders: snapshotBefore.orders,
      ageSeconds: round((Date.now() - snapshotBefore.updatedAt.getTime()) / 1000),
    },
    snapshotSavedAfterMs,
    snapshotAfter: snapshot && { orders: snapshot.orders },
    eventLoopDelay,
    prismaFirstQueryMs: round(prismaFirstQueryMs),
    cold,
    warmMs,
    components,
    afterChanges,
    rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20),
    // Enough of the document to see it was the full dashboard.
    check: {
      periods: first.periods,
      orderingCustomers: first.kpis.current.orderingCustomers,
      retentionRate: first.kpis.current.retentionRate,
      cohortRows: first.cohorts.rows.length,
      cohortMonths: first.cohorts.months,
      segments: first.segments.length,
      predictions: first.predictions.status,
      customersByRisk: "summary" in first.predictions ? first.predictions.summary?.customersByRisk : null,
    },
  };
}

/**
 * The parts of a warm dashboard timed one by one, as getDashboard computes them (median of 5),
 * to show where a warm call's time goes; plus the snapshot serialisation that one call in a while
 * also does (saveSnapshotWhenDue in facts.server.ts).
 */
async function dashboardComponents(t: Extract<Task, { task: "dashboard" }>) {
  const { shopFacts } = await import("../app/metrics/facts.server");
  const { periodKpis } = await import("../app/metrics/kpis");
  const { resolvePeriods } = await import("../app/metrics/periods");
  const { cohortTable } = await import("../app/metrics/cohorts");
  const { rfmScores, segmentSummary } = await import("../app/metrics/segments");
  const { DASHBOARD_COHORTS } = await import("../app/metrics/metrics.server");
  const times: Record<string, number[]> = {};
  const time = async <T>(name: string, work: () => T | Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await work();
    (times[name] ??= []).push(performance.now() - started);
    return result;
  };
  for (let i = 0; i < 5; i++) {
    const { shop, facts } = await time("shopFacts (lookup and refresh)", () => shopFacts(t.shop));
    const h = facts.histories();
    const periods = resolvePeriods({ from: t.from, to: t.to }, facts.calendar.dayOf(Date.now()));
    await time("KPIs (3 periods)", () =>
      [periods.current, periods.previous, periods.yearAgo].map((p) => periodKpis(h, p, shop.lookbackDays)),
    );
    await time("cohort table", () =>
      cohortTable(h, { asOf: periods.current.to, maxCohorts: DASHBOARD_COHORTS, maxMonths: DASHBOARD_COHORTS }),
    );
    await time("segments", () => segmentSummary(rfmScores(h, periods.current.to)));
    // Every few minutes, when the facts changed, one call also serialises them for the snapshot.
    await time("snapshot bytes (every 5 min after changes)", () => facts.toSnapshot());
  }
  return Object.fromEntries(Object.entries(times).map(([name, values]) => [name, round(median(values))]));
}

async function fit(db: Db, t: Extract<Task, { task: "fit" }>) {
  const { refitModels } = await import("../app/metrics/metrics.server");
  const { shopFacts } = await import("../app/metrics/facts.server");
  // The facts first (that is the dashboard's cold load): the fit's figures are the fit alone.
  let started = performance.now();
  const { facts } = await shopFacts(t.shop);
  const loadMs = performance.now() - started;
  await waitForSnapshot(db, t.shop); // written in the background after a load: not under the fits
  // The fit runs in a worker thread (decision 34): how long the event loop still waited meanwhile.
  const run = async () => {
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    await sleep(30);
    started = performance.now();
    const result = await refitModels(t.shop);
    const wallMs = round(performance.now() - started);
    await sleep(20);
    loop.disable();
    return { wallMs, seconds: Number(result.seconds.toFixed(3)), eventLoopMaxMs: round(loop.max / 1e6), result };
  };
  const scratch = [];
  for (let i = 0; i < t.runs; i++) {
    await db.purchaseModelFit.deleteMany({ where: { shopDomain: t.shop } });
    scratch.push(await run());
  }
  const daily = [];
  for (let i = 0; i < t.runs; i++) daily.push(await run());
  const last = daily.at(-1)!.result;
  const strip = (runs: Awaited<ReturnType<typeof run>>[]) =>
    runs.map(({ wallMs, seconds, eventLoopMaxMs }) => ({ wallMs, seconds, eventLoopMaxMs }));
  return {
    factsLoadMs: round(loadMs),
    orders: facts.size,
    fromScratch: strip(scratch),
    fromPreviousFit: strip(daily),
    fit: {
      customers: last.customers,
      stable: last.stable,
      reasons: last.reasons,
      bgNbd: last.bgNbd,
      gammaGamma: last.gammaGamma,
    },
  };
}

async function webhooks(db: Db, dialect: Dialect, t: Extract<Task, { task: "webhooks" }>) {
  const orders = await webhookOrders(db, t.shop, t.warmup + 4 * t.perBlock);
  const blocks: { name: string; ms: number[] }[] = [];
  const kinds = orders.map((_, i) => (i % 7 < 3 ? "create" : "update"));
  const times: { block: "with" | "without"; kind: string; ms: number }[] = [];
  let next = 0;
  const block = async (name: "with" | "without" | "warmup", count: number) => {
    const ms: number[] = [];
    if (name !== "warmup") blocks.push({ name, ms });
    for (let i = 0; i < count; i++, next++) {
      const started = performance.now();
      await upsertLikeWebhook(db, dialect, t.shop, orders[next]);
      const elapsed = performance.now() - started;
      if (name === "warmup") continue;
      times.push({ block: name, kind: kinds[next], ms: elapsed });
      ms.push(elapsed);
    }
  };
  const exists = async () => {
    const rows: unknown[] =
      dialect.kind === "postgresql"
        ? await db.$queryRawUnsafe(`SELECT 1 FROM pg_indexes WHERE indexname = '${INDEX}'`)
        : await db.$queryRawUnsafe(`SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = '${INDEX}'`);
    return rows.length > 0;
  };
  if (!(await exists())) throw new Error(`${INDEX} is missing before the bench: was a previous run interrupted?`);
  const create = `CREATE INDEX "${INDEX}" ON "Order"("shopDomain", "updatedAt")`;
  let dropped = false;
  const createIndexMs: number[] = [];
  const dropIndex = async () => {
    await db.$executeRawUnsafe(`DROP INDEX "${INDEX}"`);
    dropped = true;
  };
  const createIndex = async () => {
    const started = performance.now();
    await db.$executeRawUnsafe(create);
    createIndexMs.push(round(performance.now() - started));
    dropped = false;
  };
  // A B B A A B B A in blocks of perBlock / 2: a drift in the machine's load falls on both sides alike.
  const half = Math.floor(t.perBlock / 2);
  try {
    await block("warmup", t.warmup);
    await block("with", half);
    await dropIndex();
    await block("without", t.perBlock);
    await createIndex();
    await block("with", t.perBlock);
    await dropIndex();
    await block("without", t.perBlock);
    await createIndex();
    await block("with", half);
  } finally {
    if (dropped) await db.$executeRawUnsafe(create);
  }
  if (!(await exists())) throw new Error(`${INDEX} was not restored`);
  const pick = (block: string, kind?: string) =>
    times.filter((x) => x.block === block && (!kind || x.kind === kind)).map((x) => x.ms);
  const summary = (block: string, kind?: string) => {
    const values = pick(block, kind);
    const sorted = [...values].sort((a, b) => a - b);
    return {
      count: values.length,
      medianMs: round(median(values), 3),
      p90Ms: round(sorted[Math.ceil(0.9 * sorted.length) - 1], 3),
    };
  };
  const withIndex = summary("with");
  const withoutIndex = summary("without");
  return {
    withIndex,
    withoutIndex,
    addedMs: round(withIndex.medianMs - withoutIndex.medianMs, 3),
    ratio: round(withIndex.medianMs / withoutIndex.medianMs, 3),
    byKind: Object.fromEntries(
      ["create", "update"].map((kind) => [kind, { withIndex: summary("with", kind), withoutIndex: summary("without", kind) }]),
    ),
    createIndexMs,
    // In run order: does the difference hold in every pair of blocks?
    blockMediansMs: blocks.map((b) => ({ index: b.name, count: b.ms.length, medianMs: round(median(b.ms), 3) })),
  };
}

async function cdnow(runs: number) {
  const { loadCdnowSummary } = await import("../test/fixtures/cdnow/load");
  const { fitBgNbd } = await import("../app/metrics/models/bgnbd");
  const { fitGammaGamma } = await import("../app/metrics/models/gamma-gamma");
  const { fitParetoNbd } = await import("../app/metrics/models/pareto-nbd");
  const data = loadCdnowSummary();
  // Gamma-Gamma on the customers with repeat purchases, mean spend = zbar.
  const repeat = [...data.x.keys()].filter((i) => data.x[i] > 0);
  const spend = { x: Float64Array.from(repeat, (i) => data.x[i]), mbar: Float64Array.from(repeat, (i) => data.zbar[i]) };
  const results: { bgNbdMs: number; gammaGammaMs: number; totalMs: number; paretoNbdMs: number }[] = [];
  let bg, gg, pareto;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    bg = fitBgNbd(data);
    const between = performance.now();
    gg = fitGammaGamma(spend);
    const ended = performance.now();
    pareto = fitParetoNbd(data);
    const paretoMs = performance.now() - ended;
    results.push({
      bgNbdMs: round(between - started, 2),
      gammaGammaMs: round(ended - between, 2),
      totalMs: round(ended - started, 2),
      paretoNbdMs: round(paretoMs, 2),
    });
  }
  return {
    customers: data.x.length,
    repeatCustomers: repeat.length,
    runs: results,
    bgNbd: bg && { r: bg.r, alpha: bg.alpha, a: bg.a, b: bg.b, iterations: bg.iterations, converged: bg.converged },
    gammaGamma: gg && { p: gg.p, q: gg.q, gamma: gg.gamma, iterations: gg.iterations, converged: gg.converged },
    paretoNbd: pareto && {
      r: pareto.r,
      alpha: pareto.alpha,
      s: pareto.s,
      beta: pareto.beta,
      iterations: pareto.iterations,
      converged: pareto.converged,
    },
  };
}

try {
  const result = await main();
  process.stdout.write(`\n${JSON.stringify(result)}\n`);
  process.exit(0);
} catch (error) {
  console.error((error as Error).stack ?? error);
  process.exit(1);
}
