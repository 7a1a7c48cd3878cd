// What an order earned a shopper, for the order block of the customer account extension
// (GET /account/api/order): the points its earn entries credited, what a refund, edit or
// cancellation took back, and until when what is left stays pending. Pure: the caller loads the
// member's entries of that order.
import { requestedPoints, type LedgerEntry } from "../loyalty/ledger";

export type OrderPointsStatus = "none" | "pending" | "available" | "reversed";

export interface OrderPoints {
  status: OrderPointsStatus;
  /** Points the order credited (its purchase and any edit up). */
  earned: number;
  /** Points taken back for it, whether still pending (void) or already available (deduct). */
  reversed: number;
  /** The latest date the order's remaining points become available; null when none is pending. */
  pendingUntil: string | null;
}

export function orderPoints(entries: readonly LedgerEntry[], now: Date): OrderPoints {
  const earned = sum(entries.filter((entry) => entry.points > 0));
  // A deduction that hit a zero balance still counts in full: the order asked for it back.
  const reversed = entries.filter((entry) => entry.points < 0).reduce((total, entry) => total - requestedPoints(entry), 0);
  const pendingByDate = new Map<number, number>();
  for (const entry of entries) {
    if (entry.availableAt <= now) continue;
    const at = entry.availableAt.getTime();
    pendingByDate.set(at, (pendingByDate.get(at) ?? 0) + entry.points);
  }
  const pendingDates = [...pendingByDate].filter(([, points]) => points > 0).map(([at]) => at);
  const pendingUntil = pendingDates.length > 0 ? new Date(Math.max(...pendingDates)).toISOString() : null;
  const status: OrderPointsStatus =
    earned === 0 ? "none" : earned - reversed <= 0 ? "reversed" : pendingUntil ? "pending" : "available";
  return { status, earned, reversed, pendingUntil: status === "pending" ? pendingUntil : null };
}

const sum = (entries: readonly LedgerEntry[]) => entries.reduce((total, entry) => total + entry.points, 0);
