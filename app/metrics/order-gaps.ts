// How long customers take between orders: from the first order to the second and from the second
// to the third, over the shop's whole history. The rhythm a merchant times reminders by, and what
// "overdue" is measured against.
import type { LocalDay } from "./calendar";
import type { PurchaseHistories } from "./predictions";

/** Upper bounds (days, inclusive) of the histogram's bars; the last bar is everything longer. */
export const GAP_BUCKET_DAYS = [7, 14, 30, 60, 90, 180, 365] as const;

export interface GapBucket {
  /** Days, inclusive; `toDays` null for the open-ended last bar. */
  fromDays: number;
  toDays: number | null;
  customers: number;
}

export interface GapDistribution {
  /** From the first counted order to the second, or from the second to the third. */
  step: "firstToSecond" | "secondToThird";
  customers: number;
  /** Days; null without customers. */
  median: number | null;
  lowerQuartile: number | null;
  upperQuartile: number | null;
  histogram: GapBucket[];
}

/** The p-quantile of sorted values, interpolating between neighbours (Hyndman & Fan's type 7, as spreadsheets do). */
export function quantile(sorted: ArrayLike<number>, p: number): number | null {
  if (sorted.length === 0) return null;
  const position = (sorted.length - 1) * p;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

/** The gaps between each customer's orders before `asOf` (two orders on one day are 0 days apart). */
export function timeBetweenOrders(h: PurchaseHistories, asOf: LocalDay): GapDistribution[] {
  // At most one gap of each step per customer: typed arrays of that size, no growing arrays of boxed numbers.
  const gaps = [new Float64Array(h.customers), new Float64Array(h.customers)];
  const counts = [0, 0];
  for (let c = 0; c < h.customers; c++) {
    const s = h.start[c];
    for (let k = 1; k <= 2 && s + k < h.start[c + 1] && h.days[s + k] < asOf; k++)
      gaps[k - 1][counts[k - 1]++] = h.days[s + k] - h.days[s + k - 1];
  }
  return (["firstToSecond", "secondToThird"] as const).map((step, i) =>
    distribution(step, gaps[i].subarray(0, counts[i]).sort()),
  );
}

function distribution(step: GapDistribution["step"], sorted: Float64Array): GapDistribution {
  const histogram: GapBucket[] = [...GAP_BUCKET_DAYS, null].map((toDays, b) => ({
    fromDays: b === 0 ? 0 : GAP_BUCKET_DAYS[b - 1] + 1,
    toDays,
    customers: 0,
  }));
  for (let i = 0; i < sorted.length; i++) {
    const b = GAP_BUCKET_DAYS.findIndex((upper) => sorted[i] <= upper);
    histogram[b === -1 ? histogram.length - 1 : b].customers++;
  }
  return {
    step,
    customers: sorted.length,
    median: quantile(sorted, 0.5),
    lowerQuartile: quantile(sorted, 0.25),
    upperQuartile: quantile(sorted, 0.75),
    histogram,
  };
}

/**
 * When customer `c`'s next order is due by their own rhythm: their last purchase day before
 * `asOf` plus their mean days between purchase days (a day with orders is one purchase, as for
 * the models). A customer with one purchase day gets `shopRhythmDays` (the shop's median days
 * from first to second order) instead; null when that is unknown too.
 */
export function nextOrderDue(h: PurchaseHistories, c: number, asOf: LocalDay, shopRhythmDays: number | null): LocalDay | null {
  const s = h.start[c];
  let purchaseDays = 0;
  let last = Number.NaN;
  for (let j = s; j < h.start[c + 1] && h.days[j] < asOf; j++) {
    if (h.days[j] !== last) purchaseDays++;
    last = h.days[j];
  }
  if (purchaseDays === 0) return null;
  if (purchaseDays === 1) return shopRhythmDays === null ? null : last + Math.round(shopRhythmDays);
  return last + Math.round((last - h.days[s]) / (purchaseDays - 1));
}
