// The metrics service the admin pages, the JSON/CSV routes and `npm run metrics` call.
// Everything is computed from the shop's in-memory order facts (facts.server.ts); the only
// database reads are the changed orders and the shop's latest model fit.
import db from "../platform/db/client.server";
import englishText from "../locales/en/dashboard.json";
import { heavyWork } from "../platform/heavy.server";
import { threadPool } from "../platform/threads.server";
import { log } from "../platform/log.server";
import type { Backtest } from "./backtest";
import { formatLocalDate, type LocalDay } from "./calendar";
import type { CustomerMetricsRow } from "./csv";
import { cohortTable, type CohortTable } from "./cohorts";
import { shopFacts, type ShopFacts } from "./facts.server";
import { kpiChanges, periodKpis, type KpiChange, type PeriodKpis } from "./kpis";
import type { CustomerHistories, OrderFacts } from "./order-facts";
import { describePeriod, parseLookbackDays, resolvePeriods, type PeriodQuery } from "./periods";
import {
  RISK_CODES,
  type CustomerPredictions,
  type FittedModels,
  type PredictionSummary,
  type PurchaseHistories,
} from "./predictions";
import type { FitReason } from "./models/stability";
import { segmentSummary, rfmScores, type RfmScores, type SegmentSummary } from "./segments";
import { nextOrderDue, timeBetweenOrders, type GapDistribution } from "./order-gaps";
import { monthlyRevenue, retentionCurve, type MonthlyRevenue, type RetentionPoint } from "./series";

export const DASHBOARD_COHORTS = 60;
/** Months of the revenue chart, up to the period's end. */
export const REVENUE_MONTHS = 24;
/** A fit older than this is redone by the worker (or by `npm run metrics`). */
export const REFIT_AFTER_MS = 24 * 3_600_000;

export type DashboardQuery = PeriodQuery;

export interface Dashboard {
  shop: { domain: string; currency: string; timezone: string };
  /** Today on the shop's calendar. */
  today: string;
  lookbackDays: number;
  /** The shop's first counted order (shop calendar), null before there is one. */
  firstOrder: string | null;
  periods: Record<"current" | "previous" | "yearAgo", { from: string; to: string; days: number }>;
  kpis: Record<"current" | "previous" | "yearAgo", PeriodKpis>;
  changes: Record<keyof PeriodKpis, KpiChange>;
  /** As of the period's end. */
  cohorts: CohortTable;
  /** Average share of the cohorts ordering k months after their first order, as of the period's end. */
  retentionCurve: RetentionPoint[];
  /** Net revenue by month from new, returning and guest orders, up to the period's end. */
  revenueByMonth: MonthlyRevenue[];
  segments: SegmentSummary[];
  /** Days from the first order to the second and from the second to the third, as of the period's end. */
  timeBetweenOrders: GapDistribution[];
  predictions: PredictionsView;
}

export type PredictionsView =
  | { status: "pending"; message: string }
  | {
      status: "ready" | "unstable";
      fittedAt: string;
      asOf: string;
      customers: number;
      reasons: FitReason[];
      /** The purchase model behind the predictions. */
      model: FittedModels["model"];
      bgNbd: FittedModels["bgNbd"];
      paretoNbd: FittedModels["paretoNbd"];
      gammaGamma: FittedModels["gammaGamma"];
      summary: PredictionSummary | null;
      /** How both models predicted the shop's recent past; null when its history is too short to test. */
      backtest: BacktestView | null;
    };

/** The backtest with its days as dates: the holdout period is [calibrationEnd, asOf). */
export type BacktestView = Omit<Backtest, "calibrationEnd" | "asOf"> & { holdoutFrom: string; holdoutTo: string };

const dashboardCohorts = (h: CustomerHistories, asOf: number, today: number) =>
  cohortTable(h, { asOf, today, maxCohorts: DASHBOARD_COHORTS, maxMonths: DASHBOARD_COHORTS });

export async function getDashboard(shopDomain: string, query: DashboardQuery = {}): Promise<Dashboard> {
  const { shop, facts } = await shopFacts(shopDomain);
  const today = facts.calendar.dayOf(Date.now());
  const h = facts.histories();
  const periods = resolvePeriods(query, today, firstOrderDay(h));
  const W = shop.lookbackDays;
  const kpis = {
    current: periodKpis(h, periods.current, W),
    previous: periodKpis(h, periods.previous, W),
    yearAgo: periodKpis(h, periods.yearAgo, W),
  };
  const asOf = periods.current.to;
  const cohorts = dashboardCohorts(h, asOf, today);
  return {
    shop: { domain: shop.domain, currency: shop.currency, timezone: shop.timezone },
    today: formatLocalDate(today),
    lookbackDays: W,
    firstOrder: firstOrderDay(h) === null ? null : formatLocalDate(h.firstDay),
    periods: {
      current: describePeriod(periods.current),
      previous: describePeriod(periods.previous),
      yearAgo: describePeriod(periods.yearAgo),
    },
    kpis,
    changes: kpiChanges(kpis.current, kpis.previous, kpis.yearAgo),
    cohorts,
    retentionCurve: retentionCurve(cohorts),
    revenueByMonth: monthlyRevenue(h, { asOf, months: REVENUE_MONTHS, today }),
    segments: segmentSummary(rfmScores(h, asOf)),
    timeBetweenOrders: timeBetweenOrders(h, asOf),
    predictions: await predictionsView(shopDomain),
  };
}

/** The shop's first counted order day, null before there is one. */
const firstOrderDay = (h: CustomerHistories) => (h.lastDay >= h.firstDay ? h.firstDay : null);

/** The merchant's lookback window W; a bad value is a MetricsQueryError and changes nothing. */
export async function saveLookbackDays(shopDomain: string, text: string | null): Promise<number> {
  const lookbackDays = parseLookbackDays(text);
  await db.shop.update({ where: { domain: shopDomain }, data: { lookbackDays } });
  return lookbackDays;
}

/** The cohort table as of the period's end, for the CSV export: no KPIs or segments computed. */
export async function getCohorts(
  shopDomain: string,
  query: DashboardQuery = {},
): Promise<{ currency: string; to: string; cohorts: CohortTable }> {
  const { shop, facts } = await shopFacts(shopDomain);
  const today = facts.calendar.dayOf(Date.now());
  const h = facts.histories();
  const { current } = resolvePeriods(query, today, firstOrderDay(h));
  const cohorts = dashboardCohorts(h, current.to, today);
  return { currency: shop.currency, to: describePeriod(current).to, cohorts };
}

// ---- Predictions -------------------------------------------------------------------------

interface StoredFit extends FittedModels {
  fittedAt: Date;
  /** Over the customers as of the fit; the dashboard shows it without recomputing. */
  summary: PredictionSummary | null;
}

async function loadFit(shopDomain: string): Promise<StoredFit | null> {
  const row = await db.purchaseModelFit.findUnique({ where: { shopDomain } });
  if (!row) return null;
  return {
    asOf: row.asOfDay,
    customers: row.customers,
    model: row.model === "pareto-nbd" ? "pareto-nbd" : "bgnbd",
    bgNbd: row.bgNbd ? JSON.parse(row.bgNbd) : null,
    paretoNbd: row.paretoNbd ? JSON.parse(row.paretoNbd) : null,
    gammaGamma: row.gammaGamma ? JSON.parse(row.gammaGamma) : null,
    backtest: row.backtest ? JSON.parse(row.backtest) : null,
    stable: row.stable,
    // Fits stored before reasons had codes hold English sentences.
    reasons: (JSON.parse(row.reasons) as (FitReason | string)[]).map((r) =>
      typeof r === "string" ? { code: null, values: {}, text: r } : r,
    ),
    seconds: row.seconds,
    summary: row.summary ? JSON.parse(row.summary) : null,
    fittedAt: row.fittedAt,
  };
}

/**
 * Backtests both purchase models on the shop's recent past, fits them and the spend model on the
 * whole history up to today, and stores the result: the predictions use the better model.
 */
export function refitModels(shopDomain: string): Promise<StoredFit> {
  return heavyWork(() => refit(shopDomain));
}

/** At most one thread per instance, started when needed and let go when idle (decision 34). */
const modelThread = threadPool<typeof import("./model-thread")>("app/metrics/model-thread.ts");

async function refit(shopDomain: string): Promise<StoredFit> {
  const { facts } = await shopFacts(shopDomain);
  const previous = await loadFit(shopDomain);
  const { fit, summary } = await modelThread.run("fitShop", {
    histories: purchaseHistories(facts),
    asOf: facts.calendar.dayOf(Date.now()) + 1,
    previous: previous && { bgNbd: previous.bgNbd, paretoNbd: previous.paretoNbd, gammaGamma: previous.gammaGamma },
  });
  const data = {
    fittedAt: new Date(),
    asOfDay: fit.asOf,
    customers: fit.customers,
    model: fit.model,
    bgNbd: fit.bgNbd && JSON.stringify(fit.bgNbd),
    paretoNbd: fit.paretoNbd && JSON.stringify(fit.paretoNbd),
    gammaGamma: fit.gammaGamma && JSON.stringify(fit.gammaGamma),
    backtest: fit.backtest && JSON.stringify(fit.backtest),
    stable: fit.stable,
    reasons: JSON.stringify(fit.reasons),
    summary: summary && JSON.stringify(summary),
    seconds: fit.seconds,
  };
  await db.purchaseModelFit.upsert({ where: { shopDomain }, create: { shopDomain, ...data }, update: data });
  log.info("purchase models fitted", {
    shop: shopDomain,
    customers: fit.customers,
    model: fit.model,
    seconds: fit.seconds,
    stable: fit.stable,
  });
  return { ...fit, summary, fittedAt: data.fittedAt };
}

/** The stored fit, refitted first when it is missing or older than REFIT_AFTER_MS. */
export async function currentFit(shopDomain: string, now = Date.now()): Promise<StoredFit> {
  const fit = await loadFit(shopDomain);
  if (fit && now - fit.fittedAt.getTime() < REFIT_AFTER_MS) return fit;
  return refitModels(shopDomain);
}

/** The worker's part: refit shops whose fit is missing or stale. */
export async function refitStaleModels(now = Date.now()): Promise<number> {
  const shops = await db.shop.findMany({
    where: {
      installState: "installed",
      orders: { some: {} },
      AND: [
        { OR: [{ modelFit: null }, { modelFit: { fittedAt: { lt: new Date(now - REFIT_AFTER_MS) } } }] },
        // Not one another instance is fitting, nor one whose last refit failed lately (withModelsLease).
        { OR: [{ modelsLeaseUntil: null }, { modelsLeaseUntil: { lt: new Date(now) } }] },
      ],
      // Not while the history is still arriving: the fit would be redone right after.
      imports: { none: { status: { in: ["created", "running", "ready", "importing"] } } },
    },
    select: { domain: true },
    take: 5,
  });
  for (const { domain } of shops) {
    try {
      // Another instance may have refitted the shop since the query above.
      await withModelsLease(domain, async () => {
        const fit = await loadFit(domain);
        if (!fit || now - fit.fittedAt.getTime() >= REFIT_AFTER_MS) await refitModels(domain);
      });
    } catch (error) {
      // One shop's failure must not hold up every other shop's refit (the chores stop at a throw).
      log.error("purchase models failed", { shop: domain, error: String(error) });
    }
  }
  return shops.length;
}

/** Long enough for the largest shop's refit under load; a killed instance's lease runs out after it. */
const MODELS_LEASE_MS = 10 * 60_000;
/** A shop whose model work failed is left alone this long, then tried again. */
export const MODELS_RETRY_MS = 60 * 60_000;

/**
 * Runs a shop's model work (the worker's refit, then its customer signals) unless another instance
 * holds the shop's lease: each instance's chores see the same stale shops, and without it every
 * instance refitted every shop. Returns whether `work` ran. When `work` throws, the lease is kept
 * for MODELS_RETRY_MS, so that a shop that fails is not tried again on every tick, by any instance.
 */
export async function withModelsLease(shopDomain: string, work: () => Promise<void>): Promise<boolean> {
  const now = new Date();
  const { count } = await db.shop.updateMany({
    where: { domain: shopDomain, OR: [{ modelsLeaseUntil: null }, { modelsLeaseUntil: { lt: now } }] },
    data: { modelsLeaseUntil: new Date(now.getTime() + MODELS_LEASE_MS) },
  });
  if (count === 0) return false;
  let failed = true;
  try {
    await work();
    failed = false;
  } finally {
    const until = failed ? new Date(Date.now() + MODELS_RETRY_MS) : null;
    await db.shop.updateMany({ where: { domain: shopDomain }, data: { modelsLeaseUntil: until } });
  }
  return true;
}

/** The typed arrays the models read, without the facts' functions (which a thread cannot receive). */
function purchaseHistories(facts: OrderFacts): PurchaseHistories {
  const { customers, start, days, net } = facts.histories();
  return { customers, start, days, net };
}

/** Per-customer predictions for the customers list and export, computed once per facts version and fit. */
const predictionCache = new WeakMap<OrderFacts, { key: string; predictions: Promise<CustomerPredictions | null> }>();

function customerPredictions(facts: OrderFacts, fit: StoredFit): Promise<CustomerPredictions | null> {
  const key = `${facts.version}|${fit.fittedAt.getTime()}`;
  const cached = predictionCache.get(facts);
  if (cached?.key === key) return cached.predictions;
  const predictions = modelThread.run("predictShop", { histories: purchaseHistories(facts), fit });
  predictionCache.set(facts, { key, predictions });
  // A failed run is not kept: the next call tries again.
  predictions.catch(() => predictionCache.get(facts)?.predictions === predictions && predictionCache.delete(facts));
  return predictions;
}

async function predictionsView(shopDomain: string): Promise<PredictionsView> {
  const fit = await loadFit(shopDomain);
  if (!fit) return { status: "pending", message: englishText.predictions.pending };
  return {
    status: fit.stable ? "ready" : "unstable",
    fittedAt: fit.fittedAt.toISOString(),
    asOf: formatLocalDate(fit.asOf - 1),
    customers: fit.customers,
    reasons: fit.reasons,
    model: fit.model,
    bgNbd: fit.bgNbd,
    paretoNbd: fit.paretoNbd,
    gammaGamma: fit.gammaGamma,
    summary: fit.summary,
    backtest: fit.backtest && backtestView(fit.backtest),
  };
}

function backtestView({ calibrationEnd, asOf, ...rest }: Backtest): BacktestView {
  return { ...rest, holdoutFrom: formatLocalDate(calibrationEnd), holdoutTo: formatLocalDate(asOf - 1) };
}

// ---- Customers ------------------------------------------------------------------------------

/**
 * Every customer with a counted order, with RFM scores, segment and (if fitted) predictions, as
 * parallel columns by position: the customers list builds its rows from them and the export its
 * CSV lines, with no object per customer in between (a 200,000-customer shop's rows and maps cost
 * hundreds of MB of garbage per build).
 */
export interface CustomerColumns {
  shop: ShopFacts["shop"];
  facts: OrderFacts;
  asOf: LocalDay;
  scores: RfmScores;
  /** Dense customer index (as in `scores.customer`) -> position in `scores`, -1 without a counted order. */
  positionOf: Int32Array;
  /** Per position: the first and last counted order's day. */
  firstOrderDay: Int32Array;
  lastOrderDay: Int32Array;
  /** Per position: when the next order is due by the customer's rhythm, NaN when unknown. */
  nextOrderDue: Float64Array;
  /** Per position: index into `predictions`, -1 without one. */
  prediction: Int32Array;
  predictions: CustomerPredictions | null;
}

export async function customerColumns(shopDomain: string): Promise<CustomerColumns> {
  const { shop, facts } = await shopFacts(shopDomain);
  const h = facts.histories();
  const asOf = facts.calendar.dayOf(Date.now()) + 1;
  const scores = rfmScores(h, asOf);
  const fit = await loadFit(shopDomain);
  const predictions = fit && (await customerPredictions(facts, fit));
  const n = scores.customer.length;
  const positionOf = new Int32Array(h.customers).fill(-1);
  for (let i = 0; i < n; i++) positionOf[scores.customer[i]] = i;
  const prediction = new Int32Array(n).fill(-1);
  if (predictions) {
    for (let p = 0; p < predictions.customer.length; p++) {
      const i = positionOf[predictions.customer[p]];
      if (i >= 0) prediction[i] = p;
    }
  }
  const [firstToSecond] = timeBetweenOrders(h, asOf);
  const firstOrderDay = new Int32Array(n);
  const lastOrderDay = new Int32Array(n);
  const nextOrderDueDay = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = scores.customer[i];
    const s = h.start[c];
    let last = s;
    while (last + 1 < h.start[c + 1] && h.days[last + 1] < asOf) last++;
    firstOrderDay[i] = h.days[s];
    lastOrderDay[i] = h.days[last];
    nextOrderDueDay[i] = nextOrderDue(h, c, asOf, firstToSecond.median) ?? Number.NaN;
  }
  return {
    shop,
    facts,
    asOf,
    scores,
    positionOf,
    firstOrderDay,
    lastOrderDay,
    nextOrderDue: nextOrderDueDay,
    prediction,
    predictions,
  };
}

/** Formats local days, each distinct day once: a few thousand strings shared by 200,000 rows. */
export function dayFormatter(): (day: LocalDay) => string {
  const formatted = new Map<LocalDay, string>();
  return (day) => {
    let text = formatted.get(day);
    if (text === undefined) formatted.set(day, (text = formatLocalDate(day)));
    return text;
  };
}

type CustomerMetrics = { shop: ShopFacts["shop"]; rows: CustomerMetricsRow[] };

/** Every customer with a counted order, with RFM scores, segment and (if fitted) predictions. */
export function customerMetrics(shopDomain: string): Promise<CustomerMetrics> {
  return heavyWork(() => customerMetricsRows(shopDomain));
}

/**
 * Customers per slice of withCustomerMetricsSlices: a few hundred kB of rows at a time, and a slice's
 * ids fit in one query (Prisma allows 999 parameters a query on SQLite).
 */
const METRICS_SLICE = 900;

/**
 * The same rows a slice at a time, for `use` within one turn of heavy work: a caller that builds
 * as much again from every row (the customer signals compare each with its stored values) holds one
 * slice of both at a time. Whole, a 293,000-customer shop's rows, their ids and the stored values
 * took about 130 MiB for seconds, one of the fleet bench's largest memory spikes.
 */
export function withCustomerMetricsSlices<T>(
  shopDomain: string,
  use: (shop: ShopFacts["shop"], slices: AsyncIterable<CustomerMetricsRow[]>) => Promise<T>,
): Promise<T> {
  return heavyWork(async () => {
    const columns = await customerColumns(shopDomain);
    return use(columns.shop, metricsSlices(columns));
  });
}

async function* metricsSlices(columns: CustomerColumns): AsyncGenerator<CustomerMetricsRow[]> {
  const { facts, scores } = columns;
  const day = dayFormatter();
  for (let from = 0; from < scores.customer.length; from += METRICS_SLICE) {
    const positions = Array.from({ length: Math.min(METRICS_SLICE, scores.customer.length - from) }, (_, k) => from + k);
    const ids = positions.map((i) => facts.customerIds[scores.customer[i]]);
    const gids = await customerGids({ id: { in: ids } });
    yield positions.map((i) => metricsRow(columns, i, gids.get(facts.customerIds[scores.customer[i]]) ?? "", day));
  }
}

async function customerMetricsRows(shopDomain: string): Promise<CustomerMetrics> {
  const columns = await customerColumns(shopDomain);
  const { facts, scores } = columns;
  const gids = await customerGids({ shopDomain });
  const day = dayFormatter();
  const rows: CustomerMetricsRow[] = [];
  for (let i = 0; i < scores.customer.length; i++) {
    rows.push(metricsRow(columns, i, gids.get(facts.customerIds[scores.customer[i]]) ?? "", day));
  }
  return { shop: columns.shop, rows };
}

async function customerGids(where: { shopDomain: string } | { id: { in: number[] } }): Promise<Map<number, string>> {
  return new Map((await db.customer.findMany({ where, select: { id: true, gid: true } })).map((c) => [c.id, c.gid]));
}

/** The row of the customer at position `i` of the columns. */
function metricsRow(columns: CustomerColumns, i: number, gid: string, day: (day: LocalDay) => string): CustomerMetricsRow {
  const { scores, predictions, asOf } = columns;
  const p = columns.prediction[i];
  const due = columns.nextOrderDue[i];
  return {
    gid,
    firstOrder: day(columns.firstOrderDay[i]),
    lastOrder: day(columns.lastOrderDay[i]),
    orders: scores.orders[i],
    netSpend: scores.netSpend[i],
    recencyDays: scores.recencyDays[i],
    r: scores.r[i],
    f: scores.f[i],
    m: scores.m[i],
    segment: scores.segment[i],
    pAlive: p < 0 ? null : predictions!.pAlive[p],
    expectedOrders90: p < 0 ? null : predictions!.expectedOrders90[p],
    expectedOrders365: p < 0 ? null : predictions!.expectedOrders365[p],
    predictedClv12m: p < 0 ? null : predictions!.clv12[p],
    churnRisk: p < 0 ? null : RISK_CODES[predictions!.risk[p]],
    nextOrderDue: Number.isNaN(due) ? null : day(due),
    overdueDays: Number.isNaN(due) ? null : Math.max(0, asOf - 1 - due),
  };
}
