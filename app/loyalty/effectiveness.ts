// Is the program working? Repeat purchase lift of members over the holdout, redemption rate, and the
// liability of the points outstanding.
//
// The lift is a campaign against its control group like any other: members are the arm, held-out
// customers the control, buying again is the conversion. It uses the campaigns' statistics
// (app/campaigns/lift.ts, decision 28): an always-valid 95 % interval, because merchants open the
// overview whenever they like, and a verdict that says when there is too little data.
import { compareArms, type Comparison, type RevenueSums } from "../campaigns/lift";
import type { FixedAmountReward } from "./program";

export interface GroupCounts {
  customers: number;
  /** Customers with two or more counted orders. */
  repeaters: number;
}

/** A group with its net revenue per customer summed for the interval. */
export interface GroupOutcome extends GroupCounts {
  revenue: RevenueSums;
}

/** Members against the holdout; null until each group has two customers (below that there is no variance to estimate). */
export function repeatRateLift(members: GroupOutcome, holdout: GroupOutcome): Comparison | null {
  assertCounts(members);
  assertCounts(holdout);
  if (members.customers < 2 || holdout.customers < 2) return null;
  const arm = ({ customers, repeaters, revenue }: GroupOutcome) => ({ reached: customers, converted: repeaters, revenue });
  return compareArms(arm(members), arm(holdout));
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
