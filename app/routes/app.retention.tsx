// Retention: the KPIs of a period against the previous period and a year earlier, segments,
// predictions and the latest cohorts, each with its definition.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, DataTable, InlineGrid, InlineStack, Layout, Page, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { requireShop } from "../auth.server";
import { KPI_DEFINITIONS, PREDICTED_REVENUE_HELP, type KpiDefinition } from "../metrics/definitions";
import { dashboardQuery } from "../metrics/http.server";
import { getDashboard, saveLookbackDays } from "../metrics/metrics.server";
import { MetricsQueryError } from "../metrics/periods";
import type { PeriodKpis } from "../metrics/kpis";

/** The page shows the newest cohorts; the CSV export has all of them. */
const PAGE_COHORTS = 12;
const PAGE_COHORT_MONTHS = 13;

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  try {
    const dashboard = await getDashboard(shop, dashboardQuery(request));
    const cohorts = dashboard.cohorts.rows.slice(-PAGE_COHORTS).map((row) => ({ ...row, cells: row.cells.slice(0, PAGE_COHORT_MONTHS) }));
    return { error: null, dashboard: { ...dashboard, cohorts: { ...dashboard.cohorts, rows: cohorts } } };
  } catch (error) {
    if (error instanceof MetricsQueryError) return { error: error.message, dashboard: null };
    throw error;
  }
};

/** Saves the lookback window (the only metrics setting); a bad value changes nothing. */
export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireShop(request);
  try {
    return { saved: await saveLookbackDays(shop, (await request.formData()).get("lookbackDays") as string | null), error: null };
  } catch (error) {
    if (error instanceof MetricsQueryError) return { saved: null, error: error.message };
    throw error;
  }
};

type Dashboard = NonNullable<Awaited<ReturnType<typeof loader>>["dashboard"]>;

function formatValue(value: number | null, format: KpiDefinition["format"], currency: string): string {
  if (value === null) return "—";
  switch (format) {
    case "percent":
      return `${value.toFixed(1)} %`;
    case "money":
      return new Intl.NumberFormat("en", { style: "currency", currency }).format(value / 10 ** currencyDigits(currency));
    case "decimal":
      return value.toFixed(2);
    case "days":
      return `${value} days`;
    default:
      return value.toLocaleString("en");
  }
}

function currencyDigits(currency: string) {
  return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

function formatChange(change: number | null, format: KpiDefinition["format"]) {
  if (change === null) return "—";
  const sign = change > 0 ? "+" : "";
  return format === "percent" ? `${sign}${change.toFixed(1)} pts` : `${sign}${change.toFixed(1)} %`;
}

function KpiCard({ name, dashboard }: { name: keyof PeriodKpis; dashboard: Dashboard }) {
  const definition = KPI_DEFINITIONS[name]!;
  const change = dashboard.changes[name];
  return (
    <Card>
      <BlockStack gap="100">
        <Text as="h3" variant="headingSm">{definition.label}</Text>
        <Text as="p" variant="headingXl" id={`kpi-${name}`}>
          {formatValue(dashboard.kpis.current[name], definition.format, dashboard.shop.currency)}
        </Text>
        <Text as="p" variant="bodySm">
          vs previous period {formatChange(change.vsPrevious, definition.format)} · vs a year ago {formatChange(change.vsYearAgo, definition.format)}
        </Text>
        <Text as="p" variant="bodySm" tone="subdued">{definition.help}</Text>
      </BlockStack>
    </Card>
  );
}

async function download(path: string, search: string, fileName: string) {
  // A fetch, not a link: inside the Shopify admin, App Bridge adds the session token to fetches.
  const response = await fetch(`${path}${search}`);
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement("a"), { href: url, download: fileName });
  link.click();
  URL.revokeObjectURL(url);
}

export default function RetentionPage() {
  const { dashboard, error } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const [from, setFrom] = useState(params.get("from") ?? dashboard?.periods.current.from ?? "");
  const [to, setTo] = useState(params.get("to") ?? dashboard?.periods.current.to ?? "");
  const search = `?${params.toString()}`;
  const saved = useActionData<typeof action>();
  const [lookback, setLookback] = useState(String(dashboard?.lookbackDays ?? 365));

  const periodForm = (
    <Card>
      <Form method="get">
        <InlineStack gap="300" blockAlign="end">
          <TextField label="From" type="date" name="from" value={from} onChange={setFrom} autoComplete="off" />
          <TextField label="To (included)" type="date" name="to" value={to} onChange={setTo} autoComplete="off" />
          <Button submit loading={navigation.state === "loading"}>Show</Button>
        </InlineStack>
      </Form>
    </Card>
  );

  if (!dashboard) {
    return (
      <Page title="Retention">
        <BlockStack gap="400">
          <Banner tone="critical" title="The period is not valid">{error}</Banner>
          {periodForm}
        </BlockStack>
      </Page>
    );
  }
  const { periods, predictions, shop } = dashboard;
  return (
    <Page
      title="Retention"
      subtitle={`${periods.current.from} to ${periods.current.to} · compared with ${periods.previous.from} to ${periods.previous.to} and ${periods.yearAgo.from} to ${periods.yearAgo.to} · active = ordered in the last ${dashboard.lookbackDays} days · ${shop.timezone}`}
      secondaryActions={[
        { content: "Export cohorts (CSV)", onAction: () => download("/app/metrics/cohorts.csv", search, "cohorts.csv") },
        { content: "Export customers (CSV)", onAction: () => download("/app/metrics/customers.csv", "", "customers.csv") },
      ]}
    >
      <Layout>
        <Layout.Section>{periodForm}</Layout.Section>
        <Layout.Section>
          <Card>
            <Form method="post">
              <InlineStack gap="300" blockAlign="end">
                <TextField
                  label="A customer is active while their last order is at most this many days old"
                  type="number"
                  name="lookbackDays"
                  value={lookback}
                  onChange={setLookback}
                  autoComplete="off"
                  error={saved?.error ?? undefined}
                  helpText="Retention, churn and customers gained use this window. Usual values: 90 for consumables, 365 for most stores."
                />
                <Button submit>Save</Button>
              </InlineStack>
            </Form>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <InlineGrid columns={{ xs: 1, sm: 2, md: 3 }} gap="400">
            {(Object.keys(KPI_DEFINITIONS) as (keyof PeriodKpis)[]).map((name) => (
              <KpiCard key={name} name={name} dashboard={dashboard} />
            ))}
          </InlineGrid>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">Predicted revenue from existing customers (next 12 months)</Text>
              {predictions.status === "pending" ? (
                <Text as="p" tone="subdued">{predictions.message}</Text>
              ) : (
                <>
                  {predictions.summary && (
                    <Text as="p" variant="headingXl" id="predicted-revenue">
                      {formatValue(predictions.summary.predictedRevenue12m, "money", shop.currency)}
                    </Text>
                  )}
                  {predictions.summary && (
                    <Text as="p">
                      Churn risk: {predictions.summary.customersByRisk.low.toLocaleString("en")} low ·{" "}
                      {predictions.summary.customersByRisk.medium.toLocaleString("en")} medium ·{" "}
                      {predictions.summary.customersByRisk.high.toLocaleString("en")} high
                    </Text>
                  )}
                  {predictions.status === "unstable" && (
                    <Banner tone="warning" title="Too little history for reliable predictions">
                      <ul>{predictions.reasons.map((reason) => <li key={reason}>{reason}</li>)}</ul>
                    </Banner>
                  )}
                </>
              )}
              <Text as="p" variant="bodySm" tone="subdued">{PREDICTED_REVENUE_HELP}</Text>
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">Segments (RFM) at {periods.current.to}</Text>
              <DataTable
                columnContentTypes={["text", "text", "numeric", "numeric"]}
                headings={["Segment", "Who", "Customers", "Revenue share"]}
                rows={dashboard.segments.map((s) => [s.label, s.rule, s.customers.toLocaleString("en"), s.revenueShare === null ? "—" : `${s.revenueShare.toFixed(1)} %`])}
              />
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">Cohorts: customers ordering again, by month since their first order</Text>
              <Text as="p" variant="bodySm" tone="subdued">
                Rows are the month of the first order; month 0 is 100 %. The newest {PAGE_COHORTS} cohorts; the CSV export has all of them.
              </Text>
              <DataTable
                columnContentTypes={["text", "numeric", ...Array(PAGE_COHORT_MONTHS).fill("numeric")]}
                headings={["Cohort", "Customers", ...Array.from({ length: PAGE_COHORT_MONTHS }, (_, k) => `M${k}`)]}
                rows={dashboard.cohorts.rows.map((row) => [
                  row.cohort,
                  row.size.toLocaleString("en"),
                  ...Array.from({ length: PAGE_COHORT_MONTHS }, (_, k) => (row.cells[k] ? `${row.cells[k].percent.toFixed(1)} %` : "")),
                ])}
              />
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
