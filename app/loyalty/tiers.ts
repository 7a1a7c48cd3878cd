// Tiers: the value a member qualifies with over the program's window, and promotions and
// demotions. A promotion happens as soon as the value reaches a higher threshold; a demotion only
// once the member has held the tier for the retention months and the value is below its threshold,
// and then straight to the tier the value qualifies for.
import { calendarFor, sameDayYearBefore, type LocalDay } from "../metrics/calendar";
import { addMonths } from "./dates";
import type { LedgerEntry } from "./ledger";
import type { Tier, TierWindow } from "./program";
import type { OrderRecord } from "../sync/records";

const DAY_MS = 86_400_000;

/** One amount toward a tier: points (as bigint) or minor units of net spend, and when it counted. */
export interface QualifyingItem {
  at: Date;
  value: bigint;
}

/**
 * Points earned, for the points metric: purchase and bonus points less what refunds, edits and
 * cancellations took back, but not less what was spent or expired. Each counts when it becomes
 * available, so points voided while pending never count at all.
 */
export function earnedPointItems(entries: readonly LedgerEntry[]): QualifyingItem[] {
  return entries
    .filter((entry) => entry.source === "order" || entry.source === "refund" || entry.source === "rule")
    .map((entry) => ({ at: entry.availableAt, value: BigInt(entry.points) }));
}

/**
 * Net spend, for the spend metric: an order's current subtotal on its processed date, as the
 * metrics count it (docs/metrics.md); null for orders that do not count.
 */
export function spendItem(order: OrderRecord): QualifyingItem | null {
  if (order.test || order.cancelledAt || !order.processedAt) return null;
  return { at: order.processedAt, value: order.currentSubtotalAmount };
}

/**
 * The sum of the items in the window ending at `now` (never below 0):
 * - lifetime: everything up to now;
 * - calendar_year: from 1 January of now's year, on the shop's calendar (`zone`);
 * - rolling_12_months: the local days after the same date a year earlier, through today.
 */
export function qualifyingValue(items: readonly QualifyingItem[], window: TierWindow, now: Date, zone: string): bigint {
  const calendar = calendarFor(zone);
  const today = calendar.dayOf(now.getTime());
  const firstDay =
    window === "lifetime" ? -Infinity : window === "calendar_year" ? firstDayOfYear(today) : sameDayYearBefore(today) + 1;
  let sum = 0n;
  for (const item of items) {
    if (item.at <= now && calendar.dayOf(item.at.getTime()) >= firstDay) sum += item.value;
  }
  return sum > 0n ? sum : 0n;
}

export interface TierStanding {
  /** null: no tier. */
  tierId: string | null;
  /** When the member entered it. */
  since: Date;
}

export interface TierChange {
  from: string | null;
  to: string | null;
  kind: "promotion" | "demotion";
  at: Date;
}

/**
 * The member's tier for `value` at `now`. `current` null means never placed. A member whose tier
 * no longer exists is placed afresh, with no retention.
 */
export function evaluateTier(
  current: TierStanding | null,
  tiers: readonly Tier[],
  value: bigint,
  now: Date,
  retentionMonths: number,
): { tier: Tier | null; since: Date; change: TierChange | null } {
  const ranked = [...tiers].sort((a, b) => (a.threshold < b.threshold ? -1 : a.threshold > b.threshold ? 1 : 0));
  const qualified = ranked.findLastIndex((tier) => tier.threshold <= value);
  const held = current?.tierId ? ranked.findIndex((tier) => tier.id === current.tierId) : -1;
  const tierAt = (rank: number) => (rank < 0 ? null : ranked[rank]);
  const removed = held < 0 && current?.tierId != null;
  const since = current?.since ?? now;

  if (qualified === held && !removed) return { tier: tierAt(held), since, change: null };
  if (qualified < held && addMonths(since, retentionMonths) > now) return { tier: tierAt(held), since, change: null };
  const to = tierAt(qualified);
  const kind = qualified > held ? "promotion" : "demotion";
  return { tier: to, since: now, change: { from: current?.tierId ?? null, to: to?.id ?? null, kind, at: now } };
}

/** The local day 1 January of `day`'s year falls on (local days count whole days of the shop's wall calendar). */
function firstDayOfYear(day: LocalDay): LocalDay {
  return Date.UTC(new Date(day * DAY_MS).getUTCFullYear(), 0, 1) / DAY_MS;
}
