// GET /app/api/referrals/metrics?from=&to=&preset=: the referral rate with both comparisons, the
// referred cohort against other new customers, the leaderboard and the rewards' cost (docs/referrals.md).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { dashboardQuery, forShop } from "../metrics/http.server";
import { json } from "../platform/http/responses";
import { referralMetrics } from "../referrals/metrics.server";

export const loader = ({ request }: LoaderFunctionArgs) =>
  forShop(request, async (shop) => json(await referralMetrics(shop, dashboardQuery(request))));
