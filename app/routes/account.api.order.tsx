// GET /account/api/order?id=<order GID>: what that order earned the signed-in customer, for the
// order block. Only the customer's own entries are read: another customer's order earned them nothing.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { LoyaltyInputError } from "../loyalty/admin.server";
import { fieldError } from "../loyalty/program";
import { answerAccount } from "../storefront/account.server";
import { storefrontOrderPoints } from "../storefront/order-points.server";
import { json } from "../platform/http/responses";

const ORDER_GID = /^gid:\/\/shopify\/Order\/[1-9]\d{0,19}$/;

const answer = ({ request }: LoaderFunctionArgs) =>
  answerAccount(request, "GET", async ({ shop, customerGid, spend }) => {
    const orderGid = new URL(request.url).searchParams.get("id");
    if (!orderGid || !ORDER_GID.test(orderGid)) {
      throw new LoyaltyInputError([fieldError("id", "invalid", {}, "must be an order GID")]);
    }
    await spend("read");
    return json(await storefrontOrderPoints(shop, customerGid, orderGid));
  });

export const loader = answer;
export const action = answer;
