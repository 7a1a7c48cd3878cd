// Earning points: the purchase base of an order, points at a rate, bonus rules, and
// reconcileOrder, which keeps an order's points equal to what its current state earns.
//
// reconcileOrder compares the order's target (its current base at the rate it was first earned
// at; 0 once cancelled) with what its entries already account for, and returns the entries that
// close the gap. Replaying a state returns nothing; the total an order accounts for depends only on
// its latest state, never on the states seen in between. Staleness is the sync's job: it keeps the
// newest state of each order by Shopify's updated_at (docs/decisions/0003-webhook-pipeline.md),
// and reconcileOrder must be given that stored state, not a raw webhook body.
import { applyDebit } from "./balance";
import { addDays } from "./dates";
import {
  expiresAtFor,
  ledgerEntry,
  requestedPoints,
  sourceKeys,
  type EarnedRate,
  type EntrySource,
  type LedgerEntry,
} from "./ledger";
import {
  NO_MULTIPLIER,
  type BonusRule,
  type ExpirySettings,
  type PurchaseBaseSettings,
  type PurchaseRate,
  type PurchaseRule,
} from "./program";
import type { OrderRecord } from "../sync/records";

export type BaseAmounts = Pick<
  OrderRecord,
  "subtotalAmount" | "currentSubtotalAmount" | "discountAmount" | "shippingAmount" | "taxAmount"
>;

/**
 * The amount purchase points are earned on, minor units. The net value is Shopify's current
 * subtotal (after discounts; Shopify lowers it on refunds, returns and edits, see docs/metrics.md),
 * so refunds are not subtracted again. Discounts given back, shipping and tax are the order's
 * original totals; they count in proportion to the share of the original subtotal still kept, so
 * a fully refunded order earns nothing.
 */
export function purchaseBase(order: BaseAmounts, settings: PurchaseBaseSettings): bigint {
  const kept = order.currentSubtotalAmount;
  let extras = 0n;
  if (!settings.discountsReduce) extras += order.discountAmount;
  if (settings.includeShipping) extras += order.shippingAmount;
  if (settings.includeTax) extras += order.taxAmount;
  const keptExtras = order.subtotalAmount > 0n && kept < order.subtotalAmount ? (extras * kept) / order.subtotalAmount : extras;
  const base = kept + keptExtras;
  return base > 0n ? base : 0n;
}

/** floor(base x points / perAmount x multiplier), exact: 1,999 EUR cents at 1 point per 10.00 EUR = 1 point. */
export function purchasePoints(base: bigint, rate: PurchaseRate, multiplierBasisPoints: number = NO_MULTIPLIER): number {
  if (base <= 0n) return 0;
  const points = (base * BigInt(rate.points) * BigInt(multiplierBasisPoints)) / (rate.perAmount * BigInt(NO_MULTIPLIER));
  if (points > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`points out of range: ${points}`);
  return Number(points);
}

/** What reconcileOrder needs of an order. */
export interface OrderState {
  gid: string;
  customerGid: string;
  processedAt: Date;
  cancelled: boolean;
  /** Any refund recorded: a reduction is then put down to the refund. */
  refunded: boolean;
  base: bigint;
}

/** The state of a synced order, or null when it earns nothing: a test order, a guest's, or a stub without processed_at. */
export function orderState(order: OrderRecord, settings: PurchaseBaseSettings): OrderState | null {
  if (order.test || !order.customer || !order.processedAt) return null;
  return {
    gid: order.gid,
    customerGid: order.customer.gid,
    processedAt: order.processedAt,
    cancelled: order.cancelledAt !== null,
    refunded: order.refunds.length > 0,
    base: purchaseBase(order, settings),
  };
}

export interface ReconcileInput {
  order: OrderState;
  /** Every ledger entry already recorded for this order. */
  recorded: readonly LedgerEntry[];
  /** The purchase rule version in force when the order was processed (ruleInForce); used only to earn the first time. */
  rule: PurchaseRule | null;
  /** The member's tier multiplier, used only to earn the first time. */
  multiplierBasisPoints: number;
  settings: { pendingDays: number; expiry: ExpirySettings };
  /** The member's available balance now (after entries written earlier in the same transaction), so a deduction stops at zero. */
  availableBalance: number;
  now: Date;
}

/**
 * The new entries that bring the order's points to its target:
 * - first sight: one earn entry, pending until processedAt + pendingDays;
 * - a lower target (refund, edit, cancellation): still-pending points of the order are voided
 *   first (the void is pending with them, so it can never take the balance below zero), the rest
 *   is deducted from the available balance, stopping at zero with the shortfall recorded. A
 *   deduction's shortfall counts as taken for the order, so it is not asked for again;
 * - a higher target (an edit up): an earn entry, pending with the order's pending points if any,
 *   else for pendingDays from now.
 * Keys: `order:<gid>:earn`, then `order:<gid>:adjust:<n>` numbered on: two writers reconciling
 * from the same ledger produce the same key, and the database keeps one.
 */
export function reconcileOrder(input: ReconcileInput): LedgerEntry[] {
  const { order, recorded, now } = input;
  const earn = recorded.find((entry) => entry.sourceKey === sourceKeys.orderEarn(order.gid));
  if (!earn) return firstEarn(input);
  if (!earn.rate) throw new Error(`${earn.sourceKey} has no rate`);

  const target = order.cancelled ? 0 : purchasePoints(order.base, earn.rate, earn.rate.multiplierBasisPoints);
  const accounted = recorded.reduce((sum, entry) => sum + requestedPoints(entry), 0);
  if (target === accounted) return [];

  let adjustments = recorded.filter((entry) => entry.sourceKey.startsWith(`order:${order.gid}:adjust:`)).length;
  type CorrectionFields = Pick<LedgerEntry, "type" | "source" | "points" | "reason" | "availableAt" | "expiresAt"> & {
    shortfall?: number;
  };
  const correction = (fields: CorrectionFields) =>
    ledgerEntry({
      sourceKey: sourceKeys.orderAdjustment(order.gid, ++adjustments),
      memberGid: order.customerGid,
      orderGid: order.gid,
      rule: earn.rule,
      rate: earn.rate,
      createdAt: now,
      ...fields,
    });
  if (target > accounted) {
    const joining = pendingGroups(recorded, now)[0];
    const availableAt = joining?.availableAt ?? addDays(now, input.settings.pendingDays);
    const expiresAt = joining ? joining.expiresAt : expiresAtFor(availableAt, input.settings.expiry);
    return [
      correction({ type: "earn", source: "order", points: target - accounted, reason: "order edited", availableAt, expiresAt }),
    ];
  }

  const { source, reason } = reductionCause(order);
  return takeBack(recorded, accounted - target, input.availableBalance, now, (fields) =>
    correction({ ...fields, source, reason }),
  );
}

export type TakeBackFields = Pick<LedgerEntry, "type" | "points" | "availableAt" | "expiresAt"> & { shortfall?: number };

/**
 * Takes `wanted` points back from the credits `recorded` (one order's, or one referral's): the
 * still-pending ones are voided first, freshest first (a void is pending with what it corrects, so
 * it can never take the balance below zero), the rest is deducted from the available balance,
 * stopping at zero with the shortfall recorded. `correction` keys and words each entry.
 */
export function takeBack(
  recorded: readonly LedgerEntry[],
  wanted: number,
  availableBalance: number,
  now: Date,
  correction: (fields: TakeBackFields) => LedgerEntry,
): LedgerEntry[] {
  const entries: LedgerEntry[] = [];
  for (const group of pendingGroups(recorded, now)) {
    const voided = Math.min(wanted, group.points);
    if (voided <= 0) continue;
    entries.push(correction({ type: "void", points: -voided, availableAt: group.availableAt, expiresAt: group.expiresAt }));
    wanted -= voided;
  }
  if (wanted > 0) {
    const { applied, shortfall } = applyDebit(availableBalance, wanted);
    entries.push(correction({ type: "deduct", points: 0 - applied, shortfall, availableAt: now, expiresAt: null }));
  }
  return entries;
}

function firstEarn({ order, rule, multiplierBasisPoints, settings }: ReconcileInput): LedgerEntry[] {
  if (order.cancelled || !rule) return [];
  const rate: EarnedRate = { points: rule.points, perAmount: rule.perAmount, multiplierBasisPoints };
  const points = purchasePoints(order.base, rate, multiplierBasisPoints);
  if (points === 0) return [];
  const availableAt = addDays(order.processedAt, settings.pendingDays);
  return [
    ledgerEntry({
      sourceKey: sourceKeys.orderEarn(order.gid),
      memberGid: order.customerGid,
      type: "earn",
      source: "order",
      points,
      reason: "purchase",
      orderGid: order.gid,
      rule: { id: rule.id, version: rule.version },
      rate,
      createdAt: order.processedAt,
      availableAt,
      expiresAt: expiresAtFor(availableAt, settings.expiry),
    }),
  ];
}

interface PendingGroup {
  availableAt: Date;
  expiresAt: Date | null;
  points: number;
}

/** The order's entries not yet available, netted per availableAt, latest first (the freshest credit is corrected first). */
function pendingGroups(recorded: readonly LedgerEntry[], now: Date): PendingGroup[] {
  const groups = new Map<number, PendingGroup>();
  for (const entry of recorded) {
    if (entry.availableAt <= now) continue;
    const group = groups.get(entry.availableAt.getTime()) ?? {
      availableAt: entry.availableAt,
      expiresAt: entry.expiresAt,
      points: 0,
    };
    group.points += entry.points;
    groups.set(entry.availableAt.getTime(), group);
  }
  return [...groups.values()].sort((a, b) => b.availableAt.getTime() - a.availableAt.getTime());
}

function reductionCause(order: OrderState): { source: EntrySource; reason: string } {
  if (order.cancelled) return { source: "order", reason: "order cancelled" };
  if (order.refunded) return { source: "refund", reason: "order refunded" };
  return { source: "order", reason: "order edited" };
}

/**
 * A bonus rule's entry, available at once. Occurrence: the year for a birthday (in the shop's
 * timezone), the caller's id of the action for a custom rule, ignored for the once-per-member kinds
 * (signup, newsletter, first order). Grant the first-order bonus when that order's points are
 * released (releaseDue), so an order cancelled while pending never earns it.
 */
export function bonusEntry(input: {
  rule: BonusRule;
  memberGid: string;
  occurrence?: string;
  expiry: ExpirySettings;
  now: Date;
}): LedgerEntry {
  const { rule, memberGid, now } = input;
  const occurrence = rule.kind === "birthday" || rule.kind === "custom" ? (input.occurrence ?? "") : null;
  if (occurrence === "") throw new RangeError(`a ${rule.kind} bonus needs its occurrence`);
  return ledgerEntry({
    sourceKey: sourceKeys.bonus(rule.kind, rule.id, memberGid, occurrence),
    memberGid,
    type: "earn",
    source: "rule",
    points: rule.points,
    reason: rule.kind === "custom" ? (rule.name ?? "custom") : rule.kind.replace("_", " "),
    rule: { id: rule.id, version: rule.version },
    createdAt: now,
    expiresAt: expiresAtFor(now, input.expiry),
  });
}
