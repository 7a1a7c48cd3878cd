// RFM segments. Recency, frequency and monetary value are scored 1-5 by quintile within the shop
// (5 = most recent, most orders, highest net spend); tied values share the lower score. Where
// order counts tie across quintiles (most shops: most customers ordered once), F is scored by
// fixed order-count buckets instead, so that "Promising" and "At risk" stay reachable. R is also
// held against the customer's own rhythm (OVERDUE_GAPS). Named
// segments follow a fixed grid of R and F (docs/metrics.md), with M separating Champions from
// Loyal customers.
import dashboardText from "../locales/en/dashboard.json";
import type { LocalDay } from "./calendar";
import { assertExactMoney, type CustomerHistories } from "./order-facts";

export const SEGMENTS = [
  "champions",
  "loyal",
  "promising",
  "new",
  "needs_attention",
  "at_risk",
  "cant_lose_them",
  "hibernating",
  "lost",
] as const;
export type Segment = (typeof SEGMENTS)[number];

/** English names and rules, for the JSON API and CSV; the admin reads every language's file itself. */
const ENGLISH = dashboardText.segments.names;

export const SEGMENT_LABELS = Object.fromEntries(SEGMENTS.map((s) => [s, ENGLISH[s].label])) as Record<Segment, string>;

/** The rules, in words, as the admin and docs show them. */
export const SEGMENT_RULES = Object.fromEntries(SEGMENTS.map((s) => [s, ENGLISH[s].rule])) as Record<Segment, string>;

export function segmentOf(r: number, f: number, m: number): Segment {
  if (r >= 4) {
    if (f >= 4) return m >= 4 ? "champions" : "loyal";
    return f >= 2 ? "promising" : "new";
  }
  if (r === 3) return f >= 4 ? "loyal" : "needs_attention";
  if (f >= 4) return "cant_lose_them";
  if (f === 3) return "at_risk";
  return r === 2 ? "hibernating" : "lost";
}

/**
 * Quintile scores 1-5: 1 + the share of values strictly below (or, with `lowerIsBetter`, strictly
 * above) a value, in whole fifths. Only four order statistics decide it: a value scores above k
 * when more than k fifths of the values lie below it.
 */
export function quintileScores(values: Float64Array, lowerIsBetter = false): Uint8Array {
  const n = values.length;
  const scores = new Uint8Array(n);
  if (n === 0) return scores;
  const [c1, c2, c3, c4] = quintileCuts(values, lowerIsBetter);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    scores[i] = lowerIsBetter
      ? 1 + +(c1 > v) + +(c2 > v) + +(c3 > v) + +(c4 > v)
      : 1 + +(c1 < v) + +(c2 < v) + +(c3 < v) + +(c4 < v);
  }
  return scores;
}

/** The four values that decide the quintile scores (see quintileScores). */
function quintileCuts(values: Float64Array, lowerIsBetter = false): number[] {
  const n = values.length;
  // "At least t values below v" is sorted[t - 1] < v; "at least t above" is sorted[n - t] > v.
  const ranks = [1, 2, 3, 4].map((k) => {
    const t = Math.ceil((k * n) / 5);
    return lowerIsBetter ? n - t : t - 1;
  });
  return valuesAtRanks(values, ranks);
}

/** The lowest order count of F = 2, 3, 4 and 5 when F is scored by buckets: 1, 2, 3, 4–5, 6+. */
export const FREQUENCY_BUCKETS = [2, 3, 4, 6] as const;

/**
 * F: by quintile while the quintiles separate the order counts; by FREQUENCY_BUCKETS when two
 * quintile boundaries fall on the same count, which would leave some F scores to nobody.
 */
export function frequencyScores(orders: Float64Array): Uint8Array {
  if (orders.length === 0) return new Uint8Array(0);
  const cuts = quintileCuts(orders);
  const tied = cuts.some((cut, k) => k > 0 && cut === cuts[k - 1]);
  if (!tied) return quintileScores(orders);
  // A loop, not Uint8Array.from with a filter per value: no array allocated per customer.
  const [b2, b3, b4, b5] = FREQUENCY_BUCKETS;
  const scores = new Uint8Array(orders.length);
  for (let i = 0; i < orders.length; i++) {
    const count = orders[i];
    scores[i] = 1 + +(count >= b2) + +(count >= b3) + +(count >= b4) + +(count >= b5);
  }
  return scores;
}

/** Days and order counts are small whole numbers: counting them beats sorting 200,000 values. */
const COUNTABLE = 100_000;

/** The values at 0-based ranks of the values in ascending order. */
function valuesAtRanks(values: Float64Array, ranks: number[]): number[] {
  let max = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(Number.isInteger(v) && v >= 0 && v <= COUNTABLE)) {
      const sorted = values.slice().sort();
      return ranks.map((rank) => sorted[rank]);
    }
    if (v > max) max = v;
  }
  const counts = new Int32Array(max + 1);
  for (let i = 0; i < values.length; i++) counts[values[i]]++;
  return ranks.map((rank) => {
    let seen = 0;
    for (let v = 0; v <= max; v++) {
      seen += counts[v];
      if (seen > rank) return v;
    }
    return max;
  });
}

/** Every customer with a counted order before `asOf`, scored. Arrays are parallel. */
export interface RfmScores {
  asOf: LocalDay;
  /** Dense customer index (OrderFacts.customerIds gives the database id). */
  customer: Int32Array;
  recencyDays: Float64Array;
  orders: Float64Array;
  netSpend: Float64Array;
  r: Uint8Array;
  f: Uint8Array;
  m: Uint8Array;
  segment: Segment[];
}

/**
 * A customer silent for more than this many of their own average gaps between purchase days, and
 * for at least OVERDUE_MIN_DAYS, has missed their rhythm: whatever the shop's quintiles say, their
 * R is at most OVERDUE_MAX_R, so a weekly buyer gone for three months is "Can't lose them", not a
 * Champion. (Their P(alive) says the same; the segment now agrees with it.)
 */
export const OVERDUE_GAPS = 3;
export const OVERDUE_MIN_DAYS = 30;
export const OVERDUE_MAX_R = 2;

export function rfmScores(h: CustomerHistories, asOf: LocalDay): RfmScores {
  const customer = new Int32Array(h.customers);
  const recencyDays = new Float64Array(h.customers);
  const orders = new Float64Array(h.customers);
  const netSpend = new Float64Array(h.customers);
  const overdue = new Uint8Array(h.customers);
  let n = 0;
  for (let c = 0; c < h.customers; c++) {
    const s = h.start[c];
    const e = h.start[c + 1];
    if (s === e || h.days[s] >= asOf) continue;
    let count = 0,
      last = 0,
      net = 0,
      purchaseDays = 0;
    for (let j = s; j < e && h.days[j] < asOf; j++) {
      count++;
      if (j === s || h.days[j] !== last) purchaseDays++;
      last = h.days[j];
      net += h.net[j];
    }
    customer[n] = c;
    recencyDays[n] = asOf - 1 - last;
    orders[n] = count;
    netSpend[n] = net;
    const meanGap = purchaseDays > 1 ? (last - h.days[s]) / (purchaseDays - 1) : Infinity;
    overdue[n] = +(recencyDays[n] >= OVERDUE_MIN_DAYS && recencyDays[n] > OVERDUE_GAPS * meanGap);
    n++;
  }
  const scored = { recencyDays: recencyDays.subarray(0, n), orders: orders.subarray(0, n), netSpend: netSpend.subarray(0, n) };
  const r = quintileScores(scored.recencyDays, true);
  for (let i = 0; i < n; i++) if (overdue[i] && r[i] > OVERDUE_MAX_R) r[i] = OVERDUE_MAX_R;
  const f = frequencyScores(scored.orders);
  const m = quintileScores(scored.netSpend);
  const segment = new Array<Segment>(n);
  for (let i = 0; i < n; i++) segment[i] = segmentOf(r[i], f[i], m[i]);
  return { asOf, customer: customer.subarray(0, n), ...scored, r, f, m, segment };
}

export interface SegmentSummary {
  segment: Segment;
  label: string;
  rule: string;
  customers: number;
  /** Net revenue of its customers to date, minor units. */
  revenue: number;
  /** Share of all customers' net revenue, percent (null when there is none). */
  revenueShare: number | null;
}

export function segmentSummary(scores: RfmScores): SegmentSummary[] {
  const customers = new Map<Segment, number>();
  const revenue = new Map<Segment, number>();
  let total = 0;
  scores.segment.forEach((segment, i) => {
    customers.set(segment, (customers.get(segment) ?? 0) + 1);
    revenue.set(segment, (revenue.get(segment) ?? 0) + scores.netSpend[i]);
    total += scores.netSpend[i];
  });
  return SEGMENTS.map((segment) => ({
    segment,
    label: SEGMENT_LABELS[segment],
    rule: SEGMENT_RULES[segment],
    customers: customers.get(segment) ?? 0,
    revenue: assertExactMoney(revenue.get(segment) ?? 0),
    revenueShare: total === 0 ? null : ((revenue.get(segment) ?? 0) / total) * 100,
  }));
}
