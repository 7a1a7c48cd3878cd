// What a harmful save (harm.ts) takes away from shoppers, counted in the shop's data, for the
// admin's question before it saves.
import db from "../platform/db/client.server";
import { calendarFor, formatLocalDate } from "../metrics/calendar";
import type { Harm, HarmImpact } from "./harm";
import { tierMoves } from "./harm";
import type { ProgramSettings, Tier } from "./program";
import { customerOrders, memberEntries } from "./store.server";
import { earnedPointItems, qualifyingValue, spendItem, type QualifyingItem } from "./tiers";

export async function harmImpact(
  shopDomain: string,
  harms: readonly Harm[],
  next: { settings: ProgramSettings; tiers: readonly Tier[] },
  now: Date,
): Promise<HarmImpact[]> {
  const { timezone } = await db.shop.findUniqueOrThrow({ where: { domain: shopDomain }, select: { timezone: true } });
  const calendar = calendarFor(timezone);
  /** Reward codes issued (for one reward, or any) whose validity has not ended. */
  const validCodes = async (rewardId?: string) => {
    const codes = await db.redemption.aggregate({
      where: { shopDomain, status: "issued", expiresAt: { gt: now }, ...(rewardId !== undefined && { rewardId }) },
      _count: { _all: true },
      _max: { expiresAt: true },
    });
    const last = codes._max.expiresAt;
    return { validCodes: codes._count._all, lastCodeEndsOn: last ? formatLocalDate(calendar.dayOf(last.getTime())) : null };
  };
  return Promise.all(
    harms.map(async (harm): Promise<HarmImpact> => {
      if (harm.kind === "programOff") {
        return {
          kind: harm.kind,
          key: harm.key,
          ...(await pointsHeld(shopDomain, now)),
          ...(await validCodes()),
          expiryMode: next.settings.expiry.mode,
        };
      }
      if (harm.kind === "rewardRemoved")
        return { kind: harm.kind, key: harm.key, name: harm.name, ...(await validCodes(harm.id)) };
      const members = await tierMembers(shopDomain, harm.id, next.settings, timezone, now);
      return {
        kind: harm.kind,
        key: harm.key,
        name: harm.name,
        members: members.length,
        moves: tierMoves(members, next.tiers, now, next.settings.tierRetentionMonths),
      };
    }),
  );
}

/** Members with points available now, the sum of those points, and the points still pending. */
async function pointsHeld(shopDomain: string, now: Date) {
  const balances = await db.ledgerEntry.groupBy({
    by: ["memberGid"],
    where: { shopDomain, availableAt: { lte: now } },
    _sum: { points: true },
  });
  const held = balances.map((row) => row._sum.points ?? 0).filter((points) => points > 0);
  const pending = await db.ledgerEntry.aggregate({ where: { shopDomain, availableAt: { gt: now } }, _sum: { points: true } });
  return {
    members: held.length,
    points: held.reduce((sum, points) => sum + points, 0),
    pendingPoints: Math.max(0, pending._sum.points ?? 0),
  };
}

/** The tier's members with the value they qualify with now, as the worker's review reckons it. */
async function tierMembers(shopDomain: string, tierId: string, settings: ProgramSettings, timezone: string, now: Date) {
  const members = await db.loyaltyMember.findMany({
    where: { shopDomain, tierId, heldOut: false },
    select: { customerGid: true, tierSince: true },
  });
  const { metric, window } = settings.tierBasis;
  const result = [];
  for (const member of members) {
    const items: QualifyingItem[] =
      metric === "points"
        ? earnedPointItems(await memberEntries(db, shopDomain, member.customerGid))
        : (await customerOrders(db, shopDomain, member.customerGid))
            .map(spendItem)
            .filter((item): item is QualifyingItem => item !== null);
    result.push({ tierId, since: member.tierSince, value: qualifyingValue(items, window, now, timezone) });
  }
  return result;
}
