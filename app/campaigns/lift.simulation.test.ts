// Proof by simulation that the always-valid intervals and the verdict keep their promises when the
// merchant looks every day. Synthetic campaigns with a known true effect: base rates 2-20 %, offer
// arms of 200-20,000 customers with a control of the same size or a quarter of it (a 20 % control),
// true effects 0 to +5 pp, skewed (lognormal) spend. Customers enter over 1-30 days and order at
// some point in their 30-day attribution window, mostly early; the campaign is looked at after each
// day until the last window closes. Seeded, so every run measures the same numbers.
import { describe, expect, it } from "vitest";
import { compareArms, type ArmOutcome } from "./lift";

const CAMPAIGNS = 1_000; // of each kind: with an effect, and without
const WINDOW_DAYS = 30;
const SPEND_MEDIAN = 4_000; // minor units
const SPEND_SIGMA = 1; // lognormal: the mean is median x e^(σ²/2), 1.65 times the median
const MEAN_SPEND = SPEND_MEDIAN * Math.exp(SPEND_SIGMA ** 2 / 2);
const Z95 = 1.959963984540054;

/** mulberry32: a small seeded generator, uniform on [0, 1). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(uniform: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

interface Day {
  reached: number;
  converted: number;
  sum: number;
  sumOfSquares: bigint;
}

/** Per day of the campaign, what happened in an arm that day: customers entering, and orders with their spend. */
function simulateArm(uniform: () => number, customers: number, rate: number, entryDays: number, days: number): Day[] {
  const byDay = Array.from({ length: days }, (): Day => ({ reached: 0, converted: 0, sum: 0, sumOfSquares: 0n }));
  for (let i = 0; i < customers; i++) {
    const entered = Math.floor(uniform() * entryDays);
    byDay[entered]!.reached++;
    if (uniform() >= rate) continue;
    // Most orders come early in the window.
    const ordered = entered + Math.floor(WINDOW_DAYS * uniform() ** 2);
    const spend = Math.round(SPEND_MEDIAN * Math.exp(SPEND_SIGMA * normal(uniform)));
    const day = byDay[ordered]!;
    day.converted++;
    day.sum += spend;
    day.sumOfSquares += BigInt(spend) ** 2n;
  }
  return byDay;
}

interface Run {
  customers: number;
  trueDifference: number; // pp
  finalCoversDifference: boolean;
  finalCoversRevenue: boolean;
  finalVerdict: string;
  /** Whether a verdict of better or worse was shown on any day. */
  calledAnyDay: boolean;
  /** Whether the always-valid interval excluded 0 on any day, minimums or not. */
  excludedZeroAnyDay: boolean;
  /** The same for a fixed-n 95 % Wald interval looked at daily, the naive way. */
  waldCalledAnyDay: boolean;
}

function simulateCampaign(uniform: () => number, effect: boolean): Run {
  const baseRate = 0.02 + 0.18 * uniform();
  const difference = effect ? 0.05 * uniform() : 0;
  const armSize = Math.round(200 * 100 ** uniform()); // log-uniform 200-20,000
  const controlSize = uniform() < 0.5 ? armSize : Math.max(200, Math.round(armSize / 4));
  const entryDays = 1 + Math.floor(uniform() * 30);
  const days = entryDays + WINDOW_DAYS;
  const arm = simulateArm(uniform, armSize, baseRate + difference, entryDays, days);
  const control = simulateArm(uniform, controlSize, baseRate, entryDays, days);

  const totals = () => ({ reached: 0, converted: 0, revenue: { count: 0, sum: 0n, sumOfSquares: 0n } }) satisfies ArmOutcome;
  const [a, c] = [totals(), totals()];
  const add = (total: ArmOutcome, day: Day) => {
    total.reached += day.reached;
    total.converted += day.converted;
    total.revenue.count += day.converted;
    total.revenue.sum += BigInt(day.sum);
    total.revenue.sumOfSquares += day.sumOfSquares;
  };
  let calledAnyDay = false;
  let excludedZeroAnyDay = false;
  let waldCalledAnyDay = false;
  let last = null as ReturnType<typeof compareArms> | null;
  for (let day = 0; day < days; day++) {
    add(a, arm[day]!);
    add(c, control[day]!);
    if (a.reached < 2 || c.reached < 2) continue;
    last = compareArms(a, c);
    if (last.verdict.kind === "better" || last.verdict.kind === "worse") calledAnyDay = true;
    if (last.differenceInterval[0] > 0 || last.differenceInterval[1] < 0) excludedZeroAnyDay = true;
    const [p1, p0] = [a.converted / a.reached, c.converted / c.reached];
    const se = Math.sqrt((p1 * (1 - p1)) / a.reached + (p0 * (1 - p0)) / c.reached);
    if (se > 0 && Math.abs(p1 - p0) > Z95 * se) waldCalledAnyDay = true;
  }
  const [low, high] = last!.differenceInterval;
  const [revenueLow, revenueHigh] = last!.revenuePerCustomerDifferenceInterval;
  const trueRevenue = difference * MEAN_SPEND;
  return {
    trueDifference: difference * 100,
    finalCoversDifference: low <= difference * 100 && difference * 100 <= high,
    finalCoversRevenue: Number(revenueLow) <= trueRevenue && trueRevenue <= Number(revenueHigh),
    finalVerdict: last!.verdict.kind,
    calledAnyDay,
    excludedZeroAnyDay,
    waldCalledAnyDay,
    customers: armSize + controlSize,
  };
}

const share = (runs: Run[], test: (run: Run) => boolean) => runs.filter(test).length / runs.length;
const percent = (x: number) => `${(x * 100).toFixed(1)} %`;

describe("the lift statistics under daily looks (simulation)", () => {
  const uniform = random(20261207);
  const withEffect = Array.from({ length: CAMPAIGNS }, () => simulateCampaign(uniform, true));
  const withoutEffect = Array.from({ length: CAMPAIGNS }, () => simulateCampaign(uniform, false));

  const coverage = share(withEffect, (run) => run.finalCoversDifference);
  const nullCoverage = share(withoutEffect, (run) => run.finalCoversDifference);
  const revenueCoverage = share([...withEffect, ...withoutEffect], (run) => run.finalCoversRevenue);
  const falsePositives = share(withoutEffect, (run) => run.calledAnyDay);
  const intervalFalsePositives = share(withoutEffect, (run) => run.excludedZeroAnyDay);
  const waldFalsePositives = share(withoutEffect, (run) => run.waldCalledAnyDay);
  const found = share(withEffect, (run) => run.finalVerdict === "better");
  const foundLarge = share(
    withEffect.filter((run) => run.trueDifference >= 3),
    (run) => run.finalVerdict === "better",
  );
  console.log(
    [
      `simulated ${CAMPAIGNS} campaigns with a true effect (0-5 pp) and ${CAMPAIGNS} without, ` +
        `${[...withEffect, ...withoutEffect].reduce((sum, run) => sum + run.customers, 0).toLocaleString("en")} customers, looked at daily:`,
      `  final 95 % interval covers the true difference: ${percent(coverage)} (with an effect), ${percent(nullCoverage)} (without)`,
      `  final 95 % interval of net revenue per customer covers the truth: ${percent(revenueCoverage)}`,
      `  false positives over all daily looks (no true effect): verdict ${percent(falsePositives)}; ` +
        `the always-valid interval alone, without the minimums: ${percent(intervalFalsePositives)}; ` +
        `a fixed-n 95 % Wald interval: ${percent(waldFalsePositives)}`,
      `  "better" at the end with a true effect: ${percent(found)} (${percent(foundLarge)} of effects of 3 pp or more)`,
    ].join("\n"),
  );

  it("covers the true effect with the final 95 % intervals at least 93 % of the time", () => {
    expect(coverage).toBeGreaterThanOrEqual(0.93);
    expect(nullCoverage).toBeGreaterThanOrEqual(0.93);
  });

  it("calls an offer better or worse on some day in at most 5 % of campaigns without an effect", () => {
    expect(falsePositives).toBeLessThanOrEqual(0.05);
  });

  it("covers the true net revenue difference, skewed spend and all", () => {
    expect(revenueCoverage).toBeGreaterThanOrEqual(0.93);
  });
});
