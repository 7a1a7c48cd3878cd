// GET /app/api/loyalty/members/<customer GID, URL-encoded, or numeric id>: balance, tier, ledger.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json, memberView, withShop } from "../loyalty/admin.server";
import { toGid } from "../sync/json";

export const loader = ({ request, params }: LoaderFunctionArgs) =>
  withShop(request, async ({ shop }) => {
    const id = params.gid ?? "";
    if (!/^(gid:\/\/shopify\/Customer\/)?\d+$/.test(id)) return json({ error: "not a customer id" }, 400);
    const member = await memberView(shop, toGid("Customer", id));
    return member ? json(member) : json({ error: "not a member" }, 404);
  });
