// GET /account/api/history?before=<cursor>: the customer's ledger, newest first, a page at a time.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { LoyaltyInputError } from "../loyalty/admin.server";
import { answerAccount } from "../storefront/account.server";
import { parseCursor } from "../storefront/history";
import { storefrontHistory } from "../storefront/panel.server";
import { json } from "../platform/http/responses";

const answer = ({ request }: LoaderFunctionArgs) =>
  answerAccount(request, "GET", async ({ shop, customerGid, spend }) => {
    const cursor = parseCursor(new URL(request.url).searchParams.get("before"));
    if ("error" in cursor) throw new LoyaltyInputError([cursor.error]);
    await spend("read");
    return json(await storefrontHistory(shop, customerGid, cursor.before));
  });

export const loader = answer;
export const action = answer;
