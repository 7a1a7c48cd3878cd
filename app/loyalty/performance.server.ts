// Is the program paying off? Behind GET /app/api/loyalty/performance: how members, held-out members
// and customers outside the program buy; what the points add up to; and the holdout lift.
//
// Customers are counted in a group once they have a counted order (the metrics' definition: not a
// test, not cancelled, not deleted, processed), so the three groups are compared on the same
// footing: repeat purchase rate = customers with two or more counted orders / customers; net
// revenue = Shopify's current subtotal (after discounts, refunds and edits). Only members against
// the holdout is a fair test of the program: both were assigned at enrolment by the same coin
// (holdout.ts), while customers outside the program differ in when and how they came.
import { MINIMUMS, type Comparison } from "../campaigns/lift";
import db from "../platform/db/client.server";
import { liability, pointValueOf, redemptionRate, repeatRateLift, type GroupCounts, type GroupOutcome } from "./effectiveness";
import type { FixedAmountReward } from "./program";
import { loadRewards } from "./store.server";

export interface CustomerGroup extends GroupCounts {
  /** %, null without customers. */
  repeatPurchaseRate: number | null;
  /** Minor units of the shop currency. */
  netRevenue: bigint;
  /** Rounded half up; null without customers. */
  netRevenuePerCustomer: bigint | null;
}

/**
 * Members (the arm) against the holdout (the control), with the verdict; null before each group has
 * two customers. `note` says in English, for readers of the API, why there is no verdict yet.
 */
export interface HoldoutLift {
  comparison: Comparison | null;
  note: string | null;
}

const emptyGroup = (): CustomerGroup => ({
  customers: 0,
  repeaters: 0,
  netRevenue: 0n,
  repeatPurchaseRate: null,
  netRevenuePerCustomer: null,
});

export async function programPerformance(shopDomain: string, now = new Date()) {
  const { currency } = await db.shop.findUniqueOrThrow({ where: { domain: shopDomain }, select: { currency: true } });
  const { groups, revenueSquares } = await customerGroups(shopDomain);
  const points = await pointTotals(shopDomain, now);
  const reward = (await loadRewards(db, shopDomain)).find((r): r is FixedAmountReward => r.kind === "fixed_amount");
  const pointValue = reward && pointValueOf(reward);
  const storeCredit = await storeCreditTotals(shopDomain, now);
  return {
    currency,
    customers: groups,
    points: { ...points, redemptionRate: redemptionRate(points.redeemed, points.issued) },
    // What the points available today would cost if all were spent on the reward cheapest in points.
    liability: pointValue
      ? { amount: liability(points.outstanding, pointValue), valuePerPoint: { ...pointValue, rewardId: reward.id } }
      : null,
    storeCredit,
    holdoutLift: holdoutLift(
      { ...groups.members, revenue: revenueSums(groups.members, revenueSquares.members) },
      { ...groups.holdout, revenue: revenueSums(groups.holdout, revenueSquares.holdout) },
    ),
  };
}

/**
 * Store credit issued for points (decision 27), minor units: all of it, and what has not expired,
 * the liability it adds. What shoppers spent of it at checkout only Shopify knows, so the
 * liability is an upper bound.
 */
async function storeCreditTotals(shopDomain: string, now: Date) {
  const issued = { shopDomain, status: "issued", creditAmount: { not: null } };
  const [all, unexpired] = await Promise.all([
    db.redemption.aggregate({ where: issued, _sum: { creditAmount: true }, _count: true }),
    db.redemption.aggregate({
      where: { ...issued, OR: [{ creditExpiresAt: null }, { creditExpiresAt: { gt: now } }] },
      _sum: { creditAmount: true },
    }),
  ]);
  return { redemptions: all._count, issued: all._sum.creditAmount ?? 0n, unexpired: unexpired._sum.creditAmount ?? 0n };
}

async function customerGroups(shopDomain: string) {
  const counted = { shopDomain, test: false, cancelledAt: null, deletedAt: null, processedAt: { not: null } };
  const perCustomer = await db.order.groupBy({
    by: ["customerId"],
    where: { ...counted, customerId: { not: null } },
    _count: { _all: true },
    _sum: { currentSubtotalAmount: true },
  });
  const customers = await db.customer.findMany({
    where: { shopDomain, orders: { some: counted } },
    select: { id: true, gid: true },
  });
  const gidOf = new Map(customers.map((customer) => [customer.id, customer.gid]));
  const members = await db.loyaltyMember.findMany({ where: { shopDomain }, select: { customerGid: true, heldOut: true } });
  const heldOut = new Map(members.map((member) => [member.customerGid, member.heldOut]));

  const groups = { members: emptyGroup(), holdout: emptyGroup(), nonMembers: emptyGroup() };
  // Sums of each customer's net revenue squared, for the interval of the revenue difference.
  const revenueSquares = { members: 0n, holdout: 0n, nonMembers: 0n };
  for (const row of perCustomer) {
    const membership = heldOut.get(gidOf.get(row.customerId!) ?? "");
    const name = membership === undefined ? "nonMembers" : membership ? "holdout" : "members";
    const group = groups[name];
    const revenue = row._sum.currentSubtotalAmount ?? 0n;
    group.customers++;
    if (row._count._all >= 2) group.repeaters++;
    group.netRevenue += revenue;
    revenueSquares[name] += revenue * revenue;
  }
  for (const group of Object.values(groups)) {
    if (group.customers === 0) continue;
    const n = BigInt(group.customers);
    group.repeatPurchaseRate = (group.repeaters / group.customers) * 100;
    group.netRevenuePerCustomer = (group.netRevenue * 2n + n) / (2n * n);
  }
  return { groups, revenueSquares };
}

const revenueSums = (group: CustomerGroup, sumOfSquares: bigint) => ({
  count: group.customers,
  sum: group.netRevenue,
  sumOfSquares,
});

/**
 * Shop-wide points. issued = earned net of what refunds, cancellations and manual changes took
 * back; redeemed is net of points given back for codes never created. issued = redeemed +
 * expired + outstanding + pending.
 */
async function pointTotals(shopDomain: string, now: Date) {
  const byType = await db.ledgerEntry.groupBy({ by: ["type"], where: { shopDomain }, _sum: { points: true } });
  const sum = (...types: string[]) =>
    byType.filter((row) => types.includes(row.type)).reduce((total, row) => total + (row._sum.points ?? 0), 0);
  const availableBy = async (availableAt: { lte: Date } | { gt: Date }) =>
    (await db.ledgerEntry.aggregate({ where: { shopDomain, availableAt }, _sum: { points: true } }))._sum.points ?? 0;
  return {
    issued: sum("earn", "void", "deduct", "adjust"),
    // Debits are stored negative; 0 - x rather than -x, so that none reads as "-0".
    redeemed: 0 - sum("redeem"),
    expired: 0 - sum("expire"),
    outstanding: await availableBy({ lte: now }),
    pending: await availableBy({ gt: now }),
  };
}

function holdoutLift(members: GroupOutcome, holdout: GroupOutcome): HoldoutLift {
  const comparison = repeatRateLift(members, holdout);
  if (!comparison) {
    const missing = members.customers < 2 ? "fewer than two members have" : "fewer than two held-out customers have";
    return { comparison, note: `${missing} a counted order yet: raise the holdout percentage or wait for orders` };
  }
  const note =
    comparison.verdict.kind === "too-little-data"
      ? `too little data yet: members and the holdout each need at least ${MINIMUMS.reached} customers, ` +
        `${MINIMUMS.converted} who bought again and ${MINIMUMS.notConverted} who did not ` +
        `(members ${members.repeaters} of ${members.customers}, holdout ${holdout.repeaters} of ${holdout.customers}); ` +
        "until then the interval is too wide to tell the program's effect from chance"
      : null;
  return { comparison, note };
}
