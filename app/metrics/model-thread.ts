// The purchase models' heavy arithmetic, run in a worker thread (app/platform/threads.server.ts):
// a refit (the backtest, the fits and the predictions' summary) takes seconds of CPU on a large
// shop, and every customer's predictions for the customers list and export most of a second at
// 200,000 customers; the instance's event loop must not wait either out. Pure: each gets the
// purchase histories and returns numbers.
import { backtest } from "./backtest";
import type { LocalDay } from "./calendar";
import {
  fitModels,
  modelInput,
  predictCustomers,
  predictionSummary,
  type CustomerPredictions,
  type FittedModels,
  type PreviousFit,
  type PredictionSummary,
  type PurchaseHistories,
} from "./predictions";

export interface FitTask {
  /** Only the typed arrays, in shared memory: the thread reads them without a copy. */
  histories: PurchaseHistories;
  asOf: LocalDay;
  previous: PreviousFit | null;
}

export interface FitResult {
  fit: FittedModels;
  summary: PredictionSummary | null;
}

export function fitShop({ histories, asOf, previous }: FitTask): FitResult {
  const input = modelInput(histories, asOf);
  const started = performance.now();
  const fit = fitModels(input, previous, backtest(histories, asOf));
  // The backtest's fits count: the bench's refit target covers all four.
  fit.seconds = (performance.now() - started) / 1000;
  const predictions = predictCustomers(input, fit);
  return { fit, summary: predictions && predictionSummary(predictions) };
}

export interface PredictTask {
  histories: PurchaseHistories;
  fit: FittedModels;
}

/** Every customer's predictions from a stored fit, on the histories as they are now. */
export function predictShop({ histories, fit }: PredictTask): CustomerPredictions | null {
  return predictCustomers(modelInput(histories, fit.asOf), fit);
}
