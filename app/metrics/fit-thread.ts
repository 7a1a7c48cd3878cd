// A shop's model refit, run in a worker thread (app/platform/threads.server.ts): the backtest, the
// fits and the predictions' summary take seconds of CPU on a large shop, which the event loop of
// the instance must not wait out. Pure: it gets the purchase histories and returns the fit.
import { backtest } from "./backtest";
import type { LocalDay } from "./calendar";
import {
  fitModels,
  modelInput,
  predictCustomers,
  predictionSummary,
  type FittedModels,
  type PreviousFit,
  type PredictionSummary,
  type PurchaseHistories,
} from "./predictions";

export interface FitTask {
  /** Only the typed arrays: they are copied to the thread. */
  histories: PurchaseHistories;
  asOf: LocalDay;
  previous: PreviousFit | null;
}

export interface FitResult {
  fit: FittedModels;
  summary: PredictionSummary | null;
}

export default function fitShop({ histories, asOf, previous }: FitTask): FitResult {
  const input = modelInput(histories, asOf);
  const started = performance.now();
  const fit = fitModels(input, previous, backtest(histories, asOf));
  // The backtest's fits count: the bench's refit target covers all four.
  fit.seconds = (performance.now() - started) / 1000;
  const predictions = predictCustomers(input, fit);
  return { fit, summary: predictions && predictionSummary(predictions) };
}
