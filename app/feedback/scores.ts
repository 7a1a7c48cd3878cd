// The survey figures and their 95 % intervals, as docs/feedback.md defines them. These describe
// the answers of one period (a fixed sample), so fixed-sample intervals are right here; the
// campaign lift's always-valid intervals (app/campaigns) answer another question.
//
// - NPS = 100 · (P − D) / n, P promoters (9–10), D detractors (0–6). P and D come from one
//   multinomial sample, so Var(p̂ − d̂) = (p + d − (p − d)²) / n; the interval is the normal one,
//   clipped to [−100, 100].
// - CSAT = share of 4–5 answers; response rate and repeat purchase rate are shares too: Wilson
//   score intervals, which stay inside [0, 1] and keep their coverage for small samples.
// - CES and net revenue per customer are means: mean ± t(0.975, n − 1) · s / √n.

/** The standard normal's 97.5 % quantile: two-sided 95 % intervals. */
export const Z95 = 1.959963984540054;

/** Below this many answers (customers, for the retention link) a figure is shown with "too few answers". */
export const MIN_ANSWERS = 30;

export type Interval = [low: number, high: number];

export interface NpsFigure {
  answers: number;
  promoters: number;
  passives: number;
  detractors: number;
  /** −100 … 100; null without answers. */
  nps: number | null;
  ci95: Interval | null;
  enough: boolean;
}

export type NpsCategory = "promoter" | "passive" | "detractor";

export function npsCategory(score: number): NpsCategory {
  return score >= 9 ? "promoter" : score >= 7 ? "passive" : "detractor";
}

export function npsFigure(scores: readonly number[]): NpsFigure {
  const n = scores.length;
  let promoters = 0;
  let detractors = 0;
  for (const score of scores) {
    const category = npsCategory(score);
    if (category === "promoter") promoters++;
    else if (category === "detractor") detractors++;
  }
  const passives = n - promoters - detractors;
  if (n === 0) return { answers: 0, promoters, passives, detractors, nps: null, ci95: null, enough: false };
  const p = promoters / n;
  const d = detractors / n;
  const nps = 100 * (p - d);
  const half = 100 * Z95 * Math.sqrt((p + d - (p - d) ** 2) / n);
  const ci95: Interval | null = n < 2 ? null : [Math.max(-100, nps - half), Math.min(100, nps + half)];
  return { answers: n, promoters, passives, detractors, nps, ci95, enough: n >= MIN_ANSWERS };
}

export interface ShareFigure {
  count: number;
  of: number;
  /** Percent; null when `of` is 0. */
  percent: number | null;
  ci95: Interval | null;
  enough: boolean;
}

/** Wilson's score interval of `count` successes in `n` at 95 %, as fractions. */
export function wilson(count: number, n: number): Interval {
  const p = count / n;
  const z2 = Z95 * Z95;
  const centre = 2 * n * p + z2;
  const spread = Z95 * Math.sqrt(z2 + 4 * n * p * (1 - p));
  const denominator = 2 * (n + z2);
  return [(centre - spread) / denominator, (centre + spread) / denominator];
}

/** `count` of `of` in %, with its Wilson interval. */
export function shareFigure(count: number, of: number, minimum = MIN_ANSWERS): ShareFigure {
  if (of === 0) return { count, of, percent: null, ci95: null, enough: false };
  const [low, high] = wilson(count, of);
  return { count, of, percent: (100 * count) / of, ci95: [100 * low, 100 * high], enough: of >= minimum };
}

/** CSAT: the share of 4 and 5 among the 1–5 answers. */
export function csatFigure(scores: readonly number[]): ShareFigure {
  return shareFigure(scores.filter((score) => score >= 4).length, scores.length);
}

export interface MeanFigure {
  n: number;
  mean: number | null;
  ci95: Interval | null;
  enough: boolean;
}

export function meanFigure(values: readonly number[], minimum = MIN_ANSWERS): MeanFigure {
  const n = values.length;
  if (n === 0) return { n, mean: null, ci95: null, enough: false };
  const mean = values.reduce((sum, value) => sum + value, 0) / n;
  if (n < 2) return { n, mean, ci95: null, enough: false };
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (n - 1);
  const half = tQuantile975(n - 1) * Math.sqrt(variance / n);
  return { n, mean, ci95: [mean - half, mean + half], enough: n >= minimum };
}

/** CES: the mean of the 1–7 answers. */
export const cesFigure = (scores: readonly number[]) => meanFigure(scores);

// t(0.975, df) for df 1–30 (standard tables); above, the Cornish–Fisher expansion around z,
// within 0.001 of the exact value.
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101,
  2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

export function tQuantile975(df: number): number {
  if (!Number.isInteger(df) || df < 1) throw new RangeError(`degrees of freedom must be a positive whole number, got ${df}`);
  if (df <= T975.length) return T975[df - 1];
  const z = Z95;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2);
}

export interface RetentionOutcome {
  /** Ordered again within the window after answering. */
  repeated: boolean;
  /** Net revenue of those orders, minor units. */
  netRevenue: bigint;
}

export interface RetentionFigure {
  customers: number;
  repeatRate: ShareFigure;
  /** Minor units per customer (a mean of exact amounts, so a fraction). */
  revenuePerCustomer: MeanFigure;
  enough: boolean;
}

/** What one group (promoters, passives or detractors) did in the window after answering. */
export function retentionFigure(outcomes: readonly RetentionOutcome[]): RetentionFigure {
  const customers = outcomes.length;
  const repeatRate = shareFigure(outcomes.filter((outcome) => outcome.repeated).length, customers);
  const revenuePerCustomer = meanFigure(outcomes.map((outcome) => Number(outcome.netRevenue)));
  return { customers, repeatRate, revenuePerCustomer, enough: customers >= MIN_ANSWERS };
}

export type RetentionVerdict = "tooFew" | "promotersMore" | "detractorsMore" | "noClearDifference";

/**
 * The retention link in plain words: do promoters come back more often than detractors? Only when
 * both groups have enough customers, and only when their 95 % intervals do not overlap (a
 * conservative reading: non-overlapping intervals imply a significant difference, not the reverse).
 */
export function retentionVerdict(promoters: RetentionFigure, detractors: RetentionFigure): RetentionVerdict {
  if (!promoters.enough || !detractors.enough) return "tooFew";
  const [p, d] = [promoters.repeatRate.ci95!, detractors.repeatRate.ci95!];
  if (p[0] > d[1]) return "promotersMore";
  if (d[0] > p[1]) return "detractorsMore";
  return "noClearDifference";
}
