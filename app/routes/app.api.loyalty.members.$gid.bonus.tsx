// POST /app/api/loyalty/members/<customer id>/bonus { kind: "birthday", occurrence: <year>, ruleId? }
// or { kind: "custom", ruleId, occurrence: <the action's id> }: the rule's bonus, once per occurrence.
// 200 with the entry and whether this call granted it (false: granted before).
import type { ActionFunctionArgs } from "@remix-run/node";
import { json } from "../platform/http/responses";
import { customerGidParam, readInput, withShop } from "../loyalty/admin.server";
import { bonusInput, grantActionBonus } from "../loyalty/members.server";

export const action = ({ request, params }: ActionFunctionArgs) =>
  withShop(request, async ({ shop }) => {
    if (request.method !== "POST") return json({ error: "POST only" }, 405);
    const customerGid = customerGidParam(params.gid);
    if (!customerGid) return json({ error: "not a customer id" }, 400);
    const result = await grantActionBonus(shop, customerGid, await readInput(request, bonusInput));
    return result.ok ? json(result.value) : json({ code: result.code, error: result.error }, result.status);
  });
