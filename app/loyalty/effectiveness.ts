// Is the program working? Repeat purchase lift of members over the holdout with a 95 % confidence
// interval, redemption rate, and the liability of the points outstanding.
//
// The interval is Newcombe's hybrid score interval for a difference of two proportions (Newcombe
// 1998, method 10): it combines the two Wilson score intervals, and unlike the Wald interval it
// stays inside [-1, 1] and keeps its coverage when a rate is near 0 or 1 or a group is small,
// which is the usual case for a holdout of a few percent.
import type { FixedAmountReward } from "./program";

const Z95 = 1.959963984540054;

export interface GroupCounts {
  customers: number;
  /** Customers with two or more counted orders. */
  repeaters: number;
}

export interface RepeatRateLift {
  /** Repeat purchase rates in %. */
  members: number;
  holdout: number;
  /** members - holdout, in percentage points. */
  lift: number;
  /** 95 % interval of the lift, percentage points (Newcombe). */
  ci95: [number, number];
  /** Each group has at least 5 repeaters and 5 customers who did not repeat: below that, show "not enough data yet". */
  enough: boolean;
}

export const MIN_OUTCOMES = 5;

/** null when either group has no customers. */
export function repeatRateLift(members: GroupCounts, holdout: GroupCounts): RepeatRateLift | null {
  assertCounts(members);
  assertCounts(holdout);
  if (members.customers === 0 || holdout.customers === 0) return null;
  const p1 = members.repeaters / members.customers;
  const p2 = holdout.repeaters / holdout.customers;
  const [l1, u1] = wilson(members);
  const [l2, u2] = wilson(holdout);
  const lift = p1 - p2;
  const low = lift - Math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2);
  const high = lift + Math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2);
  const enough = [members, holdout].every((g) => g.repeaters >= MIN_OUTCOMES && g.customers - g.repeaters >= MIN_OUTCOMES);
  return { members: p1 * 100, holdout: p2 * 100, lift: lift * 100, ci95: [low * 100, high * 100], enough };
}

/** Wilson score interval of repeaters / customers at 95 %. */
export function wilson({ customers: n, repeaters }: GroupCounts): [number, number] {
  const p = repeaters / n;
  const z2 = Z95 * Z95;
  const centre = 2 * n * p + z2;
  const spread = Z95 * Math.sqrt(z2 + 4 * n * p * (1 - p));
  const denominator = 2 * (n + z2);
  return [(centre - spread) / denominator, (centre + spread) / denominator];
}

function assertCounts({ customers, repeaters }: GroupCounts): void {
  if (!Number.isSafeInteger(customers) || !Number.isSafeInteger(repeaters) || repeaters < 0 || repeaters > customers) {
    throw new RangeError(`not a group: ${repeaters} repeaters of ${customers} customers`);
  }
}

/** Points redeemed over points issued, in %; null before any were issued. */
export function redemptionRate(pointsRedeemed: number, pointsIssued: number): number | null {
  return pointsIssued > 0 ? (pointsRedeemed / pointsIssued) * 100 : null;
}

/** What points are worth: `value` minor units for `points` points (500n for 500 points is 1 cent a point). */
export interface PointValue {
  value: bigint;
  points: number;
}

/** The value per point a fixed-amount reward offers: 5.00 EUR for 500 points = 500n per 500. */
export function pointValueOf(reward: FixedAmountReward): PointValue {
  return { value: reward.value, points: reward.pointsCost };
}

/** Outstanding points x value per point, minor units, rounded half up: what the merchant owes if all were redeemed. */
export function liability(outstandingPoints: number, pointValue: PointValue): bigint {
  if (outstandingPoints <= 0) return 0n;
  const divisor = BigInt(pointValue.points);
  return (BigInt(outstandingPoints) * pointValue.value * 2n + divisor) / (2n * divisor);
}
