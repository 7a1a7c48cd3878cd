// POST /app/api/loyalty/adjust { customerGid, points, reason, requestId, confirmShortfall? }: a
// manual change by the signed-in staff member, recorded once per requestId. 404 for a customer the
// shop does not have; 409 for a deduction beyond the available balance unless confirmed.
import type { ActionFunctionArgs } from "@remix-run/node";
import { json } from "../platform/http/responses";
import { adjustmentInput, adjustmentRefusalAnswer, adjustPoints, readInput, withShop } from "../loyalty/admin.server";

export const action = ({ request }: ActionFunctionArgs) =>
  withShop(request, async ({ shop, user }) => {
    if (request.method !== "POST") return json({ error: "POST only" }, 405);
    if (!user) return json({ error: "a manual change needs a signed-in staff member" }, 403);
    const result = await adjustPoints(shop, user, await readInput(request, adjustmentInput));
    return result.ok ? json({ entry: result.entry }) : adjustmentRefusalAnswer(result);
  });
