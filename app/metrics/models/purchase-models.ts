// The two purchase models behind one interface, for code that fits and compares them (the
// backtest, the operator CLI) without caring which is which.
import * as bgNbd from "./bgnbd";
import * as paretoNbd from "./pareto-nbd";

export const PURCHASE_MODELS = ["bgnbd", "pareto-nbd"] as const;
export type PurchaseModel = (typeof PURCHASE_MODELS)[number];

export interface FittedPurchaseModel {
  model: PurchaseModel;
  params: Record<string, number>;
  logLikelihood: number;
  iterations: number;
  converged: boolean;
  probabilityAlive(x: number, tx: number, T: number): number;
  expectedPurchases(t: number, x: number, tx: number, T: number): number;
}

export type PurchaseParams = bgNbd.BgNbdParams | paretoNbd.ParetoNbdParams;

/** A model's predictions at given parameters. */
export function purchaseModel(
  model: PurchaseModel,
  params: PurchaseParams,
): Pick<FittedPurchaseModel, "probabilityAlive" | "expectedPurchases"> {
  if (model === "bgnbd") {
    const p = params as bgNbd.BgNbdParams;
    return {
      probabilityAlive: (x, tx, T) => bgNbd.probabilityAlive(p, x, tx, T),
      expectedPurchases: (t, x, tx, T) => bgNbd.expectedPurchases(p, t, x, tx, T),
    };
  }
  const p = params as paretoNbd.ParetoNbdParams;
  return {
    probabilityAlive: (x, tx, T) => paretoNbd.probabilityAlive(p, x, tx, T),
    expectedPurchases: (t, x, tx, T) => paretoNbd.expectedPurchases(p, t, x, tx, T),
  };
}

export function fitPurchaseModel(model: PurchaseModel, data: bgNbd.BgNbdData): FittedPurchaseModel {
  if (model === "bgnbd") {
    const { r, alpha, a, b, logLikelihood, iterations, converged } = bgNbd.fitBgNbd(data);
    const params = { r, alpha, a, b };
    return { model, params, logLikelihood, iterations, converged, ...purchaseModel(model, params) };
  }
  const { r, alpha, s, beta, logLikelihood, iterations, converged } = paretoNbd.fitParetoNbd(data);
  const params = { r, alpha, s, beta };
  return { model, params, logLikelihood, iterations, converged, ...purchaseModel(model, params) };
}
