// The referrer's reward when it is a code or store credit: issued when the referral completes, as a
// Redemption that costs no points (clientKey referral:<id>), so the redemptions' own path creates it
// in Shopify with its lookup of a lost answer and its retries (abandonedRedemptionQueue), and the
// shopper's panel lists the code with their other codes.
import { randomBytes } from "node:crypto";
import db, { type Tx } from "../platform/db/client.server";
import { generateDiscountCode } from "../loyalty/codes";
import { addDays } from "../loyalty/dates";
import type { CodeReward } from "../loyalty/program";
import { queueWorkerRedemption } from "../loyalty/worker-redemption.server";
import { referrerRewardFromJson, type ReferrerReward } from "./settings";

/** The Redemption's rewardId of every referrer's code or credit. */
export const REFERRAL_REWARD_ID = "referral";

export const referralClientKey = (referralId: number) => `referral:${referralId}`;

type IssuedReward = Exclude<ReferrerReward, { kind: "points" }>;

/** The referrer's code as a code reward, so the redemptions' mutation creates it. */
const asCodeReward = (reward: Extract<ReferrerReward, { kind: "discount_code" }>): CodeReward => ({
  id: REFERRAL_REWARD_ID,
  name: "Referral thank-you",
  pointsCost: 0,
  kind: "fixed_amount",
  value: reward.value,
  validDays: reward.validDays,
});

/** Records the reward to issue, in the completing transaction (once: the referral's key is unique per shop). */
export async function issueReferrerReward(
  tx: Tx,
  referral: { id: number; shopDomain: string; referrerGid: string },
  reward: IssuedReward,
  now: Date,
) {
  const code = reward.kind === "discount_code" ? generateDiscountCode(randomBytes) : "";
  await queueWorkerRedemption(tx, {
    shopDomain: referral.shopDomain,
    memberGid: referral.referrerGid,
    rewardId: REFERRAL_REWARD_ID,
    clientKey: referralClientKey(referral.id),
    code,
    creditAmount: reward.kind === "store_credit" ? reward.value : null,
    // A store credit that never expires is dated when it was given, as redemptions are.
    expiresAt: reward.kind === "discount_code" ? addDays(now, reward.validDays) : now,
    now,
  });
  return code;
}

/** The code reward of a referrer's Redemption (its clientKey names the referral), for its recovery; null: not one. */
export async function referrerCodeReward(shopDomain: string, clientKey: string): Promise<CodeReward | null> {
  const match = /^referral:(\d+)$/.exec(clientKey);
  if (!match) return null;
  const referral = await db.referral.findUnique({ where: { id: Number(match[1]) }, select: { shopDomain: true, reward: true } });
  if (referral?.shopDomain !== shopDomain || !referral.reward) return null;
  const reward = referrerRewardFromJson(referral.reward);
  return reward.kind === "discount_code" ? asCodeReward(reward) : null;
}
