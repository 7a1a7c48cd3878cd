// Referral figures for the merchant: the referral rate of a period with both comparisons, the
// referred customers as a cohort against other new customers, the leaderboard of referrers and what
// the rewards cost. The rate and the cohort come from the shop's in-memory order facts
// (app/metrics/facts.server.ts); the database gives only who was referred, by whom, and the costs.
// A referral counts once rewarded (rewarded or completed): a flagged, rejected or reversed one does not.
import db from "../platform/db/client.server";
import { liability, pointValueOf } from "../loyalty/effectiveness";
import type { FixedAmountReward } from "../loyalty/program";
import { loadRewards } from "../loyalty/store.server";
import { shopFacts } from "../metrics/facts.server";
import type { OrderFacts } from "../metrics/order-facts";
import { describePeriod, resolvePeriods, type PeriodQuery } from "../metrics/periods";
import { rateChange, referralRate, referredCohort } from "./rate";

const COUNTED = ["rewarded", "completed"];
const LEADERBOARD_SIZE = 10;

export async function referralMetrics(shopDomain: string, query: PeriodQuery = {}) {
  const { shop, facts } = await shopFacts(shopDomain);
  const today = facts.calendar.dayOf(Date.now());
  const h = facts.histories();
  const periods = resolvePeriods(query, today, h.lastDay >= h.firstDay ? h.firstDay : null);
  const counted = await db.referral.findMany({
    where: { shopDomain, status: { in: COUNTED } },
    select: { friendGid: true, orderGid: true },
  });
  const referred = await customerIndexes(
    shopDomain,
    facts,
    counted.map((referral) => referral.friendGid),
  );
  const rate = {
    current: referralRate(h, referred, periods.current),
    previous: referralRate(h, referred, periods.previous),
    yearAgo: referralRate(h, referred, periods.yearAgo),
  };
  return {
    currency: shop.currency,
    periods: {
      current: describePeriod(periods.current),
      previous: describePeriod(periods.previous),
      yearAgo: describePeriod(periods.yearAgo),
    },
    rate,
    vsPrevious: rateChange(rate.current, rate.previous),
    vsYearAgo: rateChange(rate.current, rate.yearAgo),
    cohort: referredCohort(h, referred, periods.current.to),
    leaderboard: await leaderboard(shopDomain),
    cost: await rewardCost(
      shopDomain,
      counted.map((referral) => referral.orderGid),
    ),
  };
}

/** The histories' indexes of these customers (GIDs), as the order facts number them. */
async function customerIndexes(shopDomain: string, facts: OrderFacts, gids: (string | null)[]): Promise<Set<number>> {
  const known = gids.filter((gid): gid is string => gid !== null);
  if (known.length === 0) return new Set();
  const rows = await db.customer.findMany({ where: { shopDomain, gid: { in: known } }, select: { id: true } });
  const ids = new Set(rows.map((row) => row.id));
  const indexes = new Set<number>();
  facts.customerIds.forEach((id, index) => ids.has(id) && indexes.add(index));
  return indexes;
}

/** The members with the most rewarded referrals, their names as the customers page shows them. */
async function leaderboard(shopDomain: string) {
  const top = await db.referral.groupBy({
    by: ["referrerGid"],
    where: { shopDomain, status: { in: COUNTED } },
    _count: { _all: true },
    _sum: { points: true },
    orderBy: [{ _count: { referrerGid: "desc" } }, { referrerGid: "asc" }],
    take: LEADERBOARD_SIZE,
  });
  const customers = await db.customer.findMany({
    where: { shopDomain, gid: { in: top.map((row) => row.referrerGid) } },
    select: { gid: true, firstName: true, lastName: true },
  });
  return top.map((row) => {
    const customer = customers.find((c) => c.gid === row.referrerGid);
    const name = [customer?.firstName, customer?.lastName].filter(Boolean).join(" ") || null;
    return { customerGid: row.referrerGid, name, referrals: row._count._all, points: row._sum.points ?? 0 };
  });
}

/**
 * What referrals cost to date: the referrers' points less what refunds took back, valued as the
 * program's liability is (the first amount-off reward's value per point; none: not valued), and
 * the discounts on the referred friends' orders (their whole order discount, the friend's code included).
 */
async function rewardCost(shopDomain: string, orderGids: string[]) {
  const [points, discounts, rewards] = await Promise.all([
    db.ledgerEntry.aggregate({ where: { shopDomain, sourceKey: { startsWith: "referral:" } }, _sum: { points: true } }),
    db.order.aggregate({ where: { shopDomain, gid: { in: orderGids } }, _sum: { discountAmount: true } }),
    loadRewards(db, shopDomain),
  ]);
  const reward = rewards.find((r): r is FixedAmountReward => r.kind === "fixed_amount");
  const netPoints = points._sum.points ?? 0;
  return {
    points: netPoints,
    pointsValue: reward ? liability(netPoints, pointValueOf(reward)) : null,
    friendDiscounts: discounts._sum.discountAmount ?? 0n,
  };
}
