// GET /proxy/panel?locale=<shopper's locale> (storefront: /apps/comeback/panel): the program, and
// the signed-in shopper's standing; a guest gets `member: null`. docs/app-proxy.md.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { panelRequest } from "../storefront/member-requests.server";
import { answerProxy } from "../storefront/proxy.server";

const answer = ({ request }: LoaderFunctionArgs) => answerProxy(request, "GET", panelRequest(request));

export const loader = answer;
// Any other method reaches the action, to be answered 405.
export const action = answer;
