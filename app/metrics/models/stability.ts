// Whether a fitted model is trustworthy enough to show to a merchant, and if not, why, in words
// a merchant can read. The thresholds are rules of thumb: below them the estimates swing a lot
// between refits, or the optimiser ran into a direction the data cannot pin down.

import englishText from "../../locales/en/dashboard.json";
import type { BgNbdData, BgNbdFit } from "./bgnbd";
import type { GammaGammaFit } from "./gamma-gamma";
import type { ParetoNbdFit } from "./pareto-nbd";

/** Why a fit is not shown: a code the admin words in the merchant's language (dashboard.json predictions.reasons). */
export type FitReasonCode =
  | "tooFewCustomers"
  | "tooFewRepeatCustomers"
  | "shortHistory"
  | "notConverged"
  | "invalidNumbers"
  | "extremeDropout"
  | "extremeRates"
  | "spendNotConverged"
  | "spendInvalid"
  | "spendTooVaried"
  | "spendExtreme"
  | "noCustomers"
  | "tooFewRepeatPurchases";

export interface FitReason {
  /** null for a reason stored before reasons had codes: only its English text is known. */
  code: FitReasonCode | null;
  values: { count?: number; min?: number };
  /** In English, for the JSON API, the CLI and the logs. */
  text: string;
}

const ENGLISH: Record<string, string> = englishText.predictions.reasons;

/** A reason with its English text from the English locale file (plural by `count`, as i18next picks it). */
export function fitReason(code: FitReasonCode, values: FitReason["values"] = {}): FitReason {
  const key = values.count === undefined ? code : `${code}_${values.count === 1 ? "one" : "other"}`;
  const text = ENGLISH[key]!.replace(/\{\{(\w+)\}\}/g, (_, name: "count" | "min") => String(values[name]));
  return { code, values, text };
}

export interface StabilityVerdict {
  stable: boolean;
  reasons: FitReason[];
}

export const MIN_CUSTOMERS = 200;
export const MIN_REPEAT_CUSTOMERS = 50;
export const MIN_OBSERVATION_DAYS = 90;
/** Sane range of a and b (shapes of the drop-out probability's distribution). */
export const DROPOUT_SHAPE_RANGE = { min: 1e-3, max: 1e3 } as const;
/** Sane range of r (shape of the purchase-rate distribution). */
export const PURCHASE_SHAPE_RANGE = { min: 1e-3, max: 1e3 } as const;
/**
 * Sane range of alpha as a multiple of the longest customer age, so the check does not depend on
 * the time unit (CDNOW: 4.4 weeks / 39 weeks ≈ 0.11).
 */
export const PURCHASE_SCALE_RANGE = { min: 1e-4, max: 1e3 } as const;
/**
 * Gamma-Gamma p or q above this: spend is so uniform the model is degenerate. (gamma is in money
 * units and grows with them, so it is not checked on its own.)
 */
export const MAX_SPEND_SHAPE = 1e4;

/**
 * `observationSpanDays`: days between the first order in the data and the end of observation
 * (the data alone cannot tell, as T is in the caller's time unit).
 */
export function assessBgNbdFit(fit: BgNbdFit, data: BgNbdData, observationSpanDays: number): StabilityVerdict {
  const { reasons, longestAge } = historyReasons(data, observationSpanDays, fit.converged);
  const { r, alpha, a, b } = fit;
  if (![r, alpha, a, b].every(Number.isFinite)) {
    reasons.push(fitReason("invalidNumbers"));
  } else {
    if (!inRange(a, DROPOUT_SHAPE_RANGE) || !inRange(b, DROPOUT_SHAPE_RANGE)) reasons.push(fitReason("extremeDropout"));
    if (!inRange(r, PURCHASE_SHAPE_RANGE) || !inRange(alpha / longestAge, PURCHASE_SCALE_RANGE))
      reasons.push(fitReason("extremeRates"));
  }
  return { stable: reasons.length === 0, reasons };
}

/** As assessBgNbdFit; s and beta (the drop-out rates' shape and scale) take the ranges of r and alpha. */
export function assessParetoNbdFit(fit: ParetoNbdFit, data: BgNbdData, observationSpanDays: number): StabilityVerdict {
  const { reasons, longestAge } = historyReasons(data, observationSpanDays, fit.converged);
  const { r, alpha, s, beta } = fit;
  if (![r, alpha, s, beta].every(Number.isFinite)) {
    reasons.push(fitReason("invalidNumbers"));
  } else {
    if (!inRange(s, PURCHASE_SHAPE_RANGE) || !inRange(beta / longestAge, PURCHASE_SCALE_RANGE))
      reasons.push(fitReason("extremeDropout"));
    if (!inRange(r, PURCHASE_SHAPE_RANGE) || !inRange(alpha / longestAge, PURCHASE_SCALE_RANGE))
      reasons.push(fitReason("extremeRates"));
  }
  return { stable: reasons.length === 0, reasons };
}

/** What makes any purchase-model fit unreliable whatever its parameters: too little history, no convergence. */
function historyReasons(data: BgNbdData, observationSpanDays: number, converged: boolean) {
  const reasons: FitReason[] = [];
  const customers = data.x.length;
  let repeatCustomers = 0;
  let longestAge = 0;
  for (let i = 0; i < customers; i++) {
    if (data.x[i] > 0) repeatCustomers++;
    longestAge = Math.max(longestAge, data.T[i]);
  }
  if (customers < MIN_CUSTOMERS) reasons.push(fitReason("tooFewCustomers", { count: customers, min: MIN_CUSTOMERS }));
  if (repeatCustomers < MIN_REPEAT_CUSTOMERS)
    reasons.push(fitReason("tooFewRepeatCustomers", { count: repeatCustomers, min: MIN_REPEAT_CUSTOMERS }));
  if (observationSpanDays < MIN_OBSERVATION_DAYS) {
    reasons.push(fitReason("shortHistory", { count: Math.floor(observationSpanDays), min: MIN_OBSERVATION_DAYS }));
  }
  if (!converged) reasons.push(fitReason("notConverged"));
  return { reasons, longestAge };
}

export function assessGammaGammaFit(fit: GammaGammaFit): StabilityVerdict {
  const reasons: FitReason[] = [];
  if (fit.customers < MIN_REPEAT_CUSTOMERS)
    reasons.push(fitReason("tooFewRepeatCustomers", { count: fit.customers, min: MIN_REPEAT_CUSTOMERS }));
  if (!fit.converged) reasons.push(fitReason("spendNotConverged"));
  const { p, q, gamma } = fit;
  if (![p, q, gamma].every(Number.isFinite)) {
    reasons.push(fitReason("spendInvalid"));
  } else {
    if (q <= 1) reasons.push(fitReason("spendTooVaried"));
    if (p > MAX_SPEND_SHAPE || q > MAX_SPEND_SHAPE) {
      reasons.push(fitReason("spendExtreme"));
    }
  }
  return { stable: reasons.length === 0, reasons };
}

function inRange(value: number, range: { min: number; max: number }): boolean {
  return value >= range.min && value <= range.max;
}
