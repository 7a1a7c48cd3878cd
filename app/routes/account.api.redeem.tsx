// POST /account/api/redeem { rewardId, clientKey }: the customer redeems a reward from their
// account pages. Keys are the storefront's: a clientKey used on the App Proxy and here is one
// redemption, and never spends twice.
import type { ActionFunctionArgs } from "@remix-run/node";
import { answerAccount } from "../storefront/account.server";
import { storefrontRedeem } from "../storefront/actions.server";
import { redeemInput } from "../storefront/inputs.server";
import { json } from "../platform/http/responses";
import { readJsonBody } from "../storefront/proxy.server";

const answer = ({ request }: ActionFunctionArgs) =>
  answerAccount(request, "POST", async ({ shop, customerGid, spend }) => {
    const { rewardId, clientKey } = await readJsonBody(request, redeemInput);
    await spend("redeem");
    const { status, body } = await storefrontRedeem(shop, customerGid, rewardId, clientKey);
    return json(body, status);
  });

export const action = answer;
export const loader = answer;
