// GET /proxy/panel (storefront: /apps/comeback/panel): the program, and the signed-in shopper's
// standing; a guest gets `member: null`. docs/app-proxy.md.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { storefrontPanel } from "../storefront/panel.server";
import { json } from "../platform/http/responses";
import { answerProxy } from "../storefront/proxy.server";

const answer = ({ request }: LoaderFunctionArgs) =>
  answerProxy(request, "GET", async ({ shop, customerGid, spend }) => {
    await spend("read");
    return json(await storefrontPanel(shop, customerGid));
  });

export const loader = answer;
// Any other method reaches the action, to be answered 405.
export const action = answer;
