import { describe, expect, it } from "vitest";
import { ledgerEntry, type LedgerEntry } from "../loyalty/ledger";
import { orderPoints } from "./order-points";

const ORDER = "gid://shopify/Order/1";
const NOW = new Date("2026-12-07T12:00:00Z");
const DAY_MS = 86_400_000;
const at = (days: number) => new Date(NOW.getTime() + days * DAY_MS);

let sequence = 0;
const entry = (type: LedgerEntry["type"], points: number, availableInDays: number, shortfall = 0) =>
  ledgerEntry({
    sourceKey: `order:${ORDER}:${++sequence}`,
    memberGid: "gid://shopify/Customer/7",
    type,
    source: type === "earn" ? "order" : "refund",
    points,
    shortfall,
    reason: type,
    orderGid: ORDER,
    createdAt: at(-20),
    availableAt: at(availableInDays),
  });

describe("an order's points for the order block", () => {
  it("says nothing was earned for an order without entries", () => {
    expect(orderPoints([], NOW)).toEqual({ status: "none", earned: 0, reversed: 0, pendingUntil: null });
  });

  it("is pending until the earn entry becomes available, then available", () => {
    expect(orderPoints([entry("earn", 120, 3)], NOW)).toEqual({
      status: "pending",
      earned: 120,
      reversed: 0,
      pendingUntil: at(3).toISOString(),
    });
    expect(orderPoints([entry("earn", 120, -1)], NOW)).toMatchObject({ status: "available", pendingUntil: null });
  });

  it("keeps what a partial refund left, pending with the order", () => {
    const entries = [entry("earn", 120, 3), entry("void", -20, 3)];
    expect(orderPoints(entries, NOW)).toEqual({
      status: "pending",
      earned: 120,
      reversed: 20,
      pendingUntil: at(3).toISOString(),
    });
  });

  it("is reversed when a refund took back everything, pending or already available", () => {
    expect(orderPoints([entry("earn", 120, 3), entry("void", -120, 3)], NOW)).toEqual({
      status: "reversed",
      earned: 120,
      reversed: 120,
      pendingUntil: null,
    });
    // The balance had only 30 left: the shortfall still counts as taken back for the order.
    expect(orderPoints([entry("earn", 120, -5), entry("deduct", -30, -1, 90)], NOW)).toMatchObject({
      status: "reversed",
      reversed: 120,
    });
  });
});
