// What a merchant configures for referrals, validated like the program settings (the same field
// error codes, app/loyalty/program.ts) so the admin translates them the same way.
import { Checks, MAX_POINTS, type FieldError } from "../loyalty/program";

/** The friend's reward: a single-use code created when they claim it through the referrer's link. */
export type FriendReward =
  | { kind: "fixed_amount"; value: bigint; minimumOrder?: bigint; validDays: number }
  | { kind: "percentage"; percent: number; minimumOrder?: bigint; validDays: number };

/**
 * What the referrer gets once the friend's first order passes the pending period: the points of
 * `referrerPoints`, a single-use amount-off code, or store credit (minor units of the shop currency).
 */
export type ReferrerReward =
  { kind: "points" } | { kind: "discount_code"; value: bigint; validDays: number } | { kind: "store_credit"; value: bigint };

export const REFERRER_REWARD_KINDS = ["points", "discount_code", "store_credit"] as const;

export interface ReferralSettings {
  /** Points the referrer gets once the friend's first order passes the pending period (reward kind "points"). */
  referrerPoints: number;
  referrerReward: ReferrerReward;
  friend: FriendReward;
  /** Referrals of one referrer in 7 days beyond which the next is flagged (limitPerWeek). */
  weeklyLimit: number;
  /** Claims through one link in 24 hours beyond which the link is taken as leaked and stopped. */
  dailyClaimLimit: number;
  /** true: flagged referrals wait in the review queue; false: they are rejected with their reasons. */
  review: boolean;
}

export const DEFAULT_REFERRAL_SETTINGS: ReferralSettings = {
  referrerPoints: 500,
  referrerReward: { kind: "points" },
  friend: { kind: "fixed_amount", value: 1000n, validDays: 30 },
  weeklyLimit: 5,
  dailyClaimLimit: 20,
  review: true,
};

export function validateReferralSettings(settings: ReferralSettings): FieldError[] {
  const check = new Checks();
  check.integer("referrerPoints", settings.referrerPoints, 1, MAX_POINTS);
  const { friend, referrerReward } = settings;
  check.oneOf("referrerReward.kind", referrerReward.kind, REFERRER_REWARD_KINDS);
  if (referrerReward.kind !== "points") check.positiveMoney("referrerReward.value", referrerReward.value);
  if (referrerReward.kind === "discount_code") check.integer("referrerReward.validDays", referrerReward.validDays, 1, 365);
  check.oneOf("friend.kind", friend.kind, ["fixed_amount", "percentage"] as const);
  if (friend.kind === "fixed_amount") check.positiveMoney("friend.value", friend.value);
  if (friend.kind === "percentage") check.integer("friend.percent", friend.percent, 1, 100);
  if (friend.minimumOrder !== undefined) check.positiveMoney("friend.minimumOrder", friend.minimumOrder);
  check.integer("friend.validDays", friend.validDays, 1, 365);
  check.integer("weeklyLimit", settings.weeklyLimit, 1, 1000);
  check.integer("dailyClaimLimit", settings.dailyClaimLimit, 1, 10_000);
  check.boolean("review", settings.review);
  return check.errors;
}

/** Stored as JSON with amounts as decimal text (JSON has no 64-bit integers). */
export function settingsToJson(settings: ReferralSettings): string {
  return JSON.stringify(settings, (_key, value) => (typeof value === "bigint" ? String(value) : value));
}

export function settingsFromJson(text: string): ReferralSettings {
  const stored = JSON.parse(text) as ReferralSettings;
  return {
    ...DEFAULT_REFERRAL_SETTINGS,
    ...stored,
    friend: withAmounts(stored.friend),
    referrerReward: stored.referrerReward ? withAmounts(stored.referrerReward) : DEFAULT_REFERRAL_SETTINGS.referrerReward,
  };
}

export const referrerRewardToJson = (reward: ReferrerReward): string =>
  JSON.stringify(reward, (_key, value) => (typeof value === "bigint" ? String(value) : value));

/** The referrer's reward as stored on a rewarded referral (the settings may change before it is issued). */
export const referrerRewardFromJson = (text: string): ReferrerReward => withAmounts(JSON.parse(text) as ReferrerReward);

function withAmounts<T>(stored: T): T {
  const object = { ...stored } as Record<string, unknown>;
  for (const key of ["value", "minimumOrder"]) if (object[key] !== undefined) object[key] = BigInt(object[key] as string);
  return object as T;
}
