// POST /app/api/loyalty/adjust { customerGid, points, reason, requestId }: a manual change by the
// signed-in staff member, recorded once per requestId.
import type { ActionFunctionArgs } from "@remix-run/node";
import { adjustmentInput, adjustPoints, json, readInput, withShop } from "../loyalty/admin.server";

export const action = ({ request }: ActionFunctionArgs) =>
  withShop(request, async ({ shop, user }) => {
    if (request.method !== "POST") return json({ error: "POST only" }, 405);
    if (!user) return json({ error: "a manual change needs a signed-in staff member" }, 403);
    const result = await adjustPoints(shop, user, await readInput(request, adjustmentInput));
    return "refused" in result ? json({ error: result.refused }, 409) : json(result);
  });
