// The referrer's reward in the points ledger, on the same path as purchase points: pending until
// the friend's order passes the program's pending period, taken back in proportion when the order
// is refunded and in full when it is cancelled (void while pending, deduct once available).
// Keys `referral:<id>:reward` and `referral:<id>:adjust:<n>` make every write idempotent: two
// approvals, or a retried task, produce the same key and the database keeps one.
import { takeBack, type TakeBackFields } from "../loyalty/earning";
import { addDays } from "../loyalty/dates";
import { expiresAtFor, ledgerEntry, requestedPoints, type LedgerEntry } from "../loyalty/ledger";
import type { ExpirySettings } from "../loyalty/program";

export const referralKeys = {
  prefix: (referralId: number) => `referral:${referralId}:`,
  reward: (referralId: number) => `referral:${referralId}:reward`,
  adjust: (referralId: number, n: number) => `referral:${referralId}:adjust:${n}`,
};

export interface RewardInput {
  referralId: number;
  referrerGid: string;
  points: number;
  /** The friend's order: its points' pending period is the reward's. */
  processedAt: Date;
  pendingDays: number;
  expiry: ExpirySettings;
  now: Date;
}

/** The reward's credit: pending until the friend's order's points would be available (at once when approved later). */
export function rewardEntry({
  referralId,
  referrerGid,
  points,
  processedAt,
  pendingDays,
  expiry,
  now,
}: RewardInput): LedgerEntry {
  const due = addDays(processedAt, pendingDays);
  const availableAt = due > now ? due : now;
  return ledgerEntry({
    sourceKey: referralKeys.reward(referralId),
    memberGid: referrerGid,
    type: "earn",
    // A bonus for the member's doing: it counts toward points-based tiers like other bonuses.
    source: "rule",
    points,
    reason: "referral",
    createdAt: now,
    availableAt,
    expiresAt: expiresAtFor(availableAt, expiry),
  });
}

export interface FriendOrder {
  cancelled: boolean;
  refunded: boolean;
  /** The order's purchase base now, minor units. */
  base: bigint;
}

/** The points the reward is worth for the order's current state: in proportion to what is kept, never more than given. */
export function rewardTarget(points: number, rewardedBase: bigint, order: FriendOrder): number {
  if (order.cancelled || order.base <= 0n) return 0;
  if (rewardedBase <= 0n || order.base >= rewardedBase) return points;
  return Number((BigInt(points) * order.base) / rewardedBase);
}

/**
 * The entries that bring the referral's reward (its `recorded` entries) down to what the order's
 * current state is worth; an order edited up adds nothing.
 */
export function reconcileReward(input: {
  referralId: number;
  referrerGid: string;
  points: number;
  rewardedBase: bigint;
  order: FriendOrder;
  recorded: readonly LedgerEntry[];
  availableBalance: number;
  now: Date;
}): LedgerEntry[] {
  const { referralId, recorded, now } = input;
  const target = rewardTarget(input.points, input.rewardedBase, input.order);
  const accounted = recorded.reduce((sum, entry) => sum + requestedPoints(entry), 0);
  if (target >= accounted) return [];
  let adjustments = recorded.filter((entry) => entry.sourceKey.startsWith(`${referralKeys.prefix(referralId)}adjust:`)).length;
  const reason = input.order.cancelled ? "referral order cancelled" : "referral order refunded";
  const source = input.order.cancelled ? "order" : "refund";
  return takeBack(recorded, accounted - target, input.availableBalance, now, (fields: TakeBackFields) =>
    ledgerEntry({
      sourceKey: referralKeys.adjust(referralId, ++adjustments),
      memberGid: input.referrerGid,
      source,
      reason,
      createdAt: now,
      ...fields,
    }),
  );
}
