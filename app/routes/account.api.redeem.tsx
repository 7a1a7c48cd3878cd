// POST /account/api/redeem { rewardId, clientKey }: the customer redeems a reward from their
// account pages. Keys are the storefront's: a clientKey used on the App Proxy and here is one
// redemption, and never spends twice.
import type { ActionFunctionArgs } from "@remix-run/node";
import { answerAccount } from "../storefront/account.server";
import { redeemRequest } from "../storefront/member-requests.server";

const answer = ({ request }: ActionFunctionArgs) => answerAccount(request, "POST", redeemRequest(request));

export const action = answer;
export const loader = answer;
