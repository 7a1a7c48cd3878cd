// GET /account/api/panel: the program and the signed-in customer's standing, for the customer
// account extension. The same data as the App Proxy's /proxy/panel (docs/app-proxy.md).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { answerAccount } from "../storefront/account.server";
import { storefrontPanel } from "../storefront/panel.server";
import { json } from "../platform/http/responses";

const answer = ({ request }: LoaderFunctionArgs) =>
  answerAccount(request, "GET", async ({ shop, customerGid, spend }) => {
    await spend("read");
    return json(await storefrontPanel(shop, customerGid));
  });

export const loader = answer;
export const action = answer;
