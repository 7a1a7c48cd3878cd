// GET /app/api/loyalty/members/<customer GID, URL-encoded, or numeric id>: balance, tier, birthday, ledger.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "../platform/http/responses";
import { customerGidParam, memberView, withShop } from "../loyalty/admin.server";

export const loader = ({ request, params }: LoaderFunctionArgs) =>
  withShop(request, async ({ shop }) => {
    const customerGid = customerGidParam(params.gid);
    if (!customerGid) return json({ error: "not a customer id" }, 400);
    const member = await memberView(shop, customerGid);
    return member ? json(member) : json({ error: "not a member" }, 404);
  });
