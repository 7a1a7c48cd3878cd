// The referral rate (docs/metrics.md, docs/referrals.md): of the customers whose first counted
// order falls in a period, the share acquired through a referral, with its Wilson 95 % interval;
// its change against the previous period and a year earlier with Newcombe's interval (the one the
// holdout lift uses), in percentage points; and referred customers as a cohort against the other
// customers acquired in the 12 months up to the period's end: repeat purchase rate and net revenue
// per customer. Pure: one pass over the in-memory histories (app/metrics/order-facts.ts).
import { MIN_OUTCOMES, repeatRateLift, wilson, type RepeatRateLift } from "../loyalty/effectiveness";
import type { Period } from "../metrics/kpis";
import type { CustomerHistories } from "../metrics/order-facts";

export interface ReferralRate {
  /** Customers whose first counted order is in the period. */
  newCustomers: number;
  /** ... of whom came through a referral. */
  referred: number;
  /** % ; null without new customers. */
  rate: number | null;
  ci95: [number, number] | null;
  /** At least MIN_OUTCOMES referred and not referred: below that the page says there is too little data. */
  enough: boolean;
}

/** `referred`: indexes of the histories' customers acquired through a referral. */
export function referralRate(h: CustomerHistories, referred: ReadonlySet<number>, period: Period): ReferralRate {
  let newCustomers = 0;
  let through = 0;
  for (let c = 0; c < h.customers; c++) {
    if (h.start[c] === h.start[c + 1]) continue;
    const first = h.days[h.start[c]];
    if (first < period.from || first >= period.to) continue;
    newCustomers++;
    if (referred.has(c)) through++;
  }
  if (newCustomers === 0) return { newCustomers, referred: 0, rate: null, ci95: null, enough: false };
  const [low, high] = wilson({ customers: newCustomers, repeaters: through });
  return {
    newCustomers,
    referred: through,
    rate: (through / newCustomers) * 100,
    ci95: [low * 100, high * 100],
    enough: through >= MIN_OUTCOMES && newCustomers - through >= MIN_OUTCOMES,
  };
}

export type Verdict = "tooLittleData" | "higher" | "lower" | "noClearChange";

export interface RateChange {
  /** current - reference, percentage points, with its 95 % interval; null when either has no new customers. */
  change: RepeatRateLift | null;
  verdict: Verdict;
}

/** The rate's change against a reference period, and what it means in plain words. */
export function rateChange(current: ReferralRate, reference: ReferralRate): RateChange {
  const change = repeatRateLift(
    { customers: current.newCustomers, repeaters: current.referred },
    { customers: reference.newCustomers, repeaters: reference.referred },
  );
  return { change, verdict: verdictOf(change) };
}

export function verdictOf(change: RepeatRateLift | null): Verdict {
  if (!change?.enough) return "tooLittleData";
  if (change.ci95[0] > 0) return "higher";
  if (change.ci95[1] < 0) return "lower";
  return "noClearChange";
}

export interface CohortGroup {
  customers: number;
  /** Customers with a second counted order by the period's end. */
  repeaters: number;
  repeatPurchaseRate: number | null;
  /** Net revenue to the period's end per customer, minor units, rounded. */
  netRevenuePerCustomer: number | null;
}

export interface ReferredCohort {
  referred: CohortGroup;
  others: CohortGroup;
  /** Referred minus others, repeat purchase rate in percentage points. */
  difference: RepeatRateLift | null;
  verdict: Verdict;
}

const COHORT_DAYS = 365;

/** Customers acquired in the 365 days up to `asOf`: the referred against the others. */
export function referredCohort(h: CustomerHistories, referred: ReadonlySet<number>, asOf: number): ReferredCohort {
  const sums = [0, 1].map(() => ({ customers: 0, repeaters: 0, revenue: 0 }));
  for (let c = 0; c < h.customers; c++) {
    const s = h.start[c];
    const e = h.start[c + 1];
    if (s === e || h.days[s] >= asOf || h.days[s] < asOf - COHORT_DAYS) continue;
    const group = sums[referred.has(c) ? 0 : 1];
    group.customers++;
    let orders = 0;
    for (let j = s; j < e && h.days[j] < asOf; j++) {
      orders++;
      group.revenue += h.net[j];
    }
    if (orders >= 2) group.repeaters++;
  }
  const [referredGroup, others] = sums.map(({ customers, repeaters, revenue }) => ({
    customers,
    repeaters,
    repeatPurchaseRate: customers ? (repeaters / customers) * 100 : null,
    netRevenuePerCustomer: customers ? Math.round(revenue / customers) : null,
  }));
  const difference = repeatRateLift(referredGroup, others);
  return { referred: referredGroup, others, difference, verdict: verdictOf(difference) };
}
