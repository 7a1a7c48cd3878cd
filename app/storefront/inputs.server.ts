// The bodies the shopper's POSTs carry, the same on the App Proxy and from the customer account
// extension: whatever else a body holds (a customer id, say) is ignored, the shopper is Shopify's.
import { z } from "zod";
import { monthDay } from "../loyalty/members.server";

export const redeemInput = z.object({
  rewardId: z.string().min(1, "must not be empty").max(200, "must be at most 200 characters"),
  clientKey: z.string().min(8, "must be at least 8 characters").max(100, "must be at most 100 characters"),
});

export const birthdayInput = z.object({ birthday: monthDay });
