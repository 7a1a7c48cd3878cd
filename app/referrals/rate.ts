// The referral rate (docs/referrals.md): of the customers whose first counted order falls in a
// period, the share acquired through a referral, with its always-valid 95 % interval; its change
// against the previous period and a year earlier; and referred customers as a cohort against the
// other customers acquired in the 12 months up to the period's end (repeat purchase rate and net
// revenue per customer). Comparisons are the campaigns' (app/campaigns/lift.ts, decision 28): an
// always-valid interval, since merchants look whenever they like, and a verdict that says when
// there is too little data. Pure: one pass over the in-memory histories (app/metrics/order-facts.ts).
import { compareArms, rateInterval, type ArmOutcome, type Comparison, type Interval } from "../campaigns/lift";
import type { Period } from "../metrics/kpis";
import type { CustomerHistories } from "../metrics/order-facts";

export interface ReferralRate {
  /** Customers whose first counted order is in the period. */
  newCustomers: number;
  /** ... of whom came through a referral. */
  referred: number;
  /** %; null without new customers. */
  rate: number | null;
  /** Always-valid 95 % interval of the rate, %. */
  interval: Interval | null;
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
  if (newCustomers === 0) return { newCustomers, referred: 0, rate: null, interval: null };
  const [low, high] = rateInterval(through, newCustomers);
  return { newCustomers, referred: through, rate: (through / newCustomers) * 100, interval: [low * 100, high * 100] };
}

const NO_REVENUE = { count: 0, sum: 0n, sumOfSquares: 0n };

/**
 * The rate of a period (the arm) against a reference period (the control): the difference in
 * percentage points with its interval and verdict; null until each has two new customers.
 */
export function rateChange(current: ReferralRate, reference: ReferralRate): Comparison | null {
  if (current.newCustomers < 2 || reference.newCustomers < 2) return null;
  const arm = ({ newCustomers, referred }: ReferralRate): ArmOutcome => ({
    reached: newCustomers,
    converted: referred,
    revenue: NO_REVENUE,
  });
  return compareArms(arm(current), arm(reference));
}

export interface ReferredCohort {
  referred: { customers: number; repeaters: number };
  others: { customers: number; repeaters: number };
  /** Referred (arm) against other new customers (control): repeat purchase and net revenue per customer; null until each has two. */
  comparison: Comparison | null;
}

const COHORT_DAYS = 365;

/** Customers acquired in the 365 days up to `asOf`: the referred against the others, their orders up to `asOf`. */
export function referredCohort(h: CustomerHistories, referred: ReadonlySet<number>, asOf: number): ReferredCohort {
  const groups = [0, 1].map(() => ({ reached: 0, converted: 0, revenue: { count: 0, sum: 0n, sumOfSquares: 0n } }));
  for (let c = 0; c < h.customers; c++) {
    const s = h.start[c];
    const e = h.start[c + 1];
    if (s === e || h.days[s] >= asOf || h.days[s] < asOf - COHORT_DAYS) continue;
    const group = groups[referred.has(c) ? 0 : 1];
    let orders = 0;
    let net = 0;
    for (let j = s; j < e && h.days[j] < asOf; j++) {
      orders++;
      net += h.net[j];
    }
    const revenue = BigInt(Math.round(net));
    group.reached++;
    if (orders >= 2) group.converted++;
    group.revenue = {
      count: group.revenue.count + 1,
      sum: group.revenue.sum + revenue,
      sumOfSquares: group.revenue.sumOfSquares + revenue * revenue,
    };
  }
  const [arm, control] = groups;
  const counts = (group: (typeof groups)[number]) => ({ customers: group.reached, repeaters: group.converted });
  return {
    referred: counts(arm),
    others: counts(control),
    comparison: arm.reached >= 2 && control.reached >= 2 ? compareArms(arm, control) : null,
  };
}
