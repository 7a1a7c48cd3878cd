// GET /app/api/campaigns: the shop's campaigns. POST: a new campaign (campaignInput), saved as a
// draft; 400 with every field error, nothing saved.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "../platform/http/responses";
import { readInput, withShop } from "../loyalty/admin.server";
import { campaignInput, createCampaign, listCampaigns } from "../campaigns/campaigns.server";

export const loader = ({ request }: LoaderFunctionArgs) =>
  withShop(request, async ({ shop }) => json({ campaigns: await listCampaigns(shop) }));

export const action = ({ request }: ActionFunctionArgs) =>
  withShop(request, async ({ shop }) => {
    if (request.method !== "POST") return json({ error: "POST only" }, 405);
    const campaign = await createCampaign(shop, await readInput(request, campaignInput));
    return json({ id: campaign.id, status: campaign.status });
  });
