// GET /app/metrics.json?from=YYYY-MM-DD&to=YYYY-MM-DD: the whole dashboard (docs/metrics.md).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { dashboardQuery, forShop } from "../metrics/http.server";
import { getDashboard } from "../metrics/metrics.server";
import { json } from "../platform/http/responses";

export const loader = ({ request }: LoaderFunctionArgs) =>
  forShop(request, async (shop) => json(await getDashboard(shop, dashboardQuery(request))));
