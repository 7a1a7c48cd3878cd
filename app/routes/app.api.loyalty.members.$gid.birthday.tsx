// POST /app/api/loyalty/members/<customer id>/birthday { birthday: "MM-DD" | null }: sets or erases
// the member's birthday (personal data: exported on customers/data_request, erased on customers/redact).
import type { ActionFunctionArgs } from "@remix-run/node";
import { json } from "../platform/http/responses";
import { customerGidParam, readInput, withShop } from "../loyalty/admin.server";
import { birthdayInput, setBirthday } from "../loyalty/members.server";

export const action = ({ request, params }: ActionFunctionArgs) =>
  withShop(request, async ({ shop }) => {
    if (request.method !== "POST") return json({ error: "POST only" }, 405);
    const customerGid = customerGidParam(params.gid);
    if (!customerGid) return json({ error: "not a customer id" }, 400);
    const { birthday } = await readInput(request, birthdayInput);
    const result = await setBirthday(shop, customerGid, birthday);
    return result.ok ? json(result.value) : json({ code: result.code, error: result.error }, result.status);
  });
