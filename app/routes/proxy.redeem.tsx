// POST /proxy/redeem { rewardId, clientKey }: the signed-in shopper redeems a reward for a
// discount code. The same clientKey returns the same redemption and never spends twice.
import type { ActionFunctionArgs } from "@remix-run/node";
import { storefrontRedeem } from "../storefront/actions.server";
import { json } from "../platform/http/responses";
import { redeemInput } from "../storefront/inputs.server";
import { answerMember, readJsonBody } from "../storefront/proxy.server";

const answer = ({ request }: ActionFunctionArgs) =>
  answerMember(request, "POST", async ({ shop, customerGid, spend }) => {
    const { rewardId, clientKey } = await readJsonBody(request, redeemInput);
    await spend("redeem");
    const { status, body } = await storefrontRedeem(shop, customerGid, rewardId, clientKey);
    return json(body, status);
  });

export const action = answer;
export const loader = answer;
