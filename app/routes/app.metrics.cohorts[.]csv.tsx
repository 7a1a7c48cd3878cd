// GET /app/metrics/cohorts.csv?to=YYYY-MM-DD: the cohort table as of the period's end, long form.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { cohortCsv } from "../metrics/csv";
import { csvResponse } from "../platform/http/responses";
import { dashboardQuery, forShop } from "../metrics/http.server";
import { getCohorts } from "../metrics/metrics.server";

export const loader = ({ request }: LoaderFunctionArgs) =>
  forShop(request, async (shop) => {
    const { cohorts, currency, to } = await getCohorts(shop, dashboardQuery(request));
    return csvResponse(cohortCsv(cohorts, currency), `cohorts-${to}.csv`);
  });
