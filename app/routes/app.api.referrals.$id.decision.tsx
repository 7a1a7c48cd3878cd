// POST /app/api/referrals/<id>/decision { decision: "approve" | "reject", reason }: the merchant
// decides a flagged referral. 404 for one the shop does not have; 409 alreadyDecided when it is
// not waiting in the queue (another approval came first): an approval pays once.
import type { ActionFunctionArgs } from "@remix-run/node";
import { json } from "../platform/http/responses";
import { readInput, withShop } from "../loyalty/admin.server";
import { decideReferral, decisionInput } from "../referrals/admin.server";

export const action = ({ request, params }: ActionFunctionArgs) =>
  withShop(request, async ({ shop, user }) => {
    if (request.method !== "POST") return json({ error: "POST only" }, 405);
    const id = /^[1-9]\d{0,8}$/.test(params.id ?? "") ? Number(params.id) : null;
    if (id === null) return json({ code: "unknownReferral", error: "no such referral" }, 404);
    const result = await decideReferral(shop, id, await readInput(request, decisionInput), user);
    if (result.ok) return json({ referral: result.referral });
    const error = result.code === "unknownReferral" ? "no such referral" : "the referral was decided already";
    return json({ code: result.code, error, referral: result.referral ?? null }, result.status);
  });
