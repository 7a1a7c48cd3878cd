// The KPIs the dashboard shows, in its order, and how each is read. Their names and one-line
// definitions are the admin's text, in app/locales/<language>/dashboard.json (kpis.<name>).
import type { PeriodKpis } from "./kpis";

export type KpiFormat = "percent" | "money" | "count" | "decimal" | "days";

export interface KpiDefinition {
  name: keyof PeriodKpis;
  format: KpiFormat;
  /** True when a fall is good news (churn). */
  lowerIsBetter?: boolean;
}

export const DASHBOARD_KPIS: readonly KpiDefinition[] = [
  { name: "retentionRate", format: "percent" },
  { name: "churnRate", format: "percent", lowerIsBetter: true },
  { name: "returningCustomerRate", format: "percent" },
  { name: "repeatPurchaseRate", format: "percent" },
  { name: "purchaseFrequency", format: "decimal" },
  { name: "averageOrderValue", format: "money" },
  { name: "netRevenue", format: "money" },
  { name: "netRevenueNew", format: "money" },
  { name: "netRevenueReturning", format: "money" },
  { name: "customersGained", format: "count" },
  { name: "medianDaysToSecondOrder", format: "days", lowerIsBetter: true },
  { name: "historicalClv", format: "money" },
];
