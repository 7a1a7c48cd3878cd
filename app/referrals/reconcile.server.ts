// A referral's way from the friend's order to the referrer's points, run by the worker after the
// order task (app/loyalty/tasks.server.ts) and by an approval, in a transaction on the referrer's
// locked member row:
//   checking -> rewarded (no rule broken) | review (flagged, review on) | rejected (flagged, review
//   off, or a self-referral); review -> approved (the merchant) -> rewarded; rewarded -> completed
//   once the reward is available (the member's review), or reversed when the order is cancelled or
//   refunded in full (a partial refund takes back in proportion).
import db, { type Tx } from "../platform/db/client.server";
import { balancesAt } from "../loyalty/balance";
import { purchaseBase } from "../loyalty/earning";
import type { LedgerEntry } from "../loyalty/ledger";
import { enrollMember, insertEntries, loadOrder, loadProgram, memberEntries } from "../loyalty/store.server";
import { alwaysRejected, fraudFlags, normaliseEmail } from "./fraud";
import { referralDigest } from "./digests.server";
import { reconcileReward, referralKeys, rewardEntry } from "./reward";
import { loadReferralProgram, type ReferralRow } from "./store.server";
import { issueReferrerReward } from "./referrer-reward.server";
import { referrerRewardFromJson, referrerRewardToJson, type ReferralSettings, type ReferrerReward } from "./settings";
import { addDays } from "../loyalty/dates";
import { formatMinorUnits } from "../platform/money";

const WEEK_MS = 7 * 86_400_000;

/**
 * Brings the referral to what its order and rules say; returns the referrer's member id when their
 * ledger changed (the caller asks for their review, reviewSoon), else null.
 */
export async function settleReferral(tx: Tx, shopDomain: string, referralId: number, now: Date): Promise<number | null> {
  const first = await tx.referral.findUnique({ where: { id: referralId } });
  if (!first || first.shopDomain !== shopDomain) return null;
  const program = await loadProgram(tx, shopDomain);
  if (!program?.enabled) return null; // looked at again with the order's next change
  // Locked before the referral is read again: an approval and the worker take the same order.
  const member = await enrollMember(tx, shopDomain, first.referrerGid, program, now);
  const referral = await tx.referral.findUniqueOrThrow({ where: { id: referralId } });
  const order = await loadOrder(tx, shopDomain, referral.orderGid);
  if (!order?.processedAt) return null;
  const state = {
    cancelled: order.cancelledAt !== null,
    refunded: order.refunds.length > 0,
    base: purchaseBase(order, program.settings.purchaseBase),
  };

  if (referral.status === "checking") {
    const referrals = await loadReferralProgram(tx, shopDomain);
    if (!referrals.enabled) return null;
    const flags = await checkRules(tx, referral, referrals.settings.weeklyLimit);
    if (member.heldOut) {
      await decide(tx, referral, "rejected", flags, "the referrer is in the holdout group, which earns nothing");
      return null;
    }
    if (flags.length > 0) {
      const rejected = alwaysRejected(flags) || !referrals.settings.review;
      await decide(tx, referral, rejected ? "rejected" : "review", flags, rejected ? "automatic" : null);
      return null;
    }
    return reward(tx, referral, referrals.settings, state.base, order.processedAt, program, member.id, now);
  }
  if (referral.status === "approved") {
    const { settings } = await loadReferralProgram(tx, shopDomain);
    return reward(tx, referral, settings, state.base, order.processedAt, program, member.id, now);
  }
  if (referral.status !== "rewarded" && referral.status !== "completed") return null;
  if (referral.reward !== null) {
    // A code or store credit is issued only at completion: a refund or cancellation before then
    // means nothing is issued; one issued is not taken back (the shopper may have spent it).
    if (referral.status === "rewarded" && (state.cancelled || state.refunded)) {
      await tx.referral.updateMany({ where: { id: referral.id, status: "rewarded" }, data: { status: "reversed" } });
    }
    return null;
  }

  const entries = await memberEntries(tx, shopDomain, referral.referrerGid);
  const recorded = entries.filter((entry) => entry.sourceKey.startsWith(referralKeys.prefix(referral.id)));
  const changes = reconcileReward({
    referralId: referral.id,
    referrerGid: referral.referrerGid,
    points: referral.points,
    rewardedBase: referral.orderBase ?? state.base,
    order: state,
    recorded,
    availableBalance: balancesAt(entries, now).available,
    now,
  });
  if (changes.length === 0) return null;
  await insertEntries(tx, shopDomain, changes);
  if (net([...recorded, ...changes]) <= 0) {
    await tx.referral.update({ where: { id: referral.id }, data: { status: "reversed" } });
  }
  return member.id;
}

const net = (entries: readonly LedgerEntry[]) => entries.reduce((sum, entry) => sum + entry.points - entry.shortfall, 0);

/** The friend's digests are needed only until the referral is decided: then they go (least data kept). */
export const FORGET_FRIEND = { emailDigest: null, addressDigest: null, phoneDigest: null } as const;

async function decide(tx: Tx, referral: ReferralRow, status: "review" | "rejected", flags: string[], reason: string | null) {
  await tx.referral.update({
    where: { id: referral.id },
    data: {
      status,
      flags: JSON.stringify(flags),
      ...(reason && { reviewReason: reason }),
      ...(status === "rejected" && FORGET_FRIEND),
    },
  });
}

async function reward(
  tx: Tx,
  referral: ReferralRow,
  settings: ReferralSettings,
  base: bigint,
  processedAt: Date,
  program: NonNullable<Awaited<ReturnType<typeof loadProgram>>>,
  memberId: number,
  now: Date,
): Promise<number> {
  const { referrerReward } = settings;
  if (referrerReward.kind !== "points") {
    // No points: the reward as it is now is kept on the referral and issued when it is due (completeReferrals).
    const due = addDays(processedAt, program.settings.pendingDays);
    await tx.referral.update({
      where: { id: referral.id },
      data: {
        status: "rewarded",
        points: 0,
        orderBase: base,
        rewardedAt: now,
        reward: referrerRewardToJson(referrerReward),
        rewardDueAt: due > now ? due : now,
        ...FORGET_FRIEND,
      },
    });
    await settleReferral(tx, referral.shopDomain, referral.id, now);
    return memberId;
  }
  const points = settings.referrerPoints;
  const entry = rewardEntry({
    referralId: referral.id,
    referrerGid: referral.referrerGid,
    points,
    processedAt,
    pendingDays: program.settings.pendingDays,
    expiry: program.settings.expiry,
    now,
  });
  await insertEntries(tx, referral.shopDomain, [entry]);
  await tx.referral.update({
    where: { id: referral.id },
    data: { status: "rewarded", points, orderBase: base, rewardedAt: now, ...FORGET_FRIEND },
  });
  // The order may have been refunded or cancelled already: the same pass takes it back.
  await settleReferral(tx, referral.shopDomain, referral.id, now);
  return memberId;
}

/** The fraud rules' facts about this referral, from the stored orders, customers and digests. */
async function checkRules(tx: Tx, referral: ReferralRow, weeklyLimit: number) {
  const { shopDomain, referrerGid, friendGid } = referral;
  const [referrer, friend, digests, order, claim, thisWeek, withCode] = await Promise.all([
    tx.customer.findUnique({ where: { shopDomain_gid: { shopDomain, gid: referrerGid } }, select: { email: true } }),
    friendGid ? tx.customer.findUnique({ where: { shopDomain_gid: { shopDomain, gid: friendGid } } }) : null,
    tx.referralDigest.findMany({ where: { shopDomain, memberGid: referrerGid } }),
    tx.order.findUniqueOrThrow({ where: { shopDomain_gid: { shopDomain, gid: referral.orderGid } } }),
    tx.referralClaim.findUnique({ where: { id: referral.claimId } }),
    // Every other referral of the referrer paid from a week before this one on, whichever was
    // settled first: settled one at a time under the referrer's lock, so the limit holds however
    // the worker's slots take the orders.
    tx.referral.count({
      where: {
        shopDomain,
        referrerGid,
        id: { not: referral.id },
        status: { in: ["rewarded", "completed", "approved"] },
        createdAt: { gte: new Date(referral.createdAt.getTime() - WEEK_MS) },
      },
    }),
    tx.referral.count({ where: { shopDomain, claimId: referral.claimId } }),
  ]);
  const earlierOrders = friend
    ? await tx.order.count({
        where: {
          shopDomain,
          customerId: friend.id,
          gid: { not: referral.orderGid },
          test: false,
          cancelledAt: null,
          deletedAt: null,
          processedAt: { lt: order.processedAt ?? referral.createdAt },
        },
      })
    : 0;
  return fraudFlags({
    referrerGid,
    friendGid,
    friend: { emailDigest: referral.emailDigest, addressDigest: referral.addressDigest, phoneDigest: referral.phoneDigest },
    referrer: {
      emailDigest: referralDigest(shopDomain, "email", normaliseEmail(referrer?.email)),
      addressDigests: new Set(digests.filter((d) => d.kind === "address").map((d) => d.digest)),
      phoneDigests: new Set(digests.filter((d) => d.kind === "phone").map((d) => d.digest)),
    },
    earlierOrders,
    friendSince: friend?.firstSeenAt ?? null,
    claimedAt: claim?.createdAt ?? referral.createdAt,
    referralsThisWeek: thisWeek,
    weeklyLimit,
    ordersWithCode: withCode,
  });
}

/** The referrals of these orders (`[shopDomain, orderGid]`), for the worker to settle after the orders' points. */
export async function referralsOfOrders(orders: readonly (readonly [string, string])[]) {
  if (orders.length === 0) return [];
  const shops = new Map<string, string[]>();
  for (const [shop, gid] of orders) shops.set(shop, [...(shops.get(shop) ?? []), gid]);
  return db.referral.findMany({
    where: { OR: [...shops].map(([shopDomain, gids]) => ({ shopDomain, orderGid: { in: gids } })) },
    select: { id: true, shopDomain: true },
    // In the order they came: the weekly limit counts the referrals before each.
    orderBy: { id: "asc" },
  });
}

/**
 * In the referrer's review (under their lock): referrals whose reward has become available and
 * still stands are completed, and the Flow trigger "referral completed" is queued in the same
 * transaction (decision 30), once per referral, for merchants who thank referrers by e-mail.
 */
export async function completeReferrals(
  tx: Tx,
  shopDomain: string,
  memberGid: string,
  entries: readonly LedgerEntry[],
  now: Date,
): Promise<Date | null> {
  const rewarded = await tx.referral.findMany({ where: { shopDomain, referrerGid: memberGid, status: "rewarded" } });
  let nextDue: Date | null = null;
  for (const referral of rewarded) {
    const issued = referral.reward === null ? null : referrerRewardFromJson(referral.reward);
    if (issued?.kind === "points") continue;
    if (issued) {
      // Not a ledger entry, so the member's next review is asked for here.
      if (!referral.rewardDueAt || referral.rewardDueAt > now) {
        if (referral.rewardDueAt && (!nextDue || referral.rewardDueAt < nextDue)) nextDue = referral.rewardDueAt;
        continue;
      }
    } else {
      const own = entries.filter((entry) => entry.sourceKey.startsWith(referralKeys.prefix(referral.id)));
      const credit = own.find((entry) => entry.sourceKey === referralKeys.reward(referral.id));
      if (!credit || credit.availableAt > now || net(own) <= 0) continue;
    }
    // Conditional, under the referrer's lock: of two reviews or approvals, one completes and issues.
    const done = await tx.referral.updateMany({
      where: { id: referral.id, status: "rewarded" },
      data: { status: "completed", completedAt: now },
    });
    if (done.count !== 1) continue;
    const code = issued ? await issueReferrerReward(tx, referral, issued, now) : "";
    await queueCompleted(tx, referral, issued, code);
  }
  return nextDue;
}

async function queueCompleted(tx: Tx, referral: ReferralRow, issued: ReferrerReward | null, code: string): Promise<void> {
  // Imported when needed: flow.server brings Shopify's set-up (its sender needs the admin client),
  // which the webhook path, importing the loyalty tasks, must not load (app/shopify-config.test.ts).
  const { queueFlowTrigger } = await import("../delivery/flow.server");
  const { shopDomain } = referral;
  const [claim, order] = await Promise.all([
    tx.referralClaim.findUnique({ where: { id: referral.claimId }, select: { linkCode: true } }),
    tx.order.findUnique({ where: { shopDomain_gid: { shopDomain, gid: referral.orderGid } }, select: { name: true } }),
  ]);
  await queueFlowTrigger(tx, {
    shopDomain,
    trigger: "referralCompleted",
    customerGid: referral.referrerGid,
    idempotencyKey: `referral:${referral.id}:completed`,
    payload: {
      referralCode: claim?.linkCode ?? "",
      orderName: order?.name ?? "",
      reward: await rewardWords(tx, referral, issued),
      code,
    },
  });
}

/** The reward in words for Flow's e-mail: "500 points", "a 15.00 USD discount code", "25.00 USD store credit". */
async function rewardWords(tx: Tx, referral: ReferralRow, issued: ReferrerReward | null): Promise<string> {
  if (!issued || issued.kind === "points") return `${referral.points} points`;
  const { currency } = await tx.shop.findUniqueOrThrow({ where: { domain: referral.shopDomain }, select: { currency: true } });
  const amount = `${formatMinorUnits(issued.value, currency)} ${currency}`;
  return issued.kind === "discount_code" ? `a ${amount} discount code` : `${amount} store credit`;
}
