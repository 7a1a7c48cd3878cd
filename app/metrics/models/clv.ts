// Churn risk from P(alive). (Predicted CLV, the expected purchases times the expected spend, is
// computed beside the other predictions in app/metrics/predictions.ts.)

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
