// GET /app/metrics.json?from=YYYY-MM-DD&to=YYYY-MM-DD: the whole dashboard (docs/metrics.md).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { dashboardQuery, forShop } from "../metrics/http.server";
import { getDashboard } from "../metrics/metrics.server";

export const loader = ({ request }: LoaderFunctionArgs) =>
  forShop(request, async (shop) =>
    Response.json(await getDashboard(shop, dashboardQuery(request)), { headers: { "Cache-Control": "no-store" } }),
  );
