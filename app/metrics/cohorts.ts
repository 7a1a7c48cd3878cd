// Monthly acquisition cohorts: row = the month of a customer's first counted order, column k =
// months since then. Cells are non-cumulative customer counts (month 0 = the whole cohort),
// orders and net revenue; the LTV curve is the cumulative net revenue per cohort customer.
import { formatMonth, lastMonthInProgress, type LocalDay } from "./calendar";
import { assertExactMoney, type CustomerHistories } from "./order-facts";

export interface CohortCell {
  /** Months since the cohort's first month. */
  month: number;
  customers: number;
  /** customers / cohort size x 100. */
  percent: number;
  orders: number;
  /** Net revenue in the month, minor units. */
  revenue: number;
  /** Net revenue from month 0 to this month, per cohort customer (minor units, rounded). */
  cumulativeRevenuePerCustomer: number;
  /** The month is still under way as of the table's day: its figures count the days so far. */
  inProgress: boolean;
}

export interface CohortRow {
  /** "2024-03": the month of the first counted order, shop calendar. */
  cohort: string;
  size: number;
  /** Only months already observed: a cohort from last month has months 0 and 1. */
  cells: CohortCell[];
}

export interface CohortTable {
  rows: CohortRow[];
  /** The widest row's number of columns. */
  months: number;
}

export interface CohortOptions {
  /** Orders on or after this day are not seen (the table as of that day). */
  asOf: LocalDay;
  /** Cohorts whose first month is in [fromMonth, toMonth]; default: the newest `maxCohorts`. */
  fromMonth?: number;
  toMonth?: number;
  maxCohorts?: number;
  maxMonths?: number;
  /** The shop's current day: a table that reaches it has its month in progress, even on the month's last day. */
  today?: LocalDay;
}

export function cohortTable(h: CustomerHistories, options: CohortOptions): CohortTable {
  const { asOf, maxCohorts = 60, maxMonths = 60 } = options;
  const lastMonth = h.monthOf(asOf - 1);
  const toMonth = Math.min(options.toMonth ?? lastMonth, lastMonth);
  const fromMonth = Math.max(options.fromMonth ?? -Infinity, toMonth - maxCohorts + 1);
  const rows = toMonth - fromMonth + 1;
  if (rows <= 0 || h.lastDay < h.firstDay) return { rows: [], months: 0 };

  const width = maxMonths;
  const customers = new Int32Array(rows * width);
  const orders = new Int32Array(rows * width);
  const revenue = new Float64Array(rows * width);
  const sizes = new Int32Array(rows);

  for (let c = 0; c < h.customers; c++) {
    const s = h.start[c];
    const e = h.start[c + 1];
    if (s === e || h.days[s] >= asOf) continue;
    const cohort = h.monthOf(h.days[s]);
    if (cohort < fromMonth || cohort > toMonth) continue;
    const row = cohort - fromMonth;
    sizes[row]++;
    let previousK = -1;
    for (let j = s; j < e; j++) {
      const day = h.days[j];
      if (day >= asOf) break;
      const k = h.monthOf(day) - cohort;
      if (k >= width) break;
      const cell = row * width + k;
      // Days are sorted, so a customer's months arrive in order: count each month once.
      if (k !== previousK) customers[cell]++;
      previousK = k;
      orders[cell]++;
      revenue[cell] += h.net[j];
    }
  }

  const inProgress = lastMonthInProgress(asOf, options.today);
  const table: CohortRow[] = [];
  let months = 0;
  for (let row = 0; row < rows; row++) {
    const size = sizes[row];
    if (size === 0) continue;
    const cohort = fromMonth + row;
    const observed = Math.min(width, lastMonth - cohort + 1);
    months = Math.max(months, observed);
    let cumulative = 0;
    const cells: CohortCell[] = [];
    for (let k = 0; k < observed; k++) {
      const cell = row * width + k;
      cumulative += revenue[cell];
      cells.push({
        month: k,
        customers: customers[cell],
        percent: (customers[cell] / size) * 100,
        orders: orders[cell],
        revenue: assertExactMoney(revenue[cell]),
        cumulativeRevenuePerCustomer: Math.round(cumulative / size),
        inProgress: inProgress && cohort + k === lastMonth,
      });
    }
    table.push({ cohort: formatMonth(cohort), size, cells });
  }
  return { rows: table, months };
}
