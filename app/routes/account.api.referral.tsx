// GET /account/api/referral: the customer's referral link on their account page, as /proxy/referral.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { answerAccount } from "../storefront/account.server";
import { referralRequest } from "../storefront/member-requests.server";

const answer = ({ request }: LoaderFunctionArgs) => answerAccount(request, "GET", referralRequest());

export const loader = answer;
export const action = answer;
