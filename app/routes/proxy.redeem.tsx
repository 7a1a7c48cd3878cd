// POST /proxy/redeem { rewardId, clientKey }: the signed-in shopper redeems a reward for a
// discount code or store credit. The same clientKey returns the same redemption and never spends twice.
import type { ActionFunctionArgs } from "@remix-run/node";
import { answerMember } from "../storefront/proxy.server";
import { redeemRequest } from "../storefront/member-requests.server";

const answer = ({ request }: ActionFunctionArgs) => answerMember(request, "POST", redeemRequest(request));

export const action = answer;
export const loader = answer;
