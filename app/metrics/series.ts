// What the dashboard's charts draw over time: net revenue per month split by new, returning and
// guest orders, and the retention curve (how many of a cohort still order k months on).
import { firstDayOfMonth, formatMonth, lastMonthInProgress, type LocalDay } from "./calendar";
import type { CohortTable } from "./cohorts";
import { assertExactMoney, type CustomerHistories } from "./order-facts";

export interface MonthlyRevenue {
  /** "2024-03", shop calendar. */
  month: string;
  /** Net revenue of customers' first counted orders in the month, minor units. */
  netRevenueNew: number;
  /** ... of their second and later orders. */
  netRevenueReturning: number;
  netRevenueGuest: number;
  /** The month is still under way: its figures count the days so far. */
  inProgress: boolean;
}

/**
 * The `months` calendar months up to the one holding `asOf - 1`, oldest first; the last one is
 * only observed up to `asOf` (exclusive). One pass over the orders before `asOf`.
 */
export function monthlyRevenue(
  h: CustomerHistories,
  { asOf, months, today }: { asOf: LocalDay; months: number; today?: LocalDay },
): MonthlyRevenue[] {
  const lastMonth = h.monthOf(asOf - 1);
  const firstMonth = lastMonth - months + 1;
  const firstDay = firstDayOfMonth(firstMonth);
  const newRevenue = new Float64Array(months);
  const returningRevenue = new Float64Array(months);
  const guestRevenue = new Float64Array(months);
  for (let c = 0; c < h.customers; c++) {
    const s = h.start[c];
    // Newest first: a long history stops at the first month shown instead of walking all of it.
    for (let j = h.start[c + 1] - 1; j >= s; j--) {
      const day = h.days[j];
      if (day >= asOf) continue;
      if (day < firstDay) break;
      const month = h.monthOf(day) - firstMonth;
      if (j === s) newRevenue[month] += h.net[j];
      else returningRevenue[month] += h.net[j];
    }
  }
  for (let g = 0; g < h.guestDays.length; g++) {
    const day = h.guestDays[g];
    if (day >= firstDay && day < asOf) guestRevenue[h.monthOf(day) - firstMonth] += h.guestNet[g];
  }
  return Array.from({ length: months }, (_, i) => ({
    month: formatMonth(firstMonth + i),
    netRevenueNew: assertExactMoney(newRevenue[i]),
    netRevenueReturning: assertExactMoney(returningRevenue[i]),
    netRevenueGuest: assertExactMoney(guestRevenue[i]),
    inProgress: i === months - 1 && lastMonthInProgress(asOf, today),
  }));
}

export interface RetentionPoint {
  /** Months since the first order. */
  month: number;
  /** Of the customers of every cohort observed for this whole month, the share who ordered in it. */
  percent: number;
  /** How many cohorts that is (fewer for later months: young cohorts have not got there). */
  cohorts: number;
}

/**
 * The retention curve of a cohort table: per month k, customers of all cohorts who ordered in their
 * month k over those cohorts' sizes (so a large cohort weighs more than a small one). The month in
 * progress is left out: half a month would pull the curve down.
 */
export function retentionCurve(table: CohortTable): RetentionPoint[] {
  const customers: number[] = [];
  const sizes: number[] = [];
  const cohorts: number[] = [];
  for (const row of table.rows) {
    for (const cell of row.cells) {
      if (cell.inProgress) break;
      customers[cell.month] = (customers[cell.month] ?? 0) + cell.customers;
      sizes[cell.month] = (sizes[cell.month] ?? 0) + row.size;
      cohorts[cell.month] = (cohorts[cell.month] ?? 0) + 1;
    }
  }
  return sizes.map((size, month) => ({ month, percent: (customers[month] / size) * 100, cohorts: cohorts[month] }));
}
