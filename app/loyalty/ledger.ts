// The points ledger: append-only entries, one per change to a member's balance. Nothing is ever
// updated: a cancellation, refund or expiry is a new entry. Each entry has a sourceKey that is
// deterministic for the event that caused it and unique per shop, so a webhook retry, an import
// overlapping webhooks or a double click produces the same key and the database refuses the copy.
//
// Availability is a date, not a status: an entry counts toward the available balance from its
// availableAt on and is pending before. A void (a correction of pending points) carries the
// availableAt of the points it corrects, so the two become available together and net out.
import { addMonths } from "./dates";
import type { BonusKind, ExpirySettings, PurchaseRate } from "./program";

export type EntryType =
  /** Points credited: a purchase, an order edited up, a bonus rule. */
  | "earn"
  /** Still-pending points taken back (cancellation, refund or edit before availability). */
  | "void"
  /** Available points taken back (refund, edit or cancellation after availability). */
  | "deduct"
  /** Points spent on a reward. */
  | "redeem"
  | "expire"
  /** A merchant's manual change, either sign. */
  | "adjust";

export type EntrySource = "order" | "refund" | "reward" | "rule" | "manual" | "expiry" | "campaign";

/** The rate purchase points were earned at, kept so that reversals use it rather than today's. */
export interface EarnedRate extends PurchaseRate {
  multiplierBasisPoints: number;
}

export interface LedgerEntry {
  sourceKey: string;
  /** The customer GID. */
  memberGid: string;
  type: EntryType;
  source: EntrySource;
  /** Signed: credits positive, debits negative. */
  points: number;
  /** Points a debit could not take because the balance never goes below zero; 0 otherwise. */
  shortfall: number;
  reason: string;
  orderGid: string | null;
  rule: { id: string; version: number } | null;
  /** Purchase entries only. */
  rate: EarnedRate | null;
  /** Who made a manual change (staff member), null otherwise. */
  actor: string | null;
  /** When the event happened: the order's processedAt for its earn entry, else when the entry was made. */
  createdAt: Date;
  availableAt: Date;
  /** Batch expiry mode only: when what is left of this credit expires. */
  expiresAt: Date | null;
}

type EntryFields = Pick<LedgerEntry, "sourceKey" | "memberGid" | "type" | "source" | "points" | "reason" | "createdAt"> &
  Partial<LedgerEntry>;

/** An entry with the optional fields defaulted: available at creation, no rule, no shortfall. */
export function ledgerEntry(fields: EntryFields): LedgerEntry {
  return {
    shortfall: 0,
    orderGid: null,
    rule: null,
    rate: null,
    actor: null,
    availableAt: fields.createdAt,
    expiresAt: null,
    ...fields,
  };
}

/** The expiry date of a credit that becomes available at `availableAt`: only batch mode dates credits. */
export function expiresAtFor(availableAt: Date, expiry: ExpirySettings): Date | null {
  return expiry.mode === "batch" ? addMonths(availableAt, expiry.months) : null;
}

/** The points a debit asked for: what it took plus what it could not take. */
export function requestedPoints(entry: LedgerEntry): number {
  return entry.points - entry.shortfall;
}

export const sourceKeys = {
  orderEarn: (orderGid: string) => `order:${orderGid}:earn`,
  /** The n-th correction of an order (1, 2, ...): two writers working from the same ledger collide. */
  orderAdjustment: (orderGid: string, n: number) => `order:${orderGid}:adjust:${n}`,
  /**
   * Once per member for signup, newsletter and first order, whatever the rule's version; once per
   * occurrence for a birthday (the year) and for each custom rule (the caller's id of the action).
   */
  bonus: (kind: BonusKind, ruleId: string, memberGid: string, occurrence: string | null) =>
    kind === "custom"
      ? `rule:custom:${ruleId}:${memberGid}:${occurrence}`
      : `rule:${kind}:${memberGid}` + (occurrence === null ? "" : `:${occurrence}`),
  /** The caller's id of the request (a form nonce), so a double click posts one change. */
  manual: (memberGid: string, requestId: string) => `manual:${memberGid}:${requestId}`,
  redemption: (redemptionId: string) => `reward:${redemptionId}`,
  /** Points for answering an order's feedback survey: once per order (app/feedback). */
  feedback: (orderGid: string) => `feedback:${orderGid}`,
  inactivityExpiry: (memberGid: string, lastActivity: Date) => `expiry:${memberGid}:inactive:${lastActivity.toISOString()}`,
  batchExpiry: (memberGid: string, expiresAt: Date, n: number) => `expiry:${memberGid}:batch:${expiresAt.toISOString()}:${n}`,
};
