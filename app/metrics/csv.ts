// CSV exports (RFC 4180): the cohort table in long form (one row per cohort and month, easy to
// pivot), customers with segment and predictions, and the KPI comparison. Money is written as a
// decimal amount of the shop currency, never rounded through floating point. Every CSV the app
// writes goes through toCsv, so every cell through one escaping function, csvField.
import { formatMinorUnits } from "../platform/money";
import type { CohortTable } from "./cohorts";
import type { PeriodKpis, KpiChange } from "./kpis";

type Cell = string | number | null;

/**
 * Text a spreadsheet would run as a formula ("CSV injection", OWASP): a cell starting with `=`,
 * `+`, `-`, `@`, tab or carriage return gets a leading `'`, so it stays text. Merchant text (tier
 * and reward names, ids) reaches the exports. Numbers are exempt, whether passed as numbers or
 * as the decimal text the exports write money and ratios in ("-12.50"): a plain number cannot
 * be a formula, and a quote would turn a refund's negative amount into text.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

function csvField(value: Cell): string {
  if (value === null) return "";
  let text = String(value);
  if (typeof value === "string" && FORMULA_START.test(text) && !PLAIN_NUMBER.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: string[], rows: Cell[][]): string {
  return [header, ...rows].map((row) => row.map(csvField).join(",")).join("\r\n") + "\r\n";
}

export const money = (minor: number | null, currency: string): string | null =>
  minor === null ? null : formatMinorUnits(BigInt(minor), currency);

const decimal = (value: number | null, digits: number) => (value === null ? null : value.toFixed(digits));

export function cohortCsv(table: CohortTable, currency: string): string {
  return toCsv(
    [
      "cohort",
      "cohort_customers",
      "month",
      "customers",
      "percent",
      "orders",
      "net_revenue",
      "cumulative_net_revenue_per_customer",
      "in_progress",
    ],
    table.rows.flatMap((row) =>
      row.cells.map((cell) => [
        row.cohort,
        row.size,
        cell.month,
        cell.customers,
        decimal(cell.percent, 2),
        cell.orders,
        money(cell.revenue, currency),
        money(cell.cumulativeRevenuePerCustomer, currency),
        String(cell.inProgress),
      ]),
    ),
  );
}

/** A customer with a counted order: RFM, segment and (once fitted) predictions. */
export interface CustomerMetricsRow {
  gid: string;
  firstOrder: string;
  lastOrder: string;
  orders: number;
  netSpend: number;
  recencyDays: number;
  r: number;
  f: number;
  m: number;
  segment: string;
  pAlive: number | null;
  expectedOrders90: number | null;
  expectedOrders365: number | null;
  predictedClv12m: number | null;
  churnRisk: string | null;
  /** By the customer's own rhythm (order-gaps.ts nextOrderDue), shop calendar. */
  nextOrderDue: string | null;
  /** Days since nextOrderDue passed; 0 while it has not. */
  overdueDays: number | null;
}

export function customersCsv(rows: CustomerMetricsRow[], currency: string): string {
  return toCsv(
    [
      "customer_gid",
      "first_order",
      "last_order",
      "orders",
      "net_spend",
      "recency_days",
      "r",
      "f",
      "m",
      "segment",
      "p_alive",
      "expected_orders_90d",
      "expected_orders_365d",
      "predicted_clv_12m",
      "churn_risk",
      "next_order_due",
      "overdue_days",
    ],
    rows.map((c) => [
      c.gid,
      c.firstOrder,
      c.lastOrder,
      c.orders,
      money(c.netSpend, currency),
      c.recencyDays,
      c.r,
      c.f,
      c.m,
      c.segment,
      decimal(c.pAlive, 4),
      decimal(c.expectedOrders90, 4),
      decimal(c.expectedOrders365, 4),
      money(c.predictedClv12m, currency),
      c.churnRisk,
      c.nextOrderDue,
      c.overdueDays,
    ]),
  );
}

const MONEY_KPIS = new Set<keyof PeriodKpis>([
  "netRevenue",
  "netRevenueNew",
  "netRevenueReturning",
  "netRevenueGuest",
  "averageOrderValue",
  "historicalClv",
]);

export function kpiCsv(
  kpis: Record<"current" | "previous" | "yearAgo", PeriodKpis>,
  changes: Record<keyof PeriodKpis, KpiChange>,
  currency: string,
): string {
  const value = (key: keyof PeriodKpis, kpi: PeriodKpis) => {
    const v = kpi[key];
    if (MONEY_KPIS.has(key)) return money(v, currency);
    return v === null || Number.isInteger(v) ? v : v.toFixed(4);
  };
  return toCsv(
    ["kpi", "current", "previous_period", "year_ago", "change_vs_previous", "change_vs_year_ago"],
    (Object.keys(kpis.current) as (keyof PeriodKpis)[]).map((key) => [
      key,
      value(key, kpis.current),
      value(key, kpis.previous),
      value(key, kpis.yearAgo),
      decimal(changes[key].vsPrevious, 2),
      decimal(changes[key].vsYearAgo, 2),
    ]),
  );
}
