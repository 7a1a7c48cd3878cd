// Per-customer predictions from the shop's purchase model (BG/NBD or Pareto/NBD, whichever did
// better on the shop's own past, see backtest.ts) and its Gamma-Gamma spend fit: P(alive),
// expected orders in the next 90 and 365 days, predicted 12-month CLV and churn risk. Time is in
// weeks, as in Fader & Hardie's papers; a "purchase" is a day with at least one counted order.
import type { Backtest } from "./backtest";
import type { LocalDay } from "./calendar";
import type { CustomerHistories } from "./order-facts";
import { fitBgNbd, type BgNbdParams } from "./models/bgnbd";
import { fitGammaGamma, expectedAverageSpend, type GammaGammaParams } from "./models/gamma-gamma";
import { churnRisk, type ChurnRisk } from "./models/clv";
import { fitParetoNbd, type ParetoNbdParams } from "./models/pareto-nbd";
import { purchaseModel, type PurchaseModel } from "./models/purchase-models";
import { assessBgNbdFit, assessGammaGammaFit, assessParetoNbdFit, fitReason, type FitReason } from "./models/stability";

const WEEK_DAYS = 7;

/** What the models see of each customer with a counted order before `asOf`. */
export interface ModelInput {
  asOf: LocalDay;
  /** Days from the shop's first counted order to asOf. */
  spanDays: number;
  customer: Int32Array;
  /** Repeat purchase days. */
  x: Float64Array;
  /** Weeks from first to last purchase day. */
  tx: Float64Array;
  /** Weeks from first purchase day to asOf. */
  T: Float64Array;
  /** Mean net revenue of the repeat purchase days, minor units (0 when x = 0). */
  mbar: Float64Array;
}

/** What the models read of the customers' histories: each one's sorted purchase days and net revenue. */
export type PurchaseHistories = Pick<CustomerHistories, "customers" | "start" | "days" | "net">;

export function modelInput(h: PurchaseHistories, asOf: LocalDay): ModelInput {
  // At most one entry per customer: typed arrays of that size, cut to length at the end.
  const customer = new Int32Array(h.customers);
  const x = new Float64Array(h.customers);
  const tx = new Float64Array(h.customers);
  const T = new Float64Array(h.customers);
  const mbar = new Float64Array(h.customers);
  let n = 0;
  let firstDay = Infinity;
  for (let c = 0; c < h.customers; c++) {
    const s = h.start[c];
    const e = h.start[c + 1];
    if (s === e || h.days[s] >= asOf) continue;
    const first = h.days[s];
    if (first < firstDay) firstDay = first;
    let repeatDays = 0,
      last = first,
      repeatNet = 0;
    for (let j = s; j < e && h.days[j] < asOf; j++) {
      if (h.days[j] !== first) repeatNet += h.net[j];
      if (h.days[j] !== last) {
        repeatDays++;
        last = h.days[j];
      }
    }
    customer[n] = c;
    x[n] = repeatDays;
    tx[n] = (last - first) / WEEK_DAYS;
    T[n] = (asOf - first) / WEEK_DAYS;
    mbar[n++] = repeatDays ? repeatNet / repeatDays : 0;
  }
  return {
    asOf,
    spanDays: n ? asOf - firstDay : 0,
    customer: customer.slice(0, n),
    x: x.slice(0, n),
    tx: tx.slice(0, n),
    T: T.slice(0, n),
    mbar: mbar.slice(0, n),
  };
}

export interface FittedModels {
  asOf: LocalDay;
  customers: number;
  /** The purchase model the predictions use: the one with the lower error on the shop's own past. */
  model: PurchaseModel;
  bgNbd: BgNbdParams | null;
  paretoNbd: ParetoNbdParams | null;
  gammaGamma: GammaGammaParams | null;
  /** How both models did on the shop's recent past; null when the history is too short to test. */
  backtest: Backtest | null;
  /** False when the history is too thin for predictions worth showing; `reasons` says why. */
  stable: boolean;
  reasons: FitReason[];
  seconds: number;
}

/**
 * Without a backtest to decide, Pareto/NBD (when its fit converges): BG/NBD calls every customer
 * without a repeat purchase certainly alive however long ago they bought, the worst answer for
 * most shops' largest group.
 */
export const DEFAULT_MODEL: PurchaseModel = "pareto-nbd";

/** What a refit starts from: the last fit's parameters. */
export type PreviousFit = Pick<FittedModels, "bgNbd" | "paretoNbd" | "gammaGamma">;

export function fitModels(input: ModelInput, previous?: PreviousFit | null, backtest: Backtest | null = null): FittedModels {
  const started = performance.now();
  const customers = input.customer.length;
  const base = { asOf: input.asOf, customers, backtest };
  if (customers === 0) {
    const empty = { bgNbd: null, paretoNbd: null, gammaGamma: null };
    return { ...base, model: DEFAULT_MODEL, ...empty, stable: false, reasons: [fitReason("noCustomers")], seconds: 0 };
  }
  const bg = fitBgNbd(input, previous?.bgNbd ? { initial: previous.bgNbd } : {});
  const pareto = fitParetoNbd(input, previous?.paretoNbd ? { initial: previous.paretoNbd } : {});
  // Untested, the default unless only BG/NBD settled on an answer.
  const model = backtest?.best ?? (!pareto.converged && bg.converged ? "bgnbd" : DEFAULT_MODEL);
  // Gamma-Gamma needs repeat purchases with positive spend.
  const spenders = input.x.reduce((n, x, i) => (x > 0 && input.mbar[i] > 0 ? n + 1 : n), 0);
  const gg =
    spenders >= 2
      ? fitGammaGamma(
          { x: input.x.map((x, i) => (input.mbar[i] > 0 ? x : 0)), mbar: input.mbar },
          previous?.gammaGamma ? { initial: previous.gammaGamma } : {},
        )
      : null;
  // Only the model in use decides; both models may give the same reason as the spend model
  // (too few repeat customers): each text once.
  const verdict =
    model === "bgnbd" ? assessBgNbdFit(bg, input, input.spanDays) : assessParetoNbdFit(pareto, input, input.spanDays);
  const reasons = new Map(verdict.reasons.map((reason) => [reason.text, reason]));
  for (const reason of gg ? assessGammaGammaFit(gg).reasons : [fitReason("tooFewRepeatPurchases")])
    reasons.set(reason.text, reason);
  return {
    ...base,
    model,
    bgNbd: { r: bg.r, alpha: bg.alpha, a: bg.a, b: bg.b },
    paretoNbd: { r: pareto.r, alpha: pareto.alpha, s: pareto.s, beta: pareto.beta },
    gammaGamma: gg && { p: gg.p, q: gg.q, gamma: gg.gamma },
    stable: reasons.size === 0,
    reasons: [...reasons.values()],
    seconds: (performance.now() - started) / 1000,
  };
}

export const HORIZON_DAYS = { short: 90, year: 365 } as const;
export const RISK_CODES: readonly ChurnRisk[] = ["low", "medium", "high"];

export interface CustomerPredictions {
  customer: Int32Array;
  pAlive: Float64Array;
  expectedOrders90: Float64Array;
  expectedOrders365: Float64Array;
  /** Predicted net revenue in the next 12 months, minor units (rounded). */
  clv12: Float64Array;
  /** Index into RISK_CODES. */
  risk: Uint8Array;
}

/** Null unless the fit is stable: thin history gives numbers that mean nothing (docs/metrics.md). */
export function predictCustomers(input: ModelInput, fit: FittedModels): CustomerPredictions | null {
  const params = fit.model === "bgnbd" ? fit.bgNbd : fit.paretoNbd;
  if (!fit.stable || !params || !fit.gammaGamma || fit.gammaGamma.q <= 1) return null;
  const { probabilityAlive, expectedPurchases } = purchaseModel(fit.model, params);
  const n = input.customer.length;
  const predictions: CustomerPredictions = {
    customer: input.customer,
    pAlive: new Float64Array(n),
    expectedOrders90: new Float64Array(n),
    expectedOrders365: new Float64Array(n),
    clv12: new Float64Array(n),
    risk: new Uint8Array(n),
  };
  for (let i = 0; i < n; i++) {
    const x = input.x[i];
    const tx = input.tx[i];
    const T = input.T[i];
    const alive = probabilityAlive(x, tx, T);
    const year = expectedPurchases(HORIZON_DAYS.year / WEEK_DAYS, x, tx, T);
    predictions.pAlive[i] = alive;
    predictions.expectedOrders90[i] = expectedPurchases(HORIZON_DAYS.short / WEEK_DAYS, x, tx, T);
    predictions.expectedOrders365[i] = year;
    predictions.clv12[i] = Math.round(year * expectedAverageSpend(fit.gammaGamma, x, input.mbar[i]));
    predictions.risk[i] = RISK_CODES.indexOf(churnRisk(alive));
  }
  return predictions;
}

export interface PredictionSummary {
  /** Sum of every existing customer's predicted 12-month CLV, minor units. */
  predictedRevenue12m: number;
  expectedOrders365: number;
  customersByRisk: Record<ChurnRisk, number>;
}

export function predictionSummary(predictions: CustomerPredictions): PredictionSummary {
  let revenue = 0,
    orders = 0;
  const byRisk: Record<ChurnRisk, number> = { low: 0, medium: 0, high: 0 };
  for (let i = 0; i < predictions.customer.length; i++) {
    revenue += predictions.clv12[i];
    orders += predictions.expectedOrders365[i];
    byRisk[RISK_CODES[predictions.risk[i]]]++;
  }
  return { predictedRevenue12m: revenue, expectedOrders365: orders, customersByRisk: byRisk };
}
