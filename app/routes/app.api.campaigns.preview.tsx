// POST /app/api/campaigns/preview { audience }: how many customers the rule selects now, before saving.
import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { json } from "../platform/http/responses";
import { readInput, withShop } from "../loyalty/admin.server";
import { audienceRule } from "../campaigns/audience";
import { previewAudience } from "../campaigns/campaigns.server";

export const action = ({ request }: ActionFunctionArgs) =>
  withShop(request, async ({ shop }) => {
    if (request.method !== "POST") return json({ error: "POST only" }, 405);
    const { audience } = await readInput(request, z.object({ audience: audienceRule }).strict());
    return json({ count: await previewAudience(shop, audience) });
  });
