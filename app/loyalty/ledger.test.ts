import { describe, expect, it } from "vitest";
import { expiresAtFor, ledgerEntry, requestedPoints, sourceKeys } from "./ledger";
import { at } from "./test-helpers";

const MEMBER = "gid://shopify/Customer/7";

describe("sourceKeys", () => {
  it("names each source deterministically", () => {
    expect(sourceKeys.orderEarn("gid://shopify/Order/1")).toBe("order:gid://shopify/Order/1:earn");
    expect(sourceKeys.orderAdjustment("gid://shopify/Order/1", 2)).toBe("order:gid://shopify/Order/1:adjust:2");
    expect(sourceKeys.bonus("signup", "rule-9", MEMBER, null)).toBe(`rule:signup:${MEMBER}`);
    expect(sourceKeys.bonus("birthday", "rule-9", MEMBER, "2024")).toBe(`rule:birthday:${MEMBER}:2024`);
    expect(sourceKeys.bonus("custom", "rule-9", MEMBER, "review-1")).toBe(`rule:custom:rule-9:${MEMBER}:review-1`);
    expect(sourceKeys.manual(MEMBER, "form-1")).toBe(`manual:${MEMBER}:form-1`);
    expect(sourceKeys.redemption("red-1")).toBe("reward:red-1");
    expect(sourceKeys.inactivityExpiry(MEMBER, at("2024-02-01T00:00:00Z"))).toBe(
      `expiry:${MEMBER}:inactive:2024-02-01T00:00:00.000Z`,
    );
    expect(sourceKeys.batchExpiry(MEMBER, at("2025-01-01T00:00:00Z"), 1)).toBe(
      `expiry:${MEMBER}:batch:2025-01-01T00:00:00.000Z:1`,
    );
  });
});

describe("ledgerEntry", () => {
  it("defaults to available at creation, with no rule, rate, actor, order or shortfall", () => {
    const createdAt = at("2024-06-01T00:00:00Z");
    const entry = ledgerEntry({
      sourceKey: "k",
      memberGid: MEMBER,
      type: "deduct",
      source: "refund",
      points: -3,
      reason: "r",
      createdAt,
      shortfall: 2,
    });
    expect(entry).toEqual({
      sourceKey: "k",
      memberGid: MEMBER,
      type: "deduct",
      source: "refund",
      points: -3,
      shortfall: 2,
      reason: "r",
      orderGid: null,
      rule: null,
      rate: null,
      actor: null,
      createdAt,
      availableAt: createdAt,
      expiresAt: null,
    });
    expect(requestedPoints(entry)).toBe(-5);
  });

  it("dates credits for expiry in batch mode only", () => {
    const availableAt = at("2024-01-31T00:00:00Z");
    expect(expiresAtFor(availableAt, { mode: "batch", months: 1 })).toEqual(at("2024-02-29T00:00:00Z"));
    expect(expiresAtFor(availableAt, { mode: "inactivity", months: 1 })).toBeNull();
    expect(expiresAtFor(availableAt, { mode: "never", months: 1 })).toBeNull();
  });
});
