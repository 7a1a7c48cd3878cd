// The KPIs in plain words: one source for the admin's help texts and docs/metrics.md.
import type { PeriodKpis } from "./kpis";

export type KpiFormat = "percent" | "money" | "count" | "decimal" | "days";

export interface KpiDefinition {
  label: string;
  format: KpiFormat;
  /** One line, as the merchant reads it under the figure. */
  help: string;
  /** True when a fall is good news (churn). */
  lowerIsBetter?: boolean;
}

/** The KPIs the dashboard shows, in its order. */
export const KPI_DEFINITIONS: Partial<Record<keyof PeriodKpis, KpiDefinition>> = {
  retentionRate: {
    label: "Customer retention rate",
    format: "percent",
    help: "Of the customers active when the period began, the share still active at its end: (E − N) / S. Active = ordered in the lookback window.",
  },
  churnRate: {
    label: "Churn rate",
    format: "percent",
    help: "Of the customers active when the period began, the share no longer active at its end (100 − retention rate).",
    lowerIsBetter: true,
  },
  returningCustomerRate: {
    label: "Returning customer rate",
    format: "percent",
    help: "Of the customers who ordered in the period, the share who had ordered before it.",
  },
  repeatPurchaseRate: {
    label: "Repeat purchase rate",
    format: "percent",
    help: "At the period's end: customers with two or more orders, over customers with at least one.",
  },
  purchaseFrequency: {
    label: "Purchase frequency",
    format: "decimal",
    help: "Orders per ordering customer in the period (guest orders not included).",
  },
  averageOrderValue: {
    label: "Average order value",
    format: "money",
    help: "Net revenue over orders in the period, guest orders included.",
  },
  netRevenue: {
    label: "Net revenue",
    format: "money",
    help: "Subtotal after discounts, less refunds; without shipping, tax and tips. Cancelled and test orders excluded.",
  },
  netRevenueNew: {
    label: "Net revenue from new customers",
    format: "money",
    help: "From customers' first orders placed in the period.",
  },
  netRevenueReturning: {
    label: "Net revenue from returning customers",
    format: "money",
    help: "From customers' second and later orders placed in the period.",
  },
  customersGained: {
    label: "Customers gained",
    format: "count",
    help: "Active at the period's end but not at its start: first-time buyers and reactivated customers.",
  },
  medianDaysToSecondOrder: {
    label: "Time to second order",
    format: "days",
    help: "Median days from first to second order, for customers whose second order fell in the period.",
    lowerIsBetter: true,
  },
  historicalClv: {
    label: "Historical CLV",
    format: "money",
    help: "Net revenue per customer to date, at the period's end.",
  },
};

export const PREDICTED_REVENUE_HELP =
  "Net revenue the existing customers are expected to bring in the next 12 months (BG/NBD for orders × Gamma-Gamma for spend, fitted on this shop's history).";
