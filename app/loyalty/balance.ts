// A member's balance from their ledger entries: available and pending points, debits that never
// go below zero, points released from pending, and expiry in both modes.
//
// Batch expiry is FIFO: credits with the same expiresAt form one batch; walking the entries in the
// order they became available, a debit takes from the batch that expires soonest (the oldest, while
// the expiry months are unchanged), so what a member spends is always what would expire next. Two
// kinds of debit belong to one batch instead: a void (it corrects pending points) and a batch
// expiry; both carry that batch's expiresAt. A batch past its date still pays debits until its
// expiry entry is written, so a late expiry run never expires points the member already spent.
// Credits without expiresAt (earned while points never expired) never expire and are spent last.
import { addMonths } from "./dates";
import { expiresAtFor, ledgerEntry, sourceKeys, type LedgerEntry } from "./ledger";
import type { ExpirySettings, Reward } from "./program";

export interface Debit {
  applied: number;
  /** What the balance could not cover. */
  shortfall: number;
}

/** Takes up to `points` (>= 0) from `balance`, never below zero. */
export function applyDebit(balance: number, points: number): Debit {
  if (!Number.isSafeInteger(points) || points < 0)
    throw new RangeError(`a debit is a whole number of points >= 0, not ${points}`);
  const applied = Math.min(points, Math.max(0, balance));
  return { applied, shortfall: points - applied };
}

export interface Balances {
  /** Sum of the entries available at `now`: what the member can spend. */
  available: number;
  /** Sum of the entries not yet available. */
  pending: number;
}

export function balancesAt(entries: readonly LedgerEntry[], now: Date): Balances {
  const balances = { available: 0, pending: 0 };
  for (const entry of entries) {
    // A debit counts from the moment it is recorded, whatever its date: a writer whose clock reads
    // earlier than a concurrent debit's must still see the points as spent. (A void only corrects
    // pending points, so it follows their date.)
    const spent = entry.points < 0 && entry.type !== "void";
    if (spent || entry.availableAt <= now) balances.available += entry.points;
    else balances.pending += entry.points;
  }
  return balances;
}

/**
 * Entries that became available in (since, now], with their net points: for telling the member,
 * and for granting a first-order bonus once the first order's points are in.
 */
export function releaseDue(entries: readonly LedgerEntry[], since: Date, now: Date): { entries: LedgerEntry[]; points: number } {
  const released = entries.filter((entry) => entry.availableAt > since && entry.availableAt <= now);
  return { entries: released, points: released.reduce((sum, entry) => sum + entry.points, 0) };
}

export interface Batch {
  /** null: never expires. */
  expiresAt: Date | null;
  /** Points of the batch not yet spent, taken back or expired. */
  points: number;
}

/** What is left of each batch at `now` under the FIFO rule, soonest expiry first. */
export function openBatches(entries: readonly LedgerEntry[], now: Date): Batch[] {
  const left = new Map<number, number>(); // expiresAt in ms (Infinity: never) -> points left
  const take = (expiry: number, wanted: number) => {
    const taken = Math.min(wanted, left.get(expiry) ?? 0);
    left.set(expiry, (left.get(expiry) ?? 0) - taken);
    return taken;
  };
  for (const entry of [...entries].filter((e) => e.availableAt <= now).sort(inAvailabilityOrder)) {
    const expiry = entry.expiresAt?.getTime() ?? Infinity;
    if (entry.points > 0) {
      left.set(expiry, (left.get(expiry) ?? 0) + entry.points);
      continue;
    }
    let wanted = -entry.points;
    if (entry.expiresAt !== null) wanted -= take(expiry, wanted);
    for (const batch of [...left.keys()].sort((a, b) => a - b)) {
      if (wanted === 0) break;
      wanted -= take(batch, wanted);
    }
  }
  return [...left]
    .filter(([, points]) => points > 0)
    .sort(([a], [b]) => a - b)
    .map(([expiry, points]) => ({ expiresAt: expiry === Infinity ? null : new Date(expiry), points }));
}

/** By availableAt; at the same instant credits first, then by creation and key, so the walk is deterministic. */
function inAvailabilityOrder(a: LedgerEntry, b: LedgerEntry): number {
  return (
    a.availableAt.getTime() - b.availableAt.getTime() ||
    Number(b.points > 0) - Number(a.points > 0) ||
    a.createdAt.getTime() - b.createdAt.getTime() ||
    (a.sourceKey < b.sourceKey ? -1 : a.sourceKey > b.sourceKey ? 1 : 0)
  );
}

/** Entries that show the member is active: buying (purchase points) or spending (redemptions). */
export function isActivity(entry: LedgerEntry): boolean {
  return (entry.type === "earn" && entry.source === "order") || entry.type === "redeem";
}

/**
 * The expiry entries due for one member at `now` (none when nothing is due; running it again after
 * they are recorded yields none).
 * - inactivity: when the last activity is `months` or more ago, the whole available balance
 *   expires, once per period of inactivity (keyed by member and last activity).
 * - batch: every batch whose expiresAt has passed expires what is left of it (FIFO, above).
 */
export function expiryEntries(
  memberGid: string,
  entries: readonly LedgerEntry[],
  expiry: ExpirySettings,
  now: Date,
): LedgerEntry[] {
  const expire = (sourceKey: string, points: number, expiresAt: Date | null, reason: string) =>
    ledgerEntry({ sourceKey, memberGid, type: "expire", source: "expiry", points: -points, reason, createdAt: now, expiresAt });

  if (expiry.mode === "inactivity") {
    const lastMs = entries.filter(isActivity).reduce((last, entry) => Math.max(last, entry.createdAt.getTime()), -Infinity);
    const lastActivity = new Date(lastMs);
    if (lastMs === -Infinity || addMonths(lastActivity, expiry.months) > now) return [];
    const sourceKey = sourceKeys.inactivityExpiry(memberGid, lastActivity);
    const available = balancesAt(entries, now).available;
    if (available <= 0 || entries.some((entry) => entry.sourceKey === sourceKey)) return [];
    return [expire(sourceKey, available, null, `no activity for ${expiry.months} months`)];
  }

  if (expiry.mode === "batch") {
    return openBatches(entries, now).flatMap(({ expiresAt, points }) => {
      if (expiresAt === null || expiresAt > now) return [];
      const earlier = entries.filter((e) => e.type === "expire" && e.expiresAt?.getTime() === expiresAt.getTime()).length;
      return [expire(sourceKeys.batchExpiry(memberGid, expiresAt, earlier + 1), points, expiresAt, "points expired")];
    });
  }

  return [];
}

/**
 * A merchant's manual change: credits (available at once, dated for batch expiry) or debits (never
 * below zero; the shortfall is recorded). `requestId` identifies the form post, so a double
 * click records one change.
 */
export function manualEntry(input: {
  memberGid: string;
  points: number;
  actor: string;
  reason: string;
  requestId: string;
  availableBalance: number;
  expiry: ExpirySettings;
  now: Date;
}): LedgerEntry {
  const { memberGid, points, actor, reason, now } = input;
  if (!Number.isSafeInteger(points) || points === 0) {
    throw new RangeError(`a manual change is a whole number of points other than 0, not ${points}`);
  }
  if (actor.trim() === "" || reason.trim() === "") throw new RangeError("a manual change needs the actor and a reason");
  const sourceKey = sourceKeys.manual(memberGid, input.requestId);
  const fields = { sourceKey, memberGid, type: "adjust", source: "manual", reason, actor, createdAt: now } as const;
  if (points > 0) return ledgerEntry({ ...fields, points, expiresAt: expiresAtFor(now, input.expiry) });
  const { applied, shortfall } = applyDebit(input.availableBalance, -points);
  return ledgerEntry({ ...fields, points: 0 - applied, shortfall });
}

/** The debit for redeeming `reward`; null when the available balance does not cover its cost (all or nothing). */
export function redemptionEntry(input: {
  memberGid: string;
  reward: Reward;
  redemptionId: string;
  availableBalance: number;
  now: Date;
}): LedgerEntry | null {
  const { memberGid, reward, now } = input;
  if (input.availableBalance < reward.pointsCost) return null;
  return ledgerEntry({
    sourceKey: sourceKeys.redemption(input.redemptionId),
    memberGid,
    type: "redeem",
    source: "reward",
    points: -reward.pointsCost,
    reason: reward.name,
    createdAt: now,
  });
}
