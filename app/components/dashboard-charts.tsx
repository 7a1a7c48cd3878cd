// The dashboard's charts, drawn by polaris-viz. polaris-viz measures its container in the browser,
// so a chart renders only after hydration; the server (and the first client render) shows a
// Polaris skeleton of the same height.
import { BarChart, LineChart, SimpleBarChart } from "@shopify/polaris-viz";
import { Box, SkeletonBodyText } from "@shopify/polaris";
import { useMemo, type ReactNode } from "react";
import { useHydrated } from "./browser";
import { useTranslation } from "react-i18next";
import { minorToDecimal } from "../i18n/format";
import { useFormat } from "../i18n/use-format";
import type { GapDistribution } from "../metrics/order-gaps";
import type { MonthlyRevenue, RetentionPoint } from "../metrics/series";
import type { Segment } from "../metrics/segments";

const CHART_HEIGHT = 300;
/** Guests apart from the two customer series: a neutral grey. */
const GUEST_COLOR = "#b5b5b5";
/** A second series beside the first (what a model expected, a later step): the same neutral grey. */
const PREDICTED_COLOR = GUEST_COLOR;
/** The month in progress: a pale, fading bar of its own, so a partial month does not read as a slump. */
const IN_PROGRESS_COLOR = [
  { offset: 0, color: "rgba(120, 90, 230, 0.75)" },
  { offset: 100, color: "rgba(120, 90, 230, 0.2)" },
];

/** A chart's figures as a table: what a screen reader reads in place of the drawing. */
interface ChartTable {
  caption: string;
  headings: string[];
  /** The first cell of each row heads it. */
  rows: string[][];
}

const VISUALLY_HIDDEN = {
  position: "absolute",
  width: 1,
  height: 1,
  margin: -1,
  padding: 0,
  overflow: "hidden",
  clip: "rect(0 0 0 0)",
  whiteSpace: "nowrap",
  border: 0,
} as const;

/**
 * The same figures follow the drawing as a visually hidden table, rendered on the server already:
 * a screen reader gets rows and headings rather than polaris-viz's SVG shapes alone (which stay
 * reachable, with their tooltips, by keyboard).
 */
function ChartFrame({ id, table, children }: { id: string; table: ChartTable; children: ReactNode }) {
  const hydrated = useHydrated();
  return (
    <div style={{ position: "relative" }}>
      <div id={id} style={{ height: CHART_HEIGHT }} data-chart-ready={hydrated || undefined}>
        {hydrated ? (
          children
        ) : (
          <Box paddingBlock="400">
            <SkeletonBodyText lines={8} />
          </Box>
        )}
      </div>
      <table id={`${id}-table`} style={VISUALLY_HIDDEN}>
        <caption>{table.caption}</caption>
        <thead>
          <tr>
            {table.headings.map((heading) => (
              <th key={heading} scope="col">
                {heading}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {table.rows.map(([head, ...cells], i) => (
            <tr key={i}>
              <th scope="row">{head}</th>
              {cells.map((cell, k) => (
                <td key={k}>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const monthStart = (month: string) => new Date(`${month}-01T00:00:00Z`);

/** "2024-03" as the merchant's language names a month: "Mar 2024" ("März 2024"). */
export function useMonthLabel() {
  const { locale } = useFormat();
  return useMemo(() => {
    const format = new Intl.DateTimeFormat(locale, { month: "short", year: "numeric", timeZone: "UTC" });
    return (month: string) => format.format(monthStart(month));
  }, [locale]);
}

/**
 * "2024-03" as an axis tick: the month's short name ("Mar", "März"), with the year on January and
 * on the `first` tick ("Jan 24"). Month and year on every one of 24 ticks were too wide, and
 * polaris-viz cuts a too-wide label at the first letter missing from its width table: "Mä…".
 */
function useAxisMonthLabel(first: string | undefined) {
  const { locale } = useFormat();
  return useMemo(() => {
    const withYear = new Intl.DateTimeFormat(locale, { month: "short", year: "2-digit", timeZone: "UTC" });
    const monthOnly = new Intl.DateTimeFormat(locale, { month: "short", timeZone: "UTC" });
    return (month: string) => (month === first || month.endsWith("-01") ? withYear : monthOnly).format(monthStart(month));
  }, [locale, first]);
}

/** `through`: the last day counted, which the month in progress's legend names. */
export function RevenueChart({ months, currency, through }: { months: MonthlyRevenue[]; currency: string; through: string }) {
  const { t } = useTranslation("dashboard");
  const format = useFormat();
  const monthLabel = useMonthLabel();
  const axisLabel = useAxisMonthLabel(months[0]?.month);
  // Completed months stack by kind of customer; the month in progress is one bar of its own.
  const series = (name: string, value: (m: MonthlyRevenue) => number) => ({
    name,
    data: months.map((m) => ({ key: m.month, value: m.inProgress ? null : value(m) })),
  });
  const inProgressSeries = months.some((m) => m.inProgress)
    ? [
        {
          name: t("charts.revenue.inProgressSeries", { date: format.day(through) }),
          data: months.map((m) => ({
            key: m.month,
            value: m.inProgress ? m.netRevenueNew + m.netRevenueReturning + m.netRevenueGuest : null,
          })),
          color: IN_PROGRESS_COLOR,
        },
      ]
    : [];
  const money = (value: string | number | null) => (value === null ? "" : format.money(Math.round(Number(value)), currency));
  // The month in progress reads "Dec 2026 (so far)" wherever the month is named in full.
  const inProgress = new Set(months.filter((m) => m.inProgress).map((m) => m.month));
  const fullMonth = (month: string) =>
    inProgress.has(month) ? t("charts.revenue.soFar", { month: monthLabel(month) }) : monthLabel(month);
  // Axis ticks in whole, compact amounts (€40K); tooltips keep the exact amount.
  const axisMoney = useMemo(() => {
    const compact = new Intl.NumberFormat(format.locale, {
      style: "currency",
      currency,
      notation: "compact",
      maximumFractionDigits: 1,
    });
    return (value: string | number | null) =>
      value === null ? "" : compact.format(minorToDecimal(Math.round(Number(value)), currency) as unknown as number);
  }, [format.locale, currency]);
  return (
    <ChartFrame
      id="chart-revenue"
      table={{
        caption: t("charts.revenue.title"),
        headings: [t("charts.month"), t("charts.revenue.new"), t("charts.revenue.returning"), t("charts.revenue.guests")],
        rows: months.map((m) => [
          fullMonth(m.month),
          money(m.netRevenueNew),
          money(m.netRevenueReturning),
          money(m.netRevenueGuest),
        ]),
      }}
    >
      <BarChart
        type="stacked"
        theme="Light"
        data={[
          series(t("charts.revenue.new"), (m) => m.netRevenueNew),
          series(t("charts.revenue.returning"), (m) => m.netRevenueReturning),
          { ...series(t("charts.revenue.guests"), (m) => m.netRevenueGuest), color: GUEST_COLOR },
          ...inProgressSeries,
        ]}
        xAxisOptions={{ labelFormatter: (key) => axisLabel(String(key)) }}
        yAxisOptions={{ labelFormatter: axisMoney }}
        tooltipOptions={{ valueFormatter: money, titleFormatter: (key) => fullMonth(String(key)) }}
        emptyStateText={t("charts.empty")}
      />
    </ChartFrame>
  );
}

export function RetentionCurveChart({ curve }: { curve: RetentionPoint[] }) {
  const { t } = useTranslation("dashboard");
  const format = useFormat();
  const percent = (value: string | number | null) => (value === null ? "" : format.percent(Number(value)));
  const month = (key: string | number | null) => t("charts.retention.month", { month: key });
  return (
    <ChartFrame
      id="chart-retention"
      table={{
        caption: t("charts.retention.title"),
        headings: [t("charts.retention.after"), t("charts.retention.series")],
        rows: curve.filter((p) => p.month > 0).map((p) => [month(p.month), percent(p.percent)]),
      }}
    >
      <LineChart
        theme="Light"
        // Month 0 is every cohort's first order (100 %); the curve starts at the first month after.
        data={[
          {
            name: t("charts.retention.series"),
            data: curve.filter((p) => p.month > 0).map((p) => ({ key: p.month, value: p.percent })),
          },
        ]}
        xAxisOptions={{ labelFormatter: month }}
        yAxisOptions={{ labelFormatter: percent }}
        tooltipOptions={{ valueFormatter: percent, titleFormatter: month }}
        showLegend={false}
        emptyStateText={t("charts.empty")}
      />
    </ChartFrame>
  );
}

export function SegmentsChart({ segments }: { segments: { segment: Segment; customers: number }[] }) {
  const { t } = useTranslation("dashboard");
  const format = useFormat();
  return (
    <ChartFrame
      id="chart-segments"
      table={{
        caption: t("charts.segments.caption"),
        headings: [t("charts.segments.segment"), t("charts.segments.series")],
        rows: segments.map((s) => [t(`segments.names.${s.segment}.label`), format.number(s.customers)]),
      }}
    >
      <SimpleBarChart
        theme="Light"
        data={[
          {
            name: t("charts.segments.series"),
            data: segments.map((s) => ({ key: t(`segments.names.${s.segment}.label`), value: s.customers })),
          },
        ]}
        xAxisOptions={{ labelFormatter: (value) => (value === null ? "" : format.number(Number(value))) }}
        showLegend={false}
      />
    </ChartFrame>
  );
}

export interface BacktestRow {
  repeatPurchases: number;
  actual: number;
  predicted: number;
}

/** Mean orders per customer in the held-out weeks, actual beside predicted, by repeat orders before. */
export function BacktestChart({ rows, from }: { rows: BacktestRow[]; from: string }) {
  const { t } = useTranslation("dashboard");
  const format = useFormat();
  const last = rows.at(-1)?.repeatPurchases;
  const group = (count: number) => t(count === last ? "backtest.chart.repeatOrMore" : "backtest.chart.repeat", { count });
  const orders = (value: string | number | null) => (value === null ? "" : format.decimal(Number(value), 2));
  const series = (name: string, value: (row: BacktestRow) => number) => ({
    name,
    data: rows.map((row) => ({ key: group(row.repeatPurchases), value: value(row) })),
  });
  return (
    <ChartFrame
      id="chart-backtest"
      table={{
        caption: t("backtest.chart.caption"),
        headings: [t("backtest.chart.group", { from }), t("backtest.chart.actual"), t("backtest.chart.predicted")],
        rows: rows.map((row) => [group(row.repeatPurchases), orders(row.actual), orders(row.predicted)]),
      }}
    >
      <BarChart
        theme="Light"
        data={[
          series(t("backtest.chart.actual"), (row) => row.actual),
          { ...series(t("backtest.chart.predicted"), (row) => row.predicted), color: PREDICTED_COLOR },
        ]}
        yAxisOptions={{ labelFormatter: orders }}
        tooltipOptions={{ valueFormatter: orders }}
        emptyStateText={t("charts.empty")}
      />
    </ChartFrame>
  );
}

/** Customers by days between orders: first to second beside second to third, per range of days. */
export function OrderGapsChart({ distributions }: { distributions: GapDistribution[] }) {
  const { t } = useTranslation("dashboard");
  const format = useFormat();
  const buckets = distributions[0]?.histogram ?? [];
  const range = (bucket: GapDistribution["histogram"][number]) =>
    bucket.toDays === null
      ? t("gaps.above", { from: bucket.fromDays - 1 })
      : t("gaps.range", { from: bucket.fromDays, to: bucket.toDays });
  const count = (value: string | number | null) => (value === null ? "" : format.number(Number(value)));
  const series = distributions.map((d, i) => ({
    name: t(`gaps.${d.step}`),
    data: d.histogram.map((bucket) => ({ key: range(bucket), value: bucket.customers })),
    ...(i > 0 && { color: PREDICTED_COLOR }),
  }));
  return (
    <ChartFrame
      id="chart-gaps"
      table={{
        caption: t("gaps.caption"),
        headings: [t("gaps.days"), ...distributions.map((d) => t(`gaps.${d.step}`))],
        rows: buckets.map((bucket, b) => [range(bucket), ...distributions.map((d) => count(d.histogram[b].customers))]),
      }}
    >
      <BarChart
        theme="Light"
        data={series}
        yAxisOptions={{ labelFormatter: count }}
        tooltipOptions={{ valueFormatter: count }}
        emptyStateText={t("charts.empty")}
      />
    </ChartFrame>
  );
}
