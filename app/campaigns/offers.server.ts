// Issuing a campaign member's offer, a queue of the job system (decision 21) over CampaignMember:
// a member entered with an offer is "due"; bonus points go into the ledger, a code or store credit
// to Shopify, with the guarantees of loyalty redemptions (decision 7, decision 27):
// - points: one transaction with a source key per member, so a retry writes nothing twice;
// - a code: made when the member entered (a retry sends the same code); the row is "pending" before
//   Shopify is called, and a pending row is looked up (codeDiscountNodeByCode) before anything is
//   sent again, so a lost answer or a crash never makes two discounts;
// - store credit: the same, looked up among the customer's credit transactions (Shopify takes no key).
// Once issued, in the same transaction, the customer's current offer is set (their metafields,
// app/delivery) and the "customer entered a campaign" Flow trigger is queued (sent only to shops
// whose workflows use it), so that merchants' Flow messages go out with the code in hand. A message-
// only arm goes the same way with nothing to issue. Control members are "none" and never reach
// this queue: nothing is issued, set or triggered for them.
import db, { type Tx } from "../platform/db/client.server";
import { leaseMs, type Outcome, type Queue } from "../platform/jobs.server";
import { log } from "../platform/log.server";
import { pointValueOf, liability } from "../loyalty/effectiveness";
import { ledgerEntry } from "../loyalty/ledger";
import type { FixedAmountReward } from "../loyalty/program";
import { claimedCredits, createCode, createCredit, creditAccountsOf, findCode } from "../loyalty/redemption.server";
import { findCredit } from "../loyalty/store-credit";
import { enrollMember, insertEntries, loadProgram, loadRewards } from "../loyalty/store.server";
import { reviewSoon } from "../loyalty/tasks.server";
import { queueFlowTrigger } from "../delivery/flow.server";
import { setCurrentOffer } from "../delivery/signals.server";
import { calendarFor, formatLocalDate } from "../metrics/calendar";
import { codeRewardOf, isCodeOffer, parseOffer, type Offer } from "./offers";

/** Held this long while Shopify answers, so that no second instance sends the same offer meanwhile. */
const OFFER_LEASE_MS = 2 * 60_000;

export const campaignOfferQueue: Queue = {
  name: "campaign-offers",
  table: "CampaignMember",
  id: "id",
  shop: "shopDomain",
  lease: "leaseUntil",
  attempts: "attempts",
  lastError: "error",
  ready: (bind) =>
    `"offerStatus" IN (${bind("due")}, ${bind("pending")})
     AND EXISTS (SELECT 1 FROM "Shop" WHERE "Shop"."domain" = "CampaignMember"."shopDomain" AND "Shop"."installState" = ${bind("installed")})`,
  shops: "filter",
  maxAttempts: 8,
  batch: 20,
  leaseMs: () => Math.max(leaseMs(), OFFER_LEASE_MS),
  run: (job) => issueOffer(Number(job.id)),
  dead: async (job, error) => {
    await db.campaignMember.updateMany({
      where: { id: Number(job.id), offerStatus: { in: ["due", "pending"] } },
      data: { offerStatus: "failed", error: error.slice(0, 2000) },
    });
  },
};

type MemberRow = Awaited<ReturnType<typeof db.campaignMember.findUniqueOrThrow>>;

/** What the announcement of an issued offer needs besides the member. */
interface Announcement {
  campaignName: string;
  armName: string;
  offer: Offer;
  timezone: string;
}

/** Issues one member's offer; throws (a retry later) when Shopify refuses or cannot be reached. */
export async function issueOffer(memberId: number): Promise<Outcome> {
  const member = await db.campaignMember.findUnique({ where: { id: memberId } });
  if (!member || (member.offerStatus !== "due" && member.offerStatus !== "pending")) return "done";
  const [arm, campaign, shop] = await Promise.all([
    db.campaignArm.findUniqueOrThrow({ where: { campaignId_armId: { campaignId: member.campaignId, armId: member.armId } } }),
    db.campaign.findUniqueOrThrow({ where: { id: member.campaignId }, select: { name: true } }),
    db.shop.findUniqueOrThrow({ where: { domain: member.shopDomain }, select: { timezone: true } }),
  ]);
  const offer = parseOffer(arm.offer);
  const about: Announcement = { campaignName: campaign.name, armName: arm.name, offer, timezone: shop.timezone };
  if (offer.kind === "points") await issuePoints(member, offer, about);
  else if (isCodeOffer(offer)) await issueCode(member, offer, about);
  else if (offer.kind === "store_credit") await issueCredit(member, offer, about);
  else await settle(member, { offerStatus: "issued" }, about);
  return "done";
}

/**
 * Records the outcome unless another instance has settled the row meanwhile; an issued offer is
 * announced in the same transaction: the customer's current offer and the Flow trigger.
 */
async function settle(member: MemberRow, data: Partial<MemberRow>, about: Announcement | null, tx?: Tx): Promise<void> {
  const write = async (client: Tx) => {
    // A pending row keeps its lease: released now, another slot would send the same offer again.
    const done = data.offerStatus !== "pending";
    const settled = await client.campaignMember.updateMany({
      where: { id: member.id, offerStatus: member.offerStatus },
      data: { ...data, ...(done && { leaseUntil: null, error: null }) },
    });
    if (settled.count === 1 && data.offerStatus === "issued" && about) await announce(client, { ...member, ...data }, about);
  };
  await (tx ? write(tx) : db.$transaction(write));
}

async function announce(tx: Tx, member: MemberRow, about: Announcement): Promise<void> {
  const endsAt = member.offerExpiresAt ?? member.windowEndsAt;
  const calendar = calendarFor(about.timezone);
  await setCurrentOffer(
    member.shopDomain,
    member.customerGid,
    { campaignKey: member.campaignId, expiresOn: formatLocalDate(calendar.dayOf(endsAt.getTime())) },
    tx,
  );
  await queueFlowTrigger(tx, {
    shopDomain: member.shopDomain,
    trigger: "campaignEntered",
    customerGid: member.customerGid,
    payload: {
      campaignName: about.campaignName,
      arm: about.armName,
      offerKind: about.offer.kind,
      code: member.code ?? "",
      expiresAt: member.offerExpiresAt?.toISOString() ?? "",
    },
    idempotencyKey: `campaign-entered:${member.campaignId}:${member.customerGid}`,
  });
}

/** What points are worth: the fixed-amount reward cheapest in points (as the loyalty overview's liability); 0 without one. */
async function pointsCost(tx: Tx, shopDomain: string, points: number): Promise<bigint> {
  const reward = (await loadRewards(tx, shopDomain))
    .filter((r): r is FixedAmountReward => r.kind === "fixed_amount")
    .sort((a, b) => a.pointsCost - b.pointsCost)[0];
  return reward ? liability(points, pointValueOf(reward)) : 0n;
}

async function issuePoints(member: MemberRow, offer: Extract<Offer, { kind: "points" }>, about: Announcement): Promise<void> {
  const { shopDomain, customerGid } = member;
  const refusal = await db.$transaction(async (tx: Tx) => {
    const program = await loadProgram(tx, shopDomain);
    if (!program?.enabled) return "the loyalty program is not running";
    const loyaltyMember = await enrollMember(tx, shopDomain, customerGid, program, member.enteredAt);
    if (loyaltyMember.heldOut) return "the customer is in the loyalty program's holdout";
    const now = new Date();
    await insertEntries(tx, shopDomain, [
      ledgerEntry({
        sourceKey: `campaign:${member.campaignId}:${customerGid}`,
        memberGid: customerGid,
        type: "earn",
        source: "campaign",
        points: offer.points,
        reason: `Campaign: ${about.campaignName}`,
        createdAt: now,
        expiresAt: member.offerExpiresAt,
      }),
    ]);
    await reviewSoon(tx, loyaltyMember.id, now);
    await settle(member, { offerStatus: "issued", offerCost: await pointsCost(tx, shopDomain, offer.points) }, about, tx);
    return null;
  });
  // Nothing to retry: the program or the holdout decides, not Shopify.
  if (refusal)
    await db.campaignMember.update({
      where: { id: member.id },
      data: { offerStatus: "failed", error: refusal, leaseUntil: null },
    });
}

async function issueCode(
  member: MemberRow,
  offer: Extract<Offer, { kind: "percentage" | "fixed_amount" | "free_shipping" }>,
  about: Announcement,
): Promise<void> {
  const code = member.code!;
  if (member.offerStatus === "pending") {
    // Sent before and not confirmed: Shopify may hold it already.
    const found = await findCode(member.shopDomain, code);
    if ("error" in found) throw new Error(`code ${code} not confirmed: ${found.error}`);
    if (found.discountGid) return settle(member, { offerStatus: "issued", discountGid: found.discountGid }, about);
  } else {
    await settle(member, { offerStatus: "pending" }, null);
    member = { ...member, offerStatus: "pending" };
  }
  const { currency } = await db.shop.findUniqueOrThrow({ where: { domain: member.shopDomain }, select: { currency: true } });
  const created = await createCode(member.shopDomain, {
    reward: codeRewardOf(offer, about.armName),
    code,
    customerGid: member.customerGid,
    currency,
    now: member.enteredAt,
    title: `Campaign: ${about.campaignName} (${code})`,
  });
  if ("discountGid" in created) return settle(member, { offerStatus: "issued", discountGid: created.discountGid }, about);
  const found = await findCode(member.shopDomain, code);
  if (!("error" in found) && found.discountGid) {
    log.warn("campaign code created though Shopify's answer was lost", { shop: member.shopDomain, member: member.id });
    return settle(member, { offerStatus: "issued", discountGid: found.discountGid }, about);
  }
  throw new Error(`code ${code} not created: ${created.error}`);
}

async function issueCredit(
  member: MemberRow,
  offer: Extract<Offer, { kind: "store_credit" }>,
  about: Announcement,
): Promise<void> {
  const { shopDomain, customerGid } = member;
  const { currency } = await db.shop.findUniqueOrThrow({ where: { domain: shopDomain }, select: { currency: true } });
  const attempt = { amount: offer.value, currency, startedAt: member.enteredAt };
  const lookUp = async () => {
    const answer = await creditAccountsOf(shopDomain, customerGid);
    if ("error" in answer) throw new Error(`store credit not confirmed: ${answer.error}`);
    return findCredit(answer.accounts, attempt, await claimedCredits(shopDomain, customerGid));
  };
  // The cost is what was credited: what the shopper spends of it only Shopify's checkout knows (an upper bound, as on the loyalty overview).
  const issued = (transactionGid: string) =>
    settle(member, { offerStatus: "issued", creditTransactionGid: transactionGid, offerCost: offer.value }, about);
  if (member.offerStatus === "pending") {
    const found = await lookUp();
    if (found) return issued(found.transactionGid);
  } else {
    await settle(member, { offerStatus: "pending" }, null);
    member = { ...member, offerStatus: "pending" };
  }
  const credited = await createCredit(shopDomain, {
    customerGid,
    amount: offer.value,
    currency,
    expiresAt: member.offerExpiresAt,
  });
  if ("transactionGid" in credited) return issued(credited.transactionGid);
  const found = await lookUp();
  if (found) return issued(found.transactionGid);
  throw new Error(`store credit not issued: ${credited.error}`);
}
