import { describe, expect, it } from "vitest";
import { redemptionAnswer, storefrontClientKey, type RedemptionOutcome } from "./answers";

const redemption: RedemptionOutcome = {
  status: "issued",
  code: "CB-ABCDEFGHJK",
  rewardId: "ten",
  points: 60,
  expiresAt: "2026-12-31T00:00:00.000Z",
  creditAmount: null,
};

describe("redemptionAnswer", () => {
  it("gives the code only once Shopify has it", () => {
    expect(redemptionAnswer({ ok: true, redemption })).toEqual({ status: 200, body: { ...redemption } });
    expect(redemptionAnswer({ ok: true, redemption: { ...redemption, status: "pending" } })).toEqual({
      status: 202,
      body: { ...redemption, status: "pending", code: null },
    });
    expect(redemptionAnswer({ ok: true, redemption: { ...redemption, status: "failed" } })).toEqual({
      status: 502,
      body: { ...redemption, status: "failed", code: null, error: "shopify_refused" },
    });
  });

  it("answers a store credit with its amount and no code", () => {
    const credit = { ...redemption, code: "", creditAmount: "500" };
    expect(redemptionAnswer({ ok: true, redemption: credit })).toEqual({ status: 200, body: { ...credit, code: null } });
  });

  it("answers refusals with codes, a newcomer as not having enough points", () => {
    expect(redemptionAnswer({ ok: false, reason: "not_a_member" })).toEqual({
      status: 409,
      body: { error: "not_enough_points" },
    });
    expect(redemptionAnswer({ ok: false, reason: "held_out" })).toEqual({ status: 409, body: { error: "held_out" } });
    expect(redemptionAnswer({ ok: false, reason: "program_not_running" })).toEqual({
      status: 409,
      body: { error: "program_not_running" },
    });
    expect(redemptionAnswer({ ok: false, reason: "unknown_reward" })).toEqual({ status: 404, body: { error: "unknown_reward" } });
  });
});

describe("storefrontClientKey", () => {
  it("scopes the key to the shopper", () => {
    expect(storefrontClientKey("gid://shopify/Customer/1", "k")).not.toBe(storefrontClientKey("gid://shopify/Customer/2", "k"));
  });
});
