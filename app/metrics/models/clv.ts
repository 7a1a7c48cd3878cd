// Customer lifetime value from the two models: how many purchases BG/NBD expects in a horizon
// times the Gamma-Gamma expected spend per purchase. Both models assume purchase counts and
// spend are independent, which is the usual working assumption (check it on the data).

import { expectedPurchases, type BgNbdParams } from "./bgnbd";
import { expectedAverageSpend, type GammaGammaParams } from "./gamma-gamma";

export interface CustomerHistory {
  /** Repeat purchases. */
  x: number;
  /** Time of the last purchase since the first, in the BG/NBD fit's time unit. */
  tx: number;
  /** Time since the first purchase, same unit. */
  T: number;
  /** Mean value of the repeat purchases (ignored when x = 0). */
  mbar: number;
}

export interface Discounting {
  /** Interest per period, e.g. 0.01 for 1 % a month. */
  ratePerPeriod: number;
  /** Length of one period in the BG/NBD fit's time unit, e.g. 30 / 7 weeks for a month. */
  periodLength: number;
}

/**
 * Predicted value of the customer's purchases over the next `horizon` time units. Undiscounted
 * unless `discounting` is given; then the purchases expected in each period are discounted by
 * (1 + rate)^k at the end of period k (the last, possibly partial, period included). Infinity
 * when the spend model has no finite mean (q ≤ 1, which assessGammaGammaFit reports).
 */
export function predictedClv(
  purchases: BgNbdParams,
  spend: GammaGammaParams,
  customer: CustomerHistory,
  horizon: number,
  discounting?: Discounting,
): number {
  const { x, tx, T, mbar } = customer;
  const spendPerPurchase = expectedAverageSpend(spend, x, x > 0 ? mbar : 0);
  if (!discounting) return expectedPurchases(purchases, horizon, x, tx, T) * spendPerPurchase;

  const { ratePerPeriod, periodLength } = discounting;
  if (!(periodLength > 0) || !(ratePerPeriod > -1)) {
    throw new RangeError("discounting needs periodLength > 0 and ratePerPeriod > −1");
  }
  let discountedPurchases = 0;
  let expectedSoFar = 0;
  for (let period = 1; (period - 1) * periodLength < horizon; period++) {
    const expectedByPeriodEnd = expectedPurchases(purchases, Math.min(period * periodLength, horizon), x, tx, T);
    discountedPurchases += (expectedByPeriodEnd - expectedSoFar) / Math.pow(1 + ratePerPeriod, period);
    expectedSoFar = expectedByPeriodEnd;
  }
  return discountedPurchases * spendPerPurchase;
}

export type ChurnRisk = "low" | "medium" | "high";

/** P(alive) at or above this is low churn risk. */
export const LOW_CHURN_RISK_MIN_P_ALIVE = 0.7;
/** P(alive) at or above this (and below the low-risk threshold) is medium churn risk; below it, high. */
export const MEDIUM_CHURN_RISK_MIN_P_ALIVE = 0.3;

export function churnRisk(pAlive: number): ChurnRisk {
  if (pAlive >= LOW_CHURN_RISK_MIN_P_ALIVE) return "low";
  if (pAlive >= MEDIUM_CHURN_RISK_MIN_P_ALIVE) return "medium";
  return "high";
}
