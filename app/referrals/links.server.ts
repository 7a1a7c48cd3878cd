// A member's referral link and what they see of their referrals (the storefront panel and the
// customer account page ask the same function, app/storefront/member-requests.server.ts).
import { randomBytes } from "node:crypto";
import db, { type Tx } from "../platform/db/client.server";
import { insertRows } from "../platform/sql/rows.server";
import { currencyExponent } from "../platform/money";
import { CODE_ALPHABET } from "../loyalty/codes";
import { enrollMember, loadProgram } from "../loyalty/store.server";
import { loadReferralProgram } from "./store.server";
import type { FriendReward, ReferralSettings } from "./settings";
import type { FriendView, ReferrerRewardView, ShareAnswer } from "./share";

/** 8 characters of the discount codes' alphabet (40 bits): short enough to read out, too many to guess. */
const LINK_CODE_LENGTH = 8;

export function generateLinkCode(bytes: Uint8Array = randomBytes(LINK_CODE_LENGTH)): string {
  let code = "";
  for (let i = 0; i < LINK_CODE_LENGTH; i++) code += CODE_ALPHABET[bytes[i] & 31];
  return code;
}

/** The storefront path of a link; the shop's domain goes before it. */
export const linkPath = (code: string) => `/apps/comeback/r/${code}`;

const friendView = (friend: FriendReward): FriendView => ({
  ...(friend.kind === "fixed_amount"
    ? { kind: friend.kind, value: String(friend.value) }
    : { kind: friend.kind, percent: friend.percent }),
  minimumOrder: friend.minimumOrder === undefined ? null : String(friend.minimumOrder),
  validDays: friend.validDays,
});

const referrerRewardView = ({ referrerReward: reward, referrerPoints }: ReferralSettings): ReferrerRewardView =>
  reward.kind === "points" ? { kind: "points", points: referrerPoints } : { kind: reward.kind, value: String(reward.value) };

/** The member's link (made on first ask) with what they earned by it. */
export async function shareLink(shopDomain: string, customerGid: string, now = new Date()): Promise<ShareAnswer> {
  const [program, referrals] = await Promise.all([loadProgram(db, shopDomain), loadReferralProgram(db, shopDomain)]);
  if (!program?.enabled || !referrals.enabled) return { status: 204, body: null };
  const link = await db.$transaction(async (tx: Tx) => {
    const member = await enrollMember(tx, shopDomain, customerGid, program, now);
    if (member.heldOut) return null;
    return linkOf(tx, shopDomain, customerGid);
  });
  if (!link) return { status: 204, body: null };
  const rows = await db.referral.groupBy({
    by: ["status"],
    where: { shopDomain, referrerGid: customerGid },
    _count: { _all: true },
    _sum: { points: true },
  });
  const of = (statuses: string[]) => rows.filter((row) => statuses.includes(row.status));
  const earned = await db.ledgerEntry.aggregate({
    where: { shopDomain, memberGid: customerGid, sourceKey: { startsWith: "referral:" } },
    _sum: { points: true },
  });
  const { currency } = await db.shop.findUniqueOrThrow({ where: { domain: shopDomain }, select: { currency: true } });
  return {
    status: 200,
    body: {
      code: link.code,
      url: `https://${shopDomain}${linkPath(link.code)}`,
      currency,
      currencyDigits: currencyExponent(currency),
      path: linkPath(link.code),
      referrerReward: referrerRewardView(referrals.settings),
      friend: friendView(referrals.settings.friend),
      referred: of(["completed"]).reduce((sum, row) => sum + row._count._all, 0),
      waiting: of(["checking", "review", "approved", "rewarded"]).reduce((sum, row) => sum + row._count._all, 0),
      pointsEarned: earned._sum.points ?? 0,
    },
  };
}

/** The member's link, made once: a concurrent first ask finds the other's row (the unique member key). */
async function linkOf(tx: Tx, shopDomain: string, memberGid: string) {
  const existing = await tx.referralLink.findUnique({ where: { shopDomain_memberGid: { shopDomain, memberGid } } });
  if (existing) return existing;
  for (let attempt = 0; attempt < 3; attempt++) {
    await insertRows(
      tx,
      "ReferralLink",
      [
        ["shopDomain", "text"],
        ["code", "text"],
        ["memberGid", "text"],
        ["createdAt", "time"],
      ],
      [[shopDomain, generateLinkCode(), memberGid, new Date()]],
      "ON CONFLICT DO NOTHING",
    );
    const made = await tx.referralLink.findUnique({ where: { shopDomain_memberGid: { shopDomain, memberGid } } });
    if (made) return made;
  }
  throw new Error("no free referral code after three tries");
}
