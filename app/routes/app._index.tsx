// The dashboard: a period's KPIs against the previous period and/or a year earlier, predicted
// revenue, revenue from new and returning customers by month, the retention curve, the cohort
// heatmap and the RFM segments; the lookback setting and the CSV exports.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams, useSubmit } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Button,
  Card,
  DataTable,
  InlineGrid,
  InlineStack,
  Layout,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { requireShop } from "../auth.server";
import { readFormData } from "../platform/http/body.server";
import { OrderGapsChart, RetentionCurveChart, RevenueChart, SegmentsChart } from "../components/dashboard-charts";
import { CohortHeatmap } from "../components/dashboard-cohort-heatmap";
import { KpiCard } from "../components/dashboard-kpi-card";
import { BacktestCard } from "../components/dashboard-backtest";
import { DashboardSkeleton } from "../components/dashboard-skeleton";
import { downloadFile } from "../components/browser";
import { KeptParamsFields, useKeptSearch } from "../components/kept-params";
import { useToast } from "../components/toast";
import { useFormat } from "../i18n/use-format";
import { DASHBOARD_KPIS } from "../metrics/definitions";
import { ShopNotFoundError } from "../metrics/facts.server";
import { dashboardQuery } from "../metrics/http.server";
import { getDashboard, saveLookbackDays, type Dashboard } from "../metrics/metrics.server";
import {
  comparedPeriods,
  COMPARISONS,
  DEFAULT_COMPARISON,
  MetricsQueryError,
  parseComparison,
  PERIOD_PRESETS,
  type ComparisonChoice,
  type MetricsQueryProblem,
} from "../metrics/periods";
import { DEFAULT_MODEL } from "../metrics/predictions";
import { EmptyPage } from "../components/empty-page";
import { pageTitle } from "../i18n/meta";
export { PageErrorBoundary as ErrorBoundary } from "../components/page-error";

/** The heatmap shows the newest cohorts over their first year (the oldest of them has all 13 months); the CSV export has all of them. */
const PAGE_COHORTS = 13;
const PAGE_COHORT_MONTHS = 13;
const CURVE_MONTHS = 24;

/** Only what the page draws: the period's KPI values and the chosen changes, not every field of three periods. */
function dashboardView(dashboard: Dashboard, comparison: ComparisonChoice) {
  const { kpis, changes, predictions } = dashboard;
  const compared = comparedPeriods(comparison);
  const cohorts = dashboard.cohorts.rows.slice(-PAGE_COHORTS).map((row) => ({
    cohort: row.cohort,
    size: row.size,
    cells: row.cells.slice(0, PAGE_COHORT_MONTHS).map(({ month, percent, cumulativeRevenuePerCustomer, inProgress }) => ({
      month,
      percent,
      cumulativeRevenuePerCustomer,
      inProgress,
    })),
  }));
  return {
    shop: dashboard.shop,
    lookbackDays: dashboard.lookbackDays,
    firstOrder: dashboard.firstOrder,
    periods: dashboard.periods,
    comparison,
    kpis: DASHBOARD_KPIS.map((kpi) => ({
      ...kpi,
      value: kpis.current[kpi.name],
      ...(compared.previous && { vsPrevious: changes[kpi.name].vsPrevious }),
      ...(compared.yearAgo && { vsYearAgo: changes[kpi.name].vsYearAgo }),
    })),
    predictions:
      predictions.status === "pending"
        ? { status: predictions.status, model: DEFAULT_MODEL }
        : {
            status: predictions.status,
            asOf: predictions.asOf,
            fittedAt: predictions.fittedAt,
            customers: predictions.customers,
            reasons: predictions.reasons,
            summary: predictions.summary,
            model: predictions.model,
            backtest: predictions.backtest,
          },
    revenueByMonth: dashboard.revenueByMonth,
    retentionCurve: dashboard.retentionCurve.slice(0, CURVE_MONTHS + 1),
    cohorts,
    cohortMonths: Math.max(0, ...cohorts.map((row) => row.cells.length)),
    segments: dashboard.segments.map(({ segment, customers, revenueShare }) => ({ segment, customers, revenueShare })),
    timeBetweenOrders: dashboard.timeBetweenOrders,
  };
}

export const meta = pageTitle("nav.dashboard");

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  try {
    const comparison = parseComparison(new URL(request.url).searchParams.get("compare"));
    return { problem: null, view: dashboardView(await getDashboard(shop, dashboardQuery(request)), comparison) };
  } catch (error) {
    if (error instanceof MetricsQueryError) return { problem: error.problem, view: null };
    // Right after install the shop's details are still being read from Shopify: nothing to show yet.
    if (error instanceof ShopNotFoundError) return { problem: null, view: null };
    throw error;
  }
};

/** Saves the lookback window (the only metrics setting); a bad value changes nothing. */
export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireShop(request);
  try {
    return {
      saved: await saveLookbackDays(shop, (await readFormData(request)).get("lookbackDays") as string | null),
      problem: null,
    };
  } catch (error) {
    if (error instanceof MetricsQueryError) return { saved: null, problem: error.problem };
    throw error;
  }
};

type View = NonNullable<Awaited<ReturnType<typeof loader>>["view"]>;

function useProblemText() {
  const { t } = useTranslation("dashboard");
  const format = useFormat();
  return (problem: MetricsQueryProblem) => {
    switch (problem.code) {
      case "badDate":
        return t("period.badDate", {
          text: problem.text,
          field: t(problem.field === "from" ? "period.fieldFrom" : "period.fieldTo"),
        });
      case "fromAfterTo":
        return t("period.fromAfterTo", { from: format.day(problem.from), to: format.day(problem.to) });
      case "afterToday":
        return t("period.afterToday", { to: format.day(problem.to), today: format.day(problem.today) });
      case "beforeHistory":
        return t("period.beforeHistory", { to: format.day(problem.to), firstOrder: format.day(problem.firstOrder) });
      case "badPreset":
        return t("period.badPreset", { text: problem.text });
      case "badComparison":
        return t("period.badComparison", { text: problem.text });
      case "lookbackRange":
        return t("lookback.range", { min: problem.min, max: problem.max });
    }
  };
}

/** A CSV export, with a toast saying how it went. */
function useDownload() {
  const { t } = useTranslation("dashboard");
  const toast = useToast();
  return async (path: string, fileName: string) => {
    try {
      await downloadFile(path, fileName);
      toast(t("exports.done", { file: fileName }));
    } catch (error) {
      toast(t("exports.failed", { message: (error as Error).message }), { isError: true });
    }
  };
}

/** Which of the period form's fields a refused period is about. */
function problemFields(problem: MetricsQueryProblem | null): Record<"from" | "to" | "preset" | "compare", boolean> {
  const none = { from: false, to: false, preset: false, compare: false };
  switch (problem?.code) {
    case "badDate":
      return { ...none, from: problem.field === "from", to: problem.field === "to" };
    case "fromAfterTo":
      return { ...none, from: true, to: true };
    case "afterToday":
    case "beforeHistory":
      return { ...none, to: true };
    case "badPreset":
      return { ...none, preset: true };
    case "badComparison":
      return { ...none, compare: true };
    default:
      return none;
  }
}

function PeriodForm({
  from: initialFrom,
  to: initialTo,
  preset: initialPreset,
  comparison: initialComparison,
  problem = null,
}: {
  from: string;
  to: string;
  preset: string;
  comparison: string;
  problem?: MetricsQueryProblem | null;
}) {
  const { t } = useTranslation("dashboard");
  const navigation = useNavigation();
  const submit = useSubmit();
  const keep = useKeptSearch();
  const [params] = useSearchParams();
  const [from, setFrom] = useState(initialFrom);
  const [to, setTo] = useState(initialTo);
  const [preset, setPreset] = useState((PERIOD_PRESETS as readonly string[]).includes(initialPreset) ? initialPreset : "");
  const [comparison, setComparison] = useState(
    (COMPARISONS as readonly string[]).includes(initialComparison) ? initialComparison : DEFAULT_COMPARISON,
  );
  // The default comparison stays out of the URL.
  const compareParam: Record<string, string> = comparison === DEFAULT_COMPARISON ? {} : { compare: comparison };
  // The banner above says what is wrong; the fields it is about are marked.
  const marked = problemFields(problem);
  const choosePreset = (value: string) => {
    setPreset(value);
    // A named period shows at once; "Custom dates" waits for the dates and Show.
    if (value) submit(keep({ preset: value, ...compareParam }), { method: "get" });
  };
  // Another comparison shows at once, for the period in view.
  const chooseComparison = (value: string) => {
    setComparison(value);
    const next = new URLSearchParams(params);
    if (value === DEFAULT_COMPARISON) next.delete("compare");
    else next.set("compare", value);
    submit(next, { method: "get" });
  };
  return (
    <Card>
      <Form method="get">
        <KeptParamsFields />
        <InlineStack gap="300" blockAlign="end">
          <Select
            label={t("period.preset")}
            name={preset ? "preset" : undefined}
            options={[
              { label: t("period.custom"), value: "" },
              ...PERIOD_PRESETS.map((name) => ({ label: t(`period.presets.${name}`), value: name })),
            ]}
            value={preset}
            onChange={choosePreset}
            error={marked.preset}
          />
          <TextField
            label={t("period.from")}
            type="date"
            name="from"
            value={from}
            onChange={(value) => (setFrom(value), setPreset(""))}
            autoComplete="off"
            error={marked.from}
          />
          <TextField
            label={t("period.to")}
            type="date"
            name="to"
            value={to}
            onChange={(value) => (setTo(value), setPreset(""))}
            autoComplete="off"
            error={marked.to}
          />
          <Button submit variant="primary" loading={navigation.state === "loading" && navigation.formMethod === "GET"}>
            {t("period.show")}
          </Button>
          <Select
            label={t("period.compare")}
            name={comparison === DEFAULT_COMPARISON ? undefined : "compare"}
            options={COMPARISONS.map((name) => ({ label: t(`period.comparisons.${name}`), value: name }))}
            value={comparison}
            onChange={chooseComparison}
            error={marked.compare}
          />
        </InlineStack>
      </Form>
    </Card>
  );
}

function LookbackForm({ lookbackDays }: { lookbackDays: number }) {
  const { t } = useTranslation("dashboard");
  const { t: common } = useTranslation();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const toast = useToast();
  const problemText = useProblemText();
  const [value, setValue] = useState(String(lookbackDays));
  useEffect(() => {
    if (result?.saved) toast(t("lookback.saved", { days: result.saved }));
  }, [result, toast, t]);
  return (
    <Card>
      <Form method="post">
        <InlineStack gap="300" blockAlign="end">
          <TextField
            label={t("lookback.label")}
            type="number"
            name="lookbackDays"
            value={value}
            onChange={setValue}
            autoComplete="off"
            error={result?.problem ? problemText(result.problem) : undefined}
            helpText={t("lookback.help")}
          />
          <Button submit loading={navigation.state === "submitting"}>
            {common("actions.save")}
          </Button>
        </InlineStack>
      </Form>
    </Card>
  );
}

function PredictionsCard({ predictions, shop }: { predictions: View["predictions"]; shop: View["shop"] }) {
  const { t } = useTranslation("dashboard");
  const format = useFormat();
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          {t("predictions.title")}
        </Text>
        {predictions.status === "pending" ? (
          <Text as="p" tone="subdued">
            {t("predictions.pending")}
          </Text>
        ) : (
          <>
            {predictions.summary && (
              <>
                <Text as="p" variant="headingXl" id="predicted-revenue">
                  {format.approximateMoney(predictions.summary.predictedRevenue12m, shop.currency)}
                </Text>
                <Text as="p" variant="bodySm" tone="subdued" id="predicted-as-of">
                  {t("predictions.asOf", { date: format.day(predictions.asOf) })}
                </Text>
                <Text as="p">
                  {t("predictions.risk", {
                    low: format.number(predictions.summary.customersByRisk.low),
                    medium: format.number(predictions.summary.customersByRisk.medium),
                    high: format.number(predictions.summary.customersByRisk.high),
                  })}
                </Text>
              </>
            )}
            <Text as="p" variant="bodySm" tone="subdued">
              {t("predictions.fitted", {
                customers: format.number(predictions.customers),
                fittedAt: format.dateTime(predictions.fittedAt, shop.timezone),
              })}
            </Text>
            {predictions.status === "unstable" && (
              <Banner tone="warning" title={t("predictions.unstableTitle")}>
                <ul>
                  {predictions.reasons.map((reason) => (
                    <li key={reason.text}>
                      {reason.code ? t(`predictions.reasons.${reason.code}`, reason.values) : reason.text}
                    </li>
                  ))}
                </ul>
              </Banner>
            )}
          </>
        )}
        <Text as="p" variant="bodySm" tone="subdued">
          {t("predictions.help", { model: t(`predictions.models.${predictions.model}`) })}
        </Text>
      </BlockStack>
    </Card>
  );
}

function SegmentsTable({ segments }: { segments: View["segments"] }) {
  const { t } = useTranslation("dashboard");
  const format = useFormat();
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {t("segments.title")}
        </Text>
        <DataTable
          columnContentTypes={["text", "text", "numeric", "numeric"]}
          headings={[t("segments.segment"), t("segments.who"), t("segments.customers"), t("segments.revenueShare")]}
          rows={segments.map((s) => [
            t(`segments.names.${s.segment}.label`),
            t(`segments.names.${s.segment}.rule`),
            format.number(s.customers),
            s.revenueShare === null ? t("change.none") : format.percent(s.revenueShare),
          ])}
        />
      </BlockStack>
    </Card>
  );
}

function ChartCard({ title, help, children }: { title: string; help: string; children: ReactNode }) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {title}
        </Text>
        {children}
        <Text as="p" variant="bodySm" tone="subdued">
          {help}
        </Text>
      </BlockStack>
    </Card>
  );
}

export default function DashboardPage() {
  const { view, problem } = useLoaderData<typeof loader>();
  const { t } = useTranslation("dashboard");
  const format = useFormat();
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const download = useDownload();
  const problemText = useProblemText();

  if (navigation.state === "loading" && navigation.location.pathname === "/app" && navigation.formMethod !== "POST") {
    return <DashboardSkeleton />;
  }
  if (problem) {
    return (
      <Page title={t("title")}>
        <BlockStack gap="400">
          <Banner tone="critical" title={t("period.invalidTitle")}>
            {problemText(problem)}
          </Banner>
          <PeriodForm
            from={params.get("from") ?? ""}
            to={params.get("to") ?? ""}
            preset={params.get("preset") ?? ""}
            comparison={params.get("compare") ?? ""}
            problem={problem}
          />
        </BlockStack>
      </Page>
    );
  }
  if (!view || view.firstOrder === null) {
    return (
      <EmptyPage title={t("title")} heading={t("empty.heading")} action={{ content: t("empty.action"), url: "/app/sync" }}>
        <p>{t("empty.body")}</p>
      </EmptyPage>
    );
  }
  const { periods, shop } = view;
  const day = format.day;
  const search = new URLSearchParams({ to: periods.current.to }).toString();
  return (
    <Page
      title={t("title")}
      subtitle={t("subtitle", {
        from: day(periods.current.from),
        to: day(periods.current.to),
        lookbackDays: view.lookbackDays,
        timezone: shop.timezone,
      })}
      secondaryActions={[
        {
          content: t("exports.cohorts"),
          onAction: () => download(`/app/metrics/cohorts.csv?${search}`, `cohorts-${periods.current.to}.csv`),
        },
        { content: t("exports.customers"), onAction: () => download("/app/metrics/customers.csv", "customers.csv") },
      ]}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="200">
            <PeriodForm
              key={`${periods.current.from}/${periods.current.to}`}
              from={periods.current.from}
              to={periods.current.to}
              preset={params.get("preset") ?? ""}
              comparison={view.comparison}
            />
            <Text as="p" variant="bodySm" tone="subdued" id="compared-with">
              {t(`comparedWith.${view.comparison}`, {
                previousFrom: day(periods.previous.from),
                previousTo: day(periods.previous.to),
                yearAgoFrom: day(periods.yearAgo.from),
                yearAgoTo: day(periods.yearAgo.to),
              })}
            </Text>
          </BlockStack>
        </Layout.Section>
        <Layout.Section>
          <InlineGrid columns={{ xs: 1, sm: 2, md: 3 }} gap="400">
            {view.kpis.map((figure) => (
              <KpiCard key={figure.name} figure={figure} currency={shop.currency} lookbackDays={view.lookbackDays} />
            ))}
          </InlineGrid>
        </Layout.Section>
        <Layout.Section>
          <PredictionsCard predictions={view.predictions} shop={shop} />
        </Layout.Section>
        {view.predictions.status !== "pending" && (
          <Layout.Section>
            <BacktestCard backtest={view.predictions.backtest} model={view.predictions.model} />
          </Layout.Section>
        )}
        <Layout.Section>
          <ChartCard
            title={t("charts.revenue.title")}
            help={[
              t("charts.revenue.help", { months: view.revenueByMonth.length, to: day(periods.current.to) }),
              ...(view.revenueByMonth.at(-1)?.inProgress ? [t("charts.revenue.inProgress")] : []),
            ].join(" ")}
          >
            <RevenueChart months={view.revenueByMonth} currency={shop.currency} through={periods.current.to} />
          </ChartCard>
        </Layout.Section>
        <Layout.Section>
          <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
            <ChartCard title={t("charts.retention.title")} help={t("charts.retention.help")}>
              <RetentionCurveChart curve={view.retentionCurve} />
            </ChartCard>
            <ChartCard title={t("charts.segments.title", { date: day(periods.current.to) })} help={t("charts.segments.help")}>
              <SegmentsChart segments={view.segments} />
            </ChartCard>
          </InlineGrid>
        </Layout.Section>
        <Layout.Section>
          <ChartCard title={t("gaps.title")} help={t("gaps.help", { date: day(periods.current.to) })}>
            <BlockStack gap="100">
              {view.timeBetweenOrders.map((d) => (
                <Text as="p" key={d.step} id={`gaps-${d.step}`}>
                  {d.median === null
                    ? t("gaps.none", { step: t(`gaps.${d.step}`) })
                    : t("gaps.summary", {
                        step: t(`gaps.${d.step}`),
                        median: format.number(d.median, 1),
                        customers: format.number(d.customers),
                        lower: format.number(d.lowerQuartile!, 1),
                        upper: format.number(d.upperQuartile!, 1),
                      })}
                </Text>
              ))}
            </BlockStack>
            <OrderGapsChart distributions={view.timeBetweenOrders} />
          </ChartCard>
        </Layout.Section>
        <Layout.Section>
          <ChartCard
            title={t("heatmap.title")}
            help={t("heatmap.help", { cohorts: view.cohorts.length, date: day(periods.current.to) })}
          >
            <CohortHeatmap rows={view.cohorts} months={view.cohortMonths} currency={shop.currency} />
          </ChartCard>
        </Layout.Section>
        <Layout.Section>
          <SegmentsTable segments={view.segments} />
        </Layout.Section>
        <Layout.Section>
          <LookbackForm lookbackDays={view.lookbackDays} />
        </Layout.Section>
      </Layout>
    </Page>
  );
}
