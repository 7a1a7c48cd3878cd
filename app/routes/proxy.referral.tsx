// GET /proxy/referral: the signed-in shopper's referral link, what a friend gets and what they earned.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { answerMember } from "../storefront/proxy.server";
import { referralRequest } from "../storefront/member-requests.server";

const answer = ({ request }: LoaderFunctionArgs) => answerMember(request, "GET", referralRequest());

export const loader = answer;
export const action = answer;
