// Did an offer work? An offer arm against its control group: conversion and net revenue per customer,
// the differences with always-valid 95 % intervals, what they add up to over the arm, and a verdict
// in plain words. Pure: the campaign engine aggregates in SQL and hands the sums in.
//
// Merchants look every day, and an ordinary 95 % interval looked at daily excludes 0 sooner or later
// even when the offer does nothing. The intervals here are an asymptotic confidence sequence
// (Waudby-Smith, Arbour, Sinha, Kennedy, Ramdas, "Time-uniform central limit theory and asymptotic
// confidence sequences", Annals of Statistics 2024): with probability 95 % they contain the true
// difference at every look at once, so a verdict may be read whenever the merchant opens the page.
// For a difference of means the interval is
//
//   d ± SE · sqrt( 2 (nρ² + 1) / (nρ²) · ln( sqrt(nρ² + 1) / α ) )
//
// with d the observed difference, SE² = s₁²/n₁ + s₀²/n₀ its plug-in variance, n = n₁ + n₀ the
// customers compared and ρ² = (2 ln(1/α) + ln(1 + 2 ln(1/α))) / n*, the closed form the paper gives
// for the width to be smallest at n* customers. It is the same interval as the mixture SPRT of
// Johari et al. with a normal mixture of variance τ² = ρ² · n · SE². Decision 28 says why.
import { formatNumber } from "../i18n/format";

export const ALPHA = 0.05;
/** Customers compared (both arms) at which the interval is narrowest: where campaign verdicts are usually read. */
export const PLANNED_CUSTOMERS = 5_000;
export const RHO2 = (2 * Math.log(1 / ALPHA) + Math.log(1 + 2 * Math.log(1 / ALPHA))) / PLANNED_CUSTOMERS;

/** Below these, in either arm, the verdict is "too little data": the normal approximation the interval rests on is not yet good. */
export const MINIMUMS = { reached: 100, converted: 10, notConverted: 10 } as const;
/** The difference "not conclusive yet" says how many more customers it takes to see, in percentage points. */
export const DETECTABLE_PP = 2;

/**
 * Net revenue per customer, summed by the engine over the customers of an arm (e.g. in SQL:
 * COUNT(*), SUM(net), SUM(net * net) over one row per customer with their net revenue in the
 * attribution window, minor units of the shop currency). Customers reached but absent from the sums
 * count as 0 (they add nothing to either sum), so `count` may be less than `reached`.
 */
export interface RevenueSums {
  count: number;
  sum: bigint;
  sumOfSquares: bigint;
}

export interface ArmOutcome {
  /** Customers who entered the arm (the control's too: it is reached by being held back). */
  reached: number;
  /** Customers with a counted order within the attribution window. */
  converted: number;
  revenue: RevenueSums;
  /** What the offer cost in this arm, minor units (discounts used, points at their value, store credit spent). */
  cost?: bigint;
}

export type Interval = [low: number, high: number];

export interface ArmSummary {
  reached: number;
  converted: number;
  /** Conversion rate, %, with its always-valid 95 % interval. */
  rate: number;
  rateInterval: Interval;
  /** Net revenue per customer reached, minor units, rounded half away from zero. */
  revenuePerCustomer: bigint;
}

export type Verdict =
  | { kind: "better" }
  | { kind: "worse" }
  | {
      kind: "not-conclusive";
      /** More customers, both arms together at today's split, for a DETECTABLE_PP difference to exclude 0; 0 when already enough (the effect is smaller). */
      moreCustomers: number;
      moreInArm: number;
      moreInControl: number;
    }
  | { kind: "too-little-data"; minimums: typeof MINIMUMS };

export interface Comparison {
  arm: ArmSummary;
  control: ArmSummary;
  /** Conversion rate difference, arm minus control, percentage points. */
  difference: number;
  differenceInterval: Interval;
  /** difference x customers in the arm, rounded: customers who ordered because of the offer. */
  incrementalConversions: number;
  incrementalConversionsInterval: Interval;
  /** Net revenue per customer, arm minus control, minor units. */
  revenuePerCustomerDifference: bigint;
  revenuePerCustomerDifferenceInterval: [bigint, bigint];
  /** Difference per customer x customers in the arm, minor units: the net revenue the offer added. */
  incrementalRevenue: bigint;
  incrementalRevenueInterval: [bigint, bigint];
  /** Incremental net revenue per unit of cost (2.5: each 1.00 spent brought 2.50); null without a cost. */
  returnOnCost: { value: number; interval: Interval } | null;
  verdict: Verdict;
}

/**
 * The always-valid multiplier of the standard error after n observations: 1.96 would be a fixed-n
 * interval; this is about 3.0 at n* and grows slowly (3.9 at a tenth of n*, 3.2 at ten times n*).
 */
export function sequenceMultiplier(n: number, rho2 = RHO2, alpha = ALPHA): number {
  if (!(n > 0)) throw new RangeError(`not a sample size: ${n}`);
  const v = n * rho2;
  return Math.sqrt((2 * (v + 1) * Math.log(Math.sqrt(v + 1) / alpha)) / v);
}

/** Half-width of the always-valid interval for a difference with standard error `se` after n observations. */
export function sequenceRadius(se: number, n: number): number {
  return se * sequenceMultiplier(n);
}

/**
 * A rate's always-valid interval: Wilson's score interval with z replaced by the sequence's
 * multiplier, so that it stays inside [0, 1] and is not a point at 0 or 100 %.
 */
export function rateInterval(converted: number, reached: number): Interval {
  const z = sequenceMultiplier(reached);
  const p = converted / reached;
  const z2 = z * z;
  const centre = 2 * reached * p + z2;
  const spread = z * Math.sqrt(z2 + 4 * reached * p * (1 - p));
  const denominator = 2 * (reached + z2);
  return [Math.max(0, (centre - spread) / denominator), Math.min(1, (centre + spread) / denominator)];
}

/**
 * Variance of the conversion indicator, from the rate with one conversion and one non-conversion
 * added (Agresti and Caffo 2000): the plain rate would make the interval a point when an arm has
 * no conversions yet or all of them.
 */
function conversionVariance(converted: number, reached: number): number {
  const adjusted = (converted + 1) / (reached + 2);
  return adjusted * (1 - adjusted);
}

/** Sample variance of net revenue per customer, from sums taken exactly in bigint. */
function revenueVariance({ sum, sumOfSquares }: RevenueSums, reached: number): number {
  const n = BigInt(reached);
  return Number(n * sumOfSquares - sum * sum) / (reached * (reached - 1));
}

/** a / b rounded half away from zero, b > 0. */
function divideRounded(a: bigint, b: bigint): bigint {
  const sign = a < 0n ? -1n : 1n;
  return (sign * (2n * sign * a + b)) / (2n * b);
}

const roundedBigInt = (value: number) => BigInt(Math.round(value));

/** Throws on counts that cannot be a campaign arm, so that a bug in the aggregation does not become a verdict. */
function assertArm(name: string, { reached, converted, revenue, cost }: ArmOutcome): void {
  const whole = (x: number) => Number.isSafeInteger(x) && x >= 0;
  if (!whole(reached) || !whole(converted) || converted > reached || reached < 2) {
    throw new RangeError(`${name}: not an arm (${converted} converted of ${reached} reached; at least 2 reached)`);
  }
  if (!whole(revenue.count) || revenue.count > reached || revenue.sumOfSquares < 0n) {
    throw new RangeError(`${name}: revenue sums over ${revenue.count} customers of ${reached}`);
  }
  // Cauchy-Schwarz: sum² <= count x sum of squares for any real values.
  if (revenue.sum * revenue.sum > BigInt(revenue.count) * revenue.sumOfSquares) {
    throw new RangeError(`${name}: the sum of squares is too small for the sum`);
  }
  if (cost !== undefined && cost < 0n) throw new RangeError(`${name}: a negative cost`);
}

function summarise(outcome: ArmOutcome): ArmSummary {
  const [low, high] = rateInterval(outcome.converted, outcome.reached);
  return {
    reached: outcome.reached,
    converted: outcome.converted,
    rate: (outcome.converted / outcome.reached) * 100,
    rateInterval: [low * 100, high * 100],
    revenuePerCustomer: divideRounded(outcome.revenue.sum, BigInt(outcome.reached)),
  };
}

/** The offer arm against control. Both arms need at least 2 customers reached. */
export function compareArms(arm: ArmOutcome, control: ArmOutcome): Comparison {
  assertArm("arm", arm);
  assertArm("control", control);
  const [n1, n0] = [arm.reached, control.reached];
  const n = n1 + n0;
  const [p1, p0] = [arm.converted / n1, control.converted / n0];

  const conversionSe = Math.sqrt(conversionVariance(arm.converted, n1) / n1 + conversionVariance(control.converted, n0) / n0);
  const conversionRadius = sequenceRadius(conversionSe, n);
  const difference = p1 - p0;
  const differenceInterval: Interval = [(difference - conversionRadius) * 100, (difference + conversionRadius) * 100];

  // Exact: (sum₁/n₁ - sum₀/n₀) x n₁ = (sum₁ n₀ - sum₀ n₁) / n₀.
  const [b1, b0] = [BigInt(n1), BigInt(n0)];
  const exactGap = arm.revenue.sum * b0 - control.revenue.sum * b1;
  const revenuePerCustomerDifference = divideRounded(exactGap, b1 * b0);
  const incrementalRevenue = divideRounded(exactGap, b0);
  const revenueSe = Math.sqrt(revenueVariance(arm.revenue, n1) / n1 + revenueVariance(control.revenue, n0) / n0);
  const revenueRadius = sequenceRadius(revenueSe, n);
  const perCustomer = Number(exactGap) / (n1 * n0);
  const incrementalRevenueInterval: Interval = [(perCustomer - revenueRadius) * n1, (perCustomer + revenueRadius) * n1];

  const cost = arm.cost === undefined || arm.cost === 0n ? null : Number(arm.cost);
  return {
    arm: summarise(arm),
    control: summarise(control),
    difference: difference * 100,
    differenceInterval,
    incrementalConversions: Math.round(difference * n1),
    incrementalConversionsInterval: [
      Math.round((difference - conversionRadius) * n1),
      Math.round((difference + conversionRadius) * n1),
    ],
    revenuePerCustomerDifference,
    revenuePerCustomerDifferenceInterval: [
      roundedBigInt(perCustomer - revenueRadius),
      roundedBigInt(perCustomer + revenueRadius),
    ],
    incrementalRevenue,
    incrementalRevenueInterval: [roundedBigInt(incrementalRevenueInterval[0]), roundedBigInt(incrementalRevenueInterval[1])],
    returnOnCost:
      cost === null
        ? null
        : {
            value: Number(incrementalRevenue) / cost,
            interval: [incrementalRevenueInterval[0] / cost, incrementalRevenueInterval[1] / cost],
          },
    verdict: verdictOf(arm, control, differenceInterval),
  };
}

function hasEnoughData({ reached, converted }: ArmOutcome): boolean {
  return reached >= MINIMUMS.reached && converted >= MINIMUMS.converted && reached - converted >= MINIMUMS.notConverted;
}

function verdictOf(arm: ArmOutcome, control: ArmOutcome, [low, high]: Interval): Verdict {
  if (!hasEnoughData(arm) || !hasEnoughData(control)) return { kind: "too-little-data", minimums: MINIMUMS };
  if (low > 0) return { kind: "better" };
  if (high < 0) return { kind: "worse" };
  const share = arm.reached / (arm.reached + control.reached);
  const needed = customersToDetect(control.converted / control.reached, share);
  const more = Math.max(0, needed - arm.reached - control.reached);
  const moreInArm = Math.round(more * share);
  return { kind: "not-conclusive", moreCustomers: more, moreInArm, moreInControl: more - moreInArm };
}

/**
 * Customers in both arms together, at `armShare` of them in the arm, for the always-valid interval
 * to be DETECTABLE_PP wide on either side when the control converts at `controlRate` and the arm
 * DETECTABLE_PP better (worse near 100 %): from then on an observed difference of that size excludes 0.
 */
export function customersToDetect(controlRate: number, armShare: number, detectablePp = DETECTABLE_PP): number {
  const delta = detectablePp / 100;
  const p0 = controlRate;
  const p1 = p0 + delta <= 1 ? p0 + delta : p0 - delta;
  const radiusAt = (total: number) =>
    sequenceRadius(Math.sqrt((p1 * (1 - p1)) / (armShare * total) + (p0 * (1 - p0)) / ((1 - armShare) * total)), total);
  // The radius shrinks as customers are added (the multiplier grows only like sqrt(log n)): bisect.
  let [low, high] = [1, 2];
  while (radiusAt(high) > delta) [low, high] = [high, high * 2];
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (radiusAt(middle) > delta) low = middle;
    else high = middle;
  }
  return high;
}

/** A sentence as an i18n key (relative to the caller's prefix) with its values formatted for the language; `count` chooses the plural form. */
export interface VerdictText {
  key: "better" | "worse" | "notConclusive" | "notConclusiveEven" | "noDifference" | "tooLittleData";
  values: Record<string, string | number>;
}

/** Arms within this share of an even split are "per arm" in the sentence. */
const EVEN_SPLIT = 0.02;

/**
 * The verdict in plain words: the keys live under `verdict.` in the `lift` namespace for campaigns
 * ("Offer B brought 31 more customers back: +2.9 pp [1.1, 4.7]"), and the loyalty overview words
 * the same values its own way. `arm` names the offer in the sentence.
 */
export function verdictText(comparison: Comparison, locale: string, arm = ""): VerdictText {
  const { verdict } = comparison;
  const decimal = (value: number) => formatNumber(Number(value.toFixed(1)) || 0, locale, 1, 1);
  const signed = (value: number) => (Number(value.toFixed(1)) > 0 ? "+" : "") + decimal(value);
  const interval = {
    arm,
    difference: signed(comparison.difference),
    low: decimal(comparison.differenceInterval[0]),
    high: decimal(comparison.differenceInterval[1]),
  };
  switch (verdict.kind) {
    case "better":
    case "worse": {
      const count = Math.abs(comparison.incrementalConversions);
      return { key: verdict.kind, values: { ...interval, count, customers: formatNumber(count, locale) } };
    }
    case "not-conclusive": {
      if (verdict.moreCustomers === 0) return { key: "noDifference", values: { ...interval, detectable: DETECTABLE_PP } };
      const about = (value: number) => formatNumber(roughly(value), locale);
      const share = comparison.arm.reached / (comparison.arm.reached + comparison.control.reached);
      return Math.abs(share - 0.5) <= EVEN_SPLIT
        ? {
            key: "notConclusiveEven",
            values: { ...interval, detectable: DETECTABLE_PP, perArm: about(verdict.moreCustomers / 2) },
          }
        : {
            key: "notConclusive",
            values: {
              ...interval,
              detectable: DETECTABLE_PP,
              more: about(verdict.moreCustomers),
              inArm: about(verdict.moreInArm),
              inControl: about(verdict.moreInControl),
            },
          };
    }
    case "too-little-data": {
      const number = (value: number) => formatNumber(value, locale);
      return {
        key: "tooLittleData",
        values: {
          arm,
          minReached: number(MINIMUMS.reached),
          minConverted: number(MINIMUMS.converted),
          minNotConverted: number(MINIMUMS.notConverted),
          armReached: number(comparison.arm.reached),
          armConverted: number(comparison.arm.converted),
          controlReached: number(comparison.control.reached),
          controlConverted: number(comparison.control.converted),
        },
      };
    }
  }
}

/** Two significant digits, rounded up, for "about N": 1,234 -> 1,300; 87 -> 87; never 0 for a positive N. */
function roughly(value: number): number {
  if (value < 100) return Math.ceil(value);
  const unit = 10 ** (Math.floor(Math.log10(value)) - 1);
  return Math.ceil(value / unit) * unit;
}
