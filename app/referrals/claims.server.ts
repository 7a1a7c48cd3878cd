// A friend's claim through a referral link (POST /apps/comeback/r/<code>): a single-use discount
// code, created in Shopify for whoever holds it. The order that uses it is the referral
// (attribution by the code, webhook.server.ts); the landing itself sets no cookie and counts nothing.
// As for redemptions, the claim is recorded with its code before Shopify is asked, and a failed
// creation is looked up before the claim is called failed (a lost answer may hide a code); a claim
// left pending (a crash, or a lookup Shopify could not answer) is finished by abandonedClaimQueue.
import { randomBytes, randomUUID } from "node:crypto";
import db from "../platform/db/client.server";
import { leaseMs, type Outcome, type Queue } from "../platform/jobs.server";
import { log } from "../platform/log.server";
import { generateDiscountCode } from "../loyalty/codes";
import { addDays } from "../loyalty/dates";
import type { CodeReward } from "../loyalty/program";
import { createCode, findCode } from "../loyalty/redemption.server";
import { abandonedPending } from "../loyalty/worker-redemption.server";
import { loadProgram } from "../loyalty/store.server";
import type { FriendReward } from "./settings";
import { loadReferralProgram } from "./store.server";

const DAY_MS = 86_400_000;

export type ClaimAnswer =
  | { status: 200; body: { code: string; discountPath: string; expiresAt: string } }
  | { status: 404; body: { error: "unknown_link" } }
  | { status: 409; body: { error: "program_not_running" | "own_link" | "link_paused" } }
  | { status: 502; body: { error: "code_not_created" } };

/** The friend's reward as a code reward, so the redemptions' mutation creates it. */
const asCodeReward = (friend: FriendReward): CodeReward => ({
  id: "referral-friend",
  name: "Referral welcome",
  pointsCost: 0,
  ...friend,
});

export async function claimReferral(
  shopDomain: string,
  linkCode: string,
  visitorGid: string | null,
  now = new Date(),
): Promise<ClaimAnswer> {
  const link = await db.referralLink.findUnique({ where: { shopDomain_code: { shopDomain, code: linkCode.toUpperCase() } } });
  if (!link) return { status: 404, body: { error: "unknown_link" } };
  const [program, referrals] = await Promise.all([loadProgram(db, shopDomain), loadReferralProgram(db, shopDomain)]);
  if (!program?.enabled || !referrals.enabled) return { status: 409, body: { error: "program_not_running" } };
  if (visitorGid === link.memberGid) return { status: 409, body: { error: "own_link" } };
  // A link claimed more often in a day than a person shares it has leaked (a coupon site): stopped for the day.
  const today = await db.referralClaim.count({
    where: { shopDomain, linkCode: link.code, createdAt: { gt: new Date(now.getTime() - DAY_MS) } },
  });
  if (today >= referrals.settings.dailyClaimLimit) {
    log.warn("referral link paused: claimed more than plausible", { shop: shopDomain, link: link.code, claims: today });
    return { status: 409, body: { error: "link_paused" } };
  }
  const reward = asCodeReward(referrals.settings.friend);
  const claim = await db.referralClaim.create({
    data: {
      id: randomUUID(),
      shopDomain,
      linkCode: link.code,
      referrerGid: link.memberGid,
      code: generateDiscountCode(randomBytes),
      status: "pending",
      expiresAt: addDays(now, reward.validDays),
      createdAt: now,
    },
  });
  const { currency } = await db.shop.findUniqueOrThrow({ where: { domain: shopDomain }, select: { currency: true } });
  const created = await createCode(shopDomain, { reward, code: claim.code, customerGid: null, currency, now });
  let discountGid = "discountGid" in created ? created.discountGid : null;
  if (!discountGid) {
    const found = await findCode(shopDomain, claim.code);
    if ("error" in found) {
      // Shopify cannot tell whether it made the code: left pending for abandonedClaimQueue.
      log.warn("referral code not confirmed; left pending", { shop: shopDomain, claim: claim.id, lookup: found.error });
      return { status: 502, body: { error: "code_not_created" } };
    }
    discountGid = found.discountGid;
  }
  if (!discountGid) {
    const error = "error" in created ? created.error : "not created";
    log.warn("referral code not created", { shop: shopDomain, claim: claim.id, error });
    await db.referralClaim.update({ where: { id: claim.id }, data: { status: "failed", error: error.slice(0, 2000) } });
    return { status: 502, body: { error: "code_not_created" } };
  }
  await db.referralClaim.update({ where: { id: claim.id }, data: { status: "issued", discountGid } });
  return {
    status: 200,
    body: {
      code: claim.code,
      discountPath: `/discount/${encodeURIComponent(claim.code)}?redirect=%2F`,
      expiresAt: claim.expiresAt.toISOString(),
    },
  };
}

/**
 * Claims left pending on the job system (decision 21), as abandonedRedemptionQueue does for
 * redemptions: the code is looked up in Shopify; found, the claim is issued (the friend may have
 * it from the page, and an order with it is attributed either way); not found, it is failed (the
 * friend was never shown a code that works, and claiming again makes a new one). Nothing is created
 * again: the friend is no longer waiting for this answer. While Shopify cannot tell, the job is
 * retried with backoff; after its last attempt it is shown on the Sync page.
 */
export const abandonedClaimQueue: Queue = {
  name: "abandoned-referral-claims",
  table: "ReferralClaim",
  id: "id",
  shop: "shopDomain",
  lease: "leaseUntil",
  attempts: "recoveryAttempts",
  lastError: "recoveryError",
  ready: abandonedPending("ReferralClaim"),
  shops: "filter",
  maxAttempts: 10,
  batch: 10,
  leaseMs,
  run: (job) => recoverClaim(String(job.id)),
};

/** Finishes one abandoned claim; throws (to be retried) while Shopify cannot tell whether the code exists. */
async function recoverClaim(id: string): Promise<Outcome> {
  const claim = await db.referralClaim.findUnique({ where: { id } });
  if (claim?.status === "pending") {
    const found = await findCode(claim.shopDomain, claim.code);
    if ("error" in found) throw new Error(`the code could not be looked up: ${found.error}`);
    // Conditional: a claim settled meanwhile keeps what it was settled as.
    await db.referralClaim.updateMany({
      where: { id, status: "pending" },
      data: found.discountGid
        ? { status: "issued", discountGid: found.discountGid }
        : { status: "failed", error: "the process stopped before Shopify created the code" },
    });
  }
  await db.referralClaim.updateMany({ where: { id }, data: { leaseUntil: null } });
  return "done";
}
