// GET /app/api/referrals/program: the referral settings, the review queue and recent referrals.
// POST: saves `enabled` and any settings; 400 with every field error, nothing saved.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "../platform/http/responses";
import { readInput, withShop } from "../loyalty/admin.server";
import { referralProgramInput, referralProgramView, saveReferralProgram } from "../referrals/admin.server";

export const loader = ({ request }: LoaderFunctionArgs) =>
  withShop(request, async ({ shop }) => json(await referralProgramView(shop)));

export const action = ({ request }: ActionFunctionArgs) =>
  withShop(request, async ({ shop }) => {
    if (request.method !== "POST") return json({ error: "POST only" }, 405);
    return json(await saveReferralProgram(shop, await readInput(request, referralProgramInput)));
  });
