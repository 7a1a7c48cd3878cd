// GET /app/api/campaigns/<id>: the campaign, its arms and per-arm results.
// POST { "action": "start" | "finish" }: draft -> running, running -> finished; 409 from any other status.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { json } from "../platform/http/responses";
import { readInput, withShop } from "../loyalty/admin.server";
import { campaignView, finishCampaign, startCampaign } from "../campaigns/campaigns.server";

const CAMPAIGN_ID = /^[0-9a-f-]{36}$/;

export const loader = ({ request, params }: LoaderFunctionArgs) =>
  withShop(request, async ({ shop }) => {
    const view = CAMPAIGN_ID.test(params.id ?? "") ? await campaignView(shop, params.id!) : null;
    return view ? json(view) : json({ error: "no such campaign" }, 404);
  });

export const action = ({ request, params }: ActionFunctionArgs) =>
  withShop(request, async ({ shop }) => {
    if (request.method !== "POST") return json({ error: "POST only" }, 405);
    const { action } = await readInput(request, z.object({ action: z.enum(["start", "finish"]) }).strict());
    if (!CAMPAIGN_ID.test(params.id ?? "") || !(await campaignView(shop, params.id!)))
      return json({ error: "no such campaign" }, 404);
    const done = action === "start" ? await startCampaign(shop, params.id!) : await finishCampaign(shop, params.id!);
    return done
      ? json(await campaignView(shop, params.id!))
      : json({ error: `the campaign cannot ${action} from its status` }, 409);
  });
