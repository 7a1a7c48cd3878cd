// npm run metrics -- --shop <domain> [--from YYYY-MM-DD --to YYYY-MM-DD] [--format json|csv] [--refit]
// Prints the KPIs of the period (with the previous period and a year earlier) and the cohort
// table, from DATABASE_URL. JSON is the dashboard document of docs/metrics.md; CSV is the KPI
// table, a blank line, then the cohort table. Fits the purchase models first when there is no
// fit younger than a day (or with --refit).
import "./env";
import { parseArgs } from "node:util";

const usage =
  "usage: npm run metrics -- --shop <shop.myshopify.com> [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--format json|csv] [--refit]";
let values;
try {
  ({ values } = parseArgs({
    options: {
      shop: { type: "string" },
      from: { type: "string" },
      to: { type: "string" },
      format: { type: "string", default: "json" },
      refit: { type: "boolean" },
    },
  }));
} catch (error) {
  console.error(`${(error as Error).message}\n${usage}`);
  process.exit(2);
}
if (!values.shop) {
  console.error(usage);
  process.exit(2);
}
if (!["json", "csv"].includes(values.format!)) {
  console.error(`--format must be json or csv, got "${values.format}"\n${usage}`);
  process.exit(2);
}

const { getDashboard, currentFit, refitModels } = await import("../app/metrics/metrics.server");
const { ShopNotFoundError } = await import("../app/metrics/facts.server");
const { MetricsQueryError } = await import("../app/metrics/periods");
const { cohortCsv, kpiCsv } = await import("../app/metrics/csv");
const { default: db } = await import("../app/platform/db/client.server");
try {
  if (values.refit) await refitModels(values.shop);
  else await currentFit(values.shop);
  const dashboard = await getDashboard(values.shop, { from: values.from, to: values.to });
  if (values.format === "csv") {
    process.stdout.write(
      kpiCsv(dashboard.kpis, dashboard.changes, dashboard.shop.currency) +
        "\r\n" +
        cohortCsv(dashboard.cohorts, dashboard.shop.currency),
    );
  } else {
    process.stdout.write(JSON.stringify(dashboard, null, 2) + "\n");
  }
} catch (error) {
  if (error instanceof MetricsQueryError || error instanceof ShopNotFoundError) {
    console.error(error.message);
    process.exitCode = 2;
  } else throw error;
} finally {
  await db.$disconnect();
}
process.exit(process.exitCode ?? 0);
