// How well the purchase models would have predicted the shop's own recent past: fit on the history
// up to a cut-off, predict each customer's purchases after it, and compare with what they did
// (Fader & Hardie's calibration/holdout validation). The model with the lower error per customer
// is the one to trust for that shop; both results are kept to show the merchant.
import type { LocalDay } from "./calendar";
import { modelInput, type ModelInput, type PurchaseHistories } from "./predictions";
import { fitPurchaseModel, PURCHASE_MODELS, type PurchaseModel } from "./models/purchase-models";

const WEEK_DAYS = 7;

/** The last 26 weeks are held out when the shop has at least a year of history before them. */
export const HOLDOUT_DAYS = 182;
const MIN_CALIBRATION_DAYS = 365;
/** A younger shop holds out a third of its history, if that is at least four weeks. */
const MIN_HOLDOUT_DAYS = 28;

/** Calibration customers with this many repeat purchases, or more for the last row. */
export const FREQUENCY_ROWS = [0, 1, 2, 3, 4, 5, 6, 7] as const;

export interface FrequencyRow {
  /** Repeat purchases in the calibration period; the last row counts this many or more. */
  repeatPurchases: number;
  customers: number;
  /** Mean purchases per customer in the holdout period. */
  actual: number;
  predicted: number;
}

export interface ModelAccuracy {
  model: PurchaseModel;
  params: Record<string, number>;
  converged: boolean;
  /** Sum over the calibration customers of their expected purchases in the holdout period. */
  predictedPurchases: number;
  /** Mean absolute error per customer, in purchases. */
  meanAbsoluteError: number;
  /** (predicted − actual) / actual over all customers; null when nobody bought in the holdout. */
  aggregateError: number | null;
  byFrequency: FrequencyRow[];
}

export interface Backtest {
  calibrationEnd: LocalDay;
  asOf: LocalDay;
  holdoutDays: number;
  /** Customers with a purchase before the cut-off: the ones predicted. */
  customers: number;
  actualPurchases: number;
  models: ModelAccuracy[];
  /** The converged model with the lower mean absolute error; null when neither converged. */
  best: PurchaseModel | null;
}

/** How much of a history of `spanDays` to hold out: null when it is too short to test anything. */
export function holdoutDaysFor(spanDays: number): number | null {
  if (spanDays >= MIN_CALIBRATION_DAYS + HOLDOUT_DAYS) return HOLDOUT_DAYS;
  const third = Math.floor(spanDays / 3);
  return third >= MIN_HOLDOUT_DAYS ? third : null;
}

/** Purchase days (distinct days, as the models count purchases) in [from, to) per calibration customer. */
function purchasesBetween(h: PurchaseHistories, input: ModelInput, from: LocalDay, to: LocalDay): Float64Array {
  const counts = new Float64Array(input.customer.length);
  for (let i = 0; i < input.customer.length; i++) {
    const c = input.customer[i];
    let previous = Number.NaN;
    for (let j = h.start[c]; j < h.start[c + 1]; j++) {
      const day = h.days[j];
      if (day >= from && day < to && day !== previous) counts[i]++;
      previous = day;
    }
  }
  return counts;
}

function accuracy(model: PurchaseModel, input: ModelInput, actual: Float64Array, holdoutWeeks: number): ModelAccuracy {
  const fit = fitPurchaseModel(model, input);
  const rows = FREQUENCY_ROWS.map((repeatPurchases) => ({ repeatPurchases, customers: 0, actual: 0, predicted: 0 }));
  let predictedPurchases = 0;
  let actualPurchases = 0;
  let absoluteError = 0;
  for (let i = 0; i < input.customer.length; i++) {
    const predicted = fit.expectedPurchases(holdoutWeeks, input.x[i], input.tx[i], input.T[i]);
    predictedPurchases += predicted;
    actualPurchases += actual[i];
    absoluteError += Math.abs(predicted - actual[i]);
    const row = rows[Math.min(input.x[i], rows.length - 1)];
    row.customers++;
    row.actual += actual[i];
    row.predicted += predicted;
  }
  const customers = input.customer.length;
  return {
    model,
    params: fit.params,
    converged: fit.converged,
    predictedPurchases,
    meanAbsoluteError: absoluteError / customers,
    aggregateError: actualPurchases > 0 ? (predictedPurchases - actualPurchases) / actualPurchases : null,
    byFrequency: rows.map((row) => ({
      ...row,
      actual: row.customers ? row.actual / row.customers : 0,
      predicted: row.customers ? row.predicted / row.customers : 0,
    })),
  };
}

/**
 * Fits both models on the purchases before `asOf − holdoutDays` and scores their predictions of
 * each of those customers' purchases in the holdout period. Null when there is too little history.
 */
export function backtest(h: PurchaseHistories, asOf: LocalDay, holdoutDays?: number): Backtest | null {
  const all = modelInput(h, asOf);
  const holdout = holdoutDays ?? holdoutDaysFor(all.spanDays);
  if (holdout === null || holdout <= 0) return null;
  const calibrationEnd = asOf - holdout;
  const input = modelInput(h, calibrationEnd);
  if (input.customer.length === 0) return null;
  const actual = purchasesBetween(h, input, calibrationEnd, asOf);
  const models = PURCHASE_MODELS.map((model) => accuracy(model, input, actual, holdout / WEEK_DAYS));
  const converged = models.filter((m) => m.converged).sort((a, b) => a.meanAbsoluteError - b.meanAbsoluteError);
  return {
    calibrationEnd,
    asOf,
    holdoutDays: holdout,
    customers: input.customer.length,
    actualPurchases: actual.reduce((sum, n) => sum + n, 0),
    models,
    best: converged[0]?.model ?? null,
  };
}
