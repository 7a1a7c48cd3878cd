// GET /app/api/feedback/analysis?from&to&preset&q: the feedback figures (docs/feedback.md).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "../platform/http/responses";
import { dashboardQuery, forShop } from "../metrics/http.server";
import { feedbackAnalysis } from "../feedback/analysis.server";

export const loader = ({ request }: LoaderFunctionArgs) =>
  forShop(request, async (shop) =>
    json(await feedbackAnalysis(shop, { ...dashboardQuery(request), q: new URL(request.url).searchParams.get("q") })),
  );
