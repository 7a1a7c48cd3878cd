// POST /proxy/redeem { rewardId, clientKey }: the signed-in shopper redeems a reward for a
// discount code. The same clientKey returns the same redemption and never spends twice.
import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { storefrontRedeem } from "../storefront/actions.server";
import { json } from "../platform/http/responses";
import { answerMember, readJsonBody } from "../storefront/proxy.server";

const redeemInput = z.object({
  rewardId: z.string().min(1, "must not be empty").max(200, "must be at most 200 characters"),
  clientKey: z.string().min(8, "must be at least 8 characters").max(100, "must be at most 100 characters"),
});

const answer = ({ request }: ActionFunctionArgs) =>
  answerMember(request, "POST", async ({ shop, customerGid, spend }) => {
    // Whatever else the body holds (a customer id, say) is ignored: the shopper is Shopify's.
    const { rewardId, clientKey } = await readJsonBody(request, redeemInput);
    await spend("redeem");
    const { status, body } = await storefrontRedeem(shop, customerGid, rewardId, clientKey);
    return json(body, status);
  });

export const action = answer;
export const loader = answer;
