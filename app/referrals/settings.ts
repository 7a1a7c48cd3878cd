// What a merchant configures for referrals, validated like the program settings (the same field
// error codes, app/loyalty/program.ts) so the admin translates them the same way.
import { Checks, MAX_POINTS, type FieldError } from "../loyalty/program";

/** The friend's reward: a single-use code created when they claim it through the referrer's link. */
export type FriendReward =
  | { kind: "fixed_amount"; value: bigint; minimumOrder?: bigint; validDays: number }
  | { kind: "percentage"; percent: number; minimumOrder?: bigint; validDays: number };

export interface ReferralSettings {
  /** Points the referrer gets once the friend's first order passes the pending period. */
  referrerPoints: number;
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
  friend: { kind: "fixed_amount", value: 1000n, validDays: 30 },
  weeklyLimit: 5,
  dailyClaimLimit: 20,
  review: true,
};

export function validateReferralSettings(settings: ReferralSettings): FieldError[] {
  const check = new Checks();
  check.integer("referrerPoints", settings.referrerPoints, 1, MAX_POINTS);
  const { friend } = settings;
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
  const stored = JSON.parse(text) as ReferralSettings & { friend: Record<string, unknown> };
  const friend = { ...stored.friend } as Record<string, unknown>;
  for (const key of ["value", "minimumOrder"]) if (friend[key] !== undefined) friend[key] = BigInt(friend[key] as string);
  return { ...DEFAULT_REFERRAL_SETTINGS, ...stored, friend: friend as unknown as FriendReward };
}
