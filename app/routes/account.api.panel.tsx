// GET /account/api/panel?locale=<customer's language>: the program and the signed-in customer's
// standing, for the customer account extension. The same data as the App Proxy's /proxy/panel
// (docs/app-proxy.md).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { answerAccount } from "../storefront/account.server";
import { panelRequest } from "../storefront/member-requests.server";

const answer = ({ request }: LoaderFunctionArgs) => answerAccount(request, "GET", panelRequest(request));

export const loader = answer;
export const action = answer;
