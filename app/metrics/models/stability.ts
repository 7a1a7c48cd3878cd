// Whether a fitted model is trustworthy enough to show to a merchant, and if not, why, in words
// a merchant can read. The thresholds are rules of thumb: below them the estimates swing a lot
// between refits, or the optimiser ran into a direction the data cannot pin down.

import type { BgNbdData, BgNbdFit } from "./bgnbd";
import type { GammaGammaFit } from "./gamma-gamma";

export interface StabilityVerdict {
  stable: boolean;
  reasons: string[];
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
  const reasons: string[] = [];
  const customers = data.x.length;
  let repeatCustomers = 0;
  let longestAge = 0;
  for (let i = 0; i < customers; i++) {
    if (data.x[i] > 0) repeatCustomers++;
    longestAge = Math.max(longestAge, data.T[i]);
  }
  if (customers < MIN_CUSTOMERS) reasons.push(`Only ${count(customers, "customer")}; at least ${MIN_CUSTOMERS} are needed.`);
  if (repeatCustomers < MIN_REPEAT_CUSTOMERS) reasons.push(tooFewRepeatCustomers(repeatCustomers));
  if (observationSpanDays < MIN_OBSERVATION_DAYS) {
    const days = count(Math.floor(observationSpanDays), "day");
    reasons.push(`Only ${days} of order history; at least ${MIN_OBSERVATION_DAYS} are needed.`);
  }
  if (!fit.converged) reasons.push("The model fit did not settle on an answer.");

  const { r, alpha, a, b } = fit;
  if (![r, alpha, a, b].every(Number.isFinite)) {
    reasons.push("The model fit produced invalid numbers.");
  } else {
    if (!inRange(a, DROPOUT_SHAPE_RANGE) || !inRange(b, DROPOUT_SHAPE_RANGE)) {
      reasons.push("The estimated chances of customers leaving are at extreme values, so churn predictions are not reliable.");
    }
    if (!inRange(r, PURCHASE_SHAPE_RANGE) || !inRange(alpha / longestAge, PURCHASE_SCALE_RANGE)) {
      reasons.push("The estimated buying rates are at extreme values, so predicted purchases are not reliable.");
    }
  }
  return { stable: reasons.length === 0, reasons };
}

export function assessGammaGammaFit(fit: GammaGammaFit): StabilityVerdict {
  const reasons: string[] = [];
  if (fit.customers < MIN_REPEAT_CUSTOMERS) reasons.push(tooFewRepeatCustomers(fit.customers));
  if (!fit.converged) reasons.push("The spend model fit did not settle on an answer.");
  const { p, q, gamma } = fit;
  if (![p, q, gamma].every(Number.isFinite)) {
    reasons.push("The spend model fit produced invalid numbers.");
  } else {
    if (q <= 1) reasons.push("Order values vary too wildly between customers to predict an average spend.");
    if (p > MAX_SPEND_SHAPE || q > MAX_SPEND_SHAPE) {
      reasons.push("The spend model parameters are at extreme values, so predicted spend is not reliable.");
    }
  }
  return { stable: reasons.length === 0, reasons };
}

function tooFewRepeatCustomers(repeatCustomers: number): string {
  const have = repeatCustomers === 1 ? "has" : "have";
  return `Only ${count(repeatCustomers, "customer")} ${have} ordered more than once; at least ${MIN_REPEAT_CUSTOMERS} are needed.`;
}

function inRange(value: number, range: { min: number; max: number }): boolean {
  return value >= range.min && value <= range.max;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
