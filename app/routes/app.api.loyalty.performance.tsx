// GET /app/api/loyalty/performance: members, held-out members and other customers compared (repeat
// purchase rate, net revenue per customer); points issued, redeemed, expired, outstanding and
// pending; the liability of outstanding points; the holdout lift with its always-valid 95 % interval and verdict.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "../platform/http/responses";
import { withShop } from "../loyalty/admin.server";
import { programPerformance } from "../loyalty/performance.server";

export const loader = ({ request }: LoaderFunctionArgs) =>
  withShop(request, async ({ shop }) => json(await programPerformance(shop)));
