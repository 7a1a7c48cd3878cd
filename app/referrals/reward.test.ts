import { describe, expect, it } from "vitest";
import { reconcileReward, rewardEntry, rewardTarget } from "./reward";

const DAY_MS = 86_400_000;
const now = new Date("2026-12-10T12:00:00Z");
const input = {
  referralId: 7,
  referrerGid: "gid://shopify/Customer/1",
  points: 500,
  processedAt: new Date(now.getTime() - 2 * DAY_MS),
  pendingDays: 14,
  expiry: { mode: "never" as const, months: 12 },
  now,
};

describe("the referrer's reward", () => {
  it("pends until the friend's order's points would be available, or is available at once when approved later", () => {
    const pending = rewardEntry(input);
    expect(pending).toMatchObject({ sourceKey: "referral:7:reward", type: "earn", points: 500, orderGid: null });
    expect(pending.availableAt.getTime()).toBe(input.processedAt.getTime() + 14 * DAY_MS);
    expect(rewardEntry({ ...input, processedAt: new Date(now.getTime() - 30 * DAY_MS) }).availableAt).toEqual(now);
  });

  it("is worth what the order keeps, never more than given", () => {
    const order = { cancelled: false, refunded: true, base: 4000n };
    expect(rewardTarget(500, 8000n, order)).toBe(250);
    expect(rewardTarget(500, 8000n, { ...order, base: 9000n })).toBe(500);
    expect(rewardTarget(500, 8000n, { ...order, cancelled: true })).toBe(0);
  });

  it("voids what is pending and deducts what is available, keyed so that a second pass adds nothing", () => {
    const credit = rewardEntry(input);
    const halfRefund = { cancelled: false, refunded: true, base: 4000n };
    const voided = reconcileReward({ ...input, rewardedBase: 8000n, order: halfRefund, recorded: [credit], availableBalance: 0 });
    expect(voided.map((e) => [e.sourceKey, e.type, e.points, e.availableAt])).toEqual([
      ["referral:7:adjust:1", "void", -250, credit.availableAt],
    ]);
    expect(
      reconcileReward({ ...input, rewardedBase: 8000n, order: halfRefund, recorded: [credit, ...voided], availableBalance: 0 }),
    ).toEqual([]);
    const later = new Date(credit.availableAt.getTime() + DAY_MS);
    const deducted = reconcileReward({
      ...input,
      now: later,
      rewardedBase: 8000n,
      order: { ...halfRefund, cancelled: true },
      recorded: [credit, ...voided],
      availableBalance: 100,
    });
    expect(deducted.map((e) => [e.sourceKey, e.type, e.points, e.shortfall, e.reason])).toEqual([
      ["referral:7:adjust:2", "deduct", -100, 150, "referral order cancelled"],
    ]);
  });
});
