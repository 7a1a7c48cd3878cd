// POST /app/api/loyalty/redeem { customerGid, rewardId, clientKey }: the merchant redeems a reward
// for a customer. The same clientKey returns the same redemption. 200 issued, 502 failed (points
// given back), 202 pending: Shopify could not say whether the code exists; the worker finishes it.
import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { json } from "../platform/http/responses";
import { readInput, withShop } from "../loyalty/admin.server";
import { redeem } from "../loyalty/redemption.server";

const redeemInput = z.object({
  customerGid: z.string().regex(/^gid:\/\/shopify\/Customer\/\d+$/, "must be a customer GID"),
  rewardId: z.string().min(1, "must not be empty"),
  clientKey: z.string().min(1, "must not be empty"),
});

export const action = ({ request }: ActionFunctionArgs) =>
  withShop(request, async ({ shop }) => {
    if (request.method !== "POST") return json({ error: "POST only" }, 405);
    const { customerGid, rewardId, clientKey } = await readInput(request, redeemInput);
    const result = await redeem(shop, customerGid, rewardId, clientKey);
    if (!result.ok) return json({ code: result.reason, error: result.error }, result.status);
    const status = { issued: 200, failed: 502, pending: 202 }[result.redemption.status];
    return json(result.redemption, status);
  });
