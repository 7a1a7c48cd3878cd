// GET /account/api/history?before=<cursor>: the customer's ledger, newest first, a page at a time.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { answerAccount } from "../storefront/account.server";
import { historyRequest } from "../storefront/member-requests.server";

const answer = ({ request }: LoaderFunctionArgs) => answerAccount(request, "GET", historyRequest(request));

export const loader = answer;
export const action = answer;
