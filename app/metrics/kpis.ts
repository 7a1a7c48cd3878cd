// Retention and repeat-purchase KPIs for one period, exactly as docs/metrics.md defines them.
// One pass over each customer's day-sorted orders; no database work.
import type { LocalDay } from "./calendar";
import { assertExactMoney, type CustomerHistories } from "./order-facts";

/** [from, to): local days, `to` exclusive. */
export interface Period {
  from: LocalDay;
  to: LocalDay;
}

export const DEFAULT_LOOKBACK_DAYS = 365;

export interface PeriodKpis {
  /** S: customers with a counted order in the lookback window before the period starts. */
  customersAtStart: number;
  /** E: the same at the period's end. */
  customersAtEnd: number;
  /** N: active at the end but not at the start: first-time buyers plus reactivated customers. */
  customersGained: number;
  firstTimeCustomers: number;
  reactivatedCustomers: number;
  /** Active at both ends (E - N). */
  retainedCustomers: number;
  /** Active at the start and not at the end. */
  churnedCustomers: number;
  /** (E - N) / S x 100; null when S = 0. */
  retentionRate: number | null;
  /** churned / S x 100 (= 100 - retention rate). */
  churnRate: number | null;
  /** Customers who ordered in the period. */
  orderingCustomers: number;
  /** ... of whom had ordered before the period. */
  returningCustomers: number;
  returningCustomerRate: number | null;
  /** As of the period's end: customers with 2+ counted orders over customers with 1+. */
  repeatCustomers: number;
  customersToDate: number;
  repeatPurchaseRate: number | null;
  /** Counted orders in the period, guests' included. */
  orders: number;
  /** Counted orders of customers (not guests) in the period. */
  customerOrders: number;
  /** customerOrders / orderingCustomers. */
  purchaseFrequency: number | null;
  /** Net revenue in minor units of the shop currency. */
  netRevenue: number;
  /** From customers' first orders. */
  netRevenueNew: number;
  /** From customers' second and later orders. */
  netRevenueReturning: number;
  netRevenueGuest: number;
  /** netRevenue / orders, rounded to a minor unit. */
  averageOrderValue: number | null;
  /** Median days from first to second order, over customers whose second order fell in the period. */
  medianDaysToSecondOrder: number | null;
  secondOrders: number;
  /** Net revenue to date per customer, as of the period's end (minor units, rounded). */
  historicalClv: number | null;
}

const ratio = (part: number, whole: number, scale = 100) => (whole === 0 ? null : (part / whole) * scale);

export function median(values: Int32Array | Float64Array): number | null {
  if (values.length === 0) return null;
  const sorted = values.slice().sort();
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function periodKpis(h: CustomerHistories, period: Period, lookbackDays = DEFAULT_LOOKBACK_DAYS): PeriodKpis {
  const { from: A, to: B } = period;
  if (!(B > A)) throw new RangeError("a period must end after it starts");
  let S = 0,
    E = 0,
    retained = 0,
    firstTime = 0,
    reactivated = 0;
  let ordering = 0,
    returning = 0,
    repeat = 0,
    toDate = 0,
    customerOrders = 0;
  let revenueNew = 0,
    revenueReturning = 0,
    revenueToDate = 0;
  const gaps: number[] = [];

  for (let c = 0; c < h.customers; c++) {
    const s = h.start[c];
    const e = h.start[c + 1];
    if (s === e || h.days[s] >= B) continue;
    let countBeforeA = 0,
      lastBeforeA = 0,
      countBeforeB = 0,
      lastBeforeB = 0,
      inPeriod = 0;
    for (let j = s; j < e; j++) {
      const day = h.days[j];
      if (day >= B) break;
      if (day < A) {
        countBeforeA++;
        lastBeforeA = day;
      } else {
        inPeriod++;
        if (j === s) revenueNew += h.net[j];
        else revenueReturning += h.net[j];
        if (j === s + 1) gaps.push(day - h.days[s]);
      }
      countBeforeB++;
      lastBeforeB = day;
      revenueToDate += h.net[j];
    }
    const activeAtA = countBeforeA > 0 && lastBeforeA >= A - lookbackDays;
    const activeAtB = lastBeforeB >= B - lookbackDays;
    if (activeAtA) S++;
    if (activeAtB) E++;
    if (activeAtA && activeAtB) retained++;
    if (activeAtB && !activeAtA) {
      if (countBeforeA === 0) firstTime++;
      else reactivated++;
    }
    if (inPeriod > 0) {
      ordering++;
      customerOrders += inPeriod;
      if (countBeforeA > 0) returning++;
    }
    toDate++;
    if (countBeforeB >= 2) repeat++;
  }

  let guestOrders = 0,
    revenueGuest = 0;
  for (let g = 0; g < h.guestDays.length; g++) {
    const day = h.guestDays[g];
    if (day >= A && day < B) {
      guestOrders++;
      revenueGuest += h.guestNet[g];
    }
  }

  const orders = customerOrders + guestOrders;
  const netRevenue = revenueNew + revenueReturning + revenueGuest;
  const gained = firstTime + reactivated;
  return {
    customersAtStart: S,
    customersAtEnd: E,
    customersGained: gained,
    firstTimeCustomers: firstTime,
    reactivatedCustomers: reactivated,
    retainedCustomers: retained,
    churnedCustomers: S - retained,
    retentionRate: ratio(E - gained, S),
    churnRate: ratio(S - retained, S),
    orderingCustomers: ordering,
    returningCustomers: returning,
    returningCustomerRate: ratio(returning, ordering),
    repeatCustomers: repeat,
    customersToDate: toDate,
    repeatPurchaseRate: ratio(repeat, toDate),
    orders,
    customerOrders,
    purchaseFrequency: ratio(customerOrders, ordering, 1),
    netRevenue: assertExactMoney(netRevenue),
    netRevenueNew: revenueNew,
    netRevenueReturning: revenueReturning,
    netRevenueGuest: revenueGuest,
    averageOrderValue: orders === 0 ? null : Math.round(netRevenue / orders),
    medianDaysToSecondOrder: median(Int32Array.from(gaps)),
    secondOrders: gaps.length,
    historicalClv: toDate === 0 ? null : Math.round(assertExactMoney(revenueToDate) / toDate),
  };
}

/** How each KPI's change is read: rates in percentage points, the rest in percent. */
export const RATE_KPIS = ["retentionRate", "churnRate", "returningCustomerRate", "repeatPurchaseRate"] as const;

export type KpiChange = { vsPrevious: number | null; vsYearAgo: number | null };

/** Change of every numeric KPI against two reference periods (points for rates, % otherwise). */
export function kpiChanges(current: PeriodKpis, previous: PeriodKpis, yearAgo: PeriodKpis): Record<keyof PeriodKpis, KpiChange> {
  const change = (key: keyof PeriodKpis, reference: PeriodKpis): number | null => {
    const now = current[key];
    const then = reference[key];
    if (now === null || then === null) return null;
    if ((RATE_KPIS as readonly string[]).includes(key)) return now - then;
    return then === 0 ? null : ((now - then) / Math.abs(then)) * 100;
  };
  const changes = {} as Record<keyof PeriodKpis, KpiChange>;
  for (const key of Object.keys(current) as (keyof PeriodKpis)[]) {
    changes[key] = { vsPrevious: change(key, previous), vsYearAgo: change(key, yearAgo) };
  }
  return changes;
}
