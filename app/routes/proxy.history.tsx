// GET /proxy/history?before=<cursor>: the signed-in shopper's ledger, newest first, a page at a time.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { answerMember } from "../storefront/proxy.server";
import { historyRequest } from "../storefront/member-requests.server";

const answer = ({ request }: LoaderFunctionArgs) => answerMember(request, "GET", historyRequest(request));

export const loader = answer;
export const action = answer;
