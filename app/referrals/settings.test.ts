import { describe, expect, it } from "vitest";
import {
  DEFAULT_REFERRAL_SETTINGS,
  referrerRewardFromJson,
  settingsFromJson,
  settingsToJson,
  validateReferralSettings,
  type ReferralSettings,
  type ReferrerReward,
} from "./settings";

describe("referral settings", () => {
  it("keep amounts exact through JSON", () => {
    const settings = {
      ...DEFAULT_REFERRAL_SETTINGS,
      referrerReward: { kind: "discount_code" as const, value: 1500n, validDays: 60 },
      friend: { kind: "fixed_amount" as const, value: 1250n, minimumOrder: 5000n, validDays: 14 },
    };
    expect(settingsFromJson(settingsToJson(settings))).toEqual(settings);
    expect(validateReferralSettings(settings)).toEqual([]);
  });

  it("name every wrong field with the program settings' codes", () => {
    const errors = validateReferralSettings({
      referrerPoints: -1,
      referrerReward: { kind: "discount_code", value: -5n, validDays: 0 },
      friend: { kind: "fixed_amount", value: 0n, validDays: 400 },
      weeklyLimit: 0,
      dailyClaimLimit: 2.5,
      review: "yes" as unknown as boolean,
    });
    expect(errors.map((e) => [e.field, e.code])).toEqual([
      ["referrerPoints", "wholeNumberRange"],
      ["referrerReward.value", "positiveAmount"],
      ["referrerReward.validDays", "wholeNumberRange"],
      ["friend.value", "positiveAmount"],
      ["friend.validDays", "wholeNumberRange"],
      ["weeklyLimit", "wholeNumberRange"],
      ["dailyClaimLimit", "wholeNumberRange"],
      ["review", "notBoolean"],
    ]);
  });

  it("refuse an unknown referrer reward, and read settings saved before it had one as points", () => {
    const unknown = { kind: "gift_card" } as unknown as ReferrerReward;
    const errors = validateReferralSettings({ ...DEFAULT_REFERRAL_SETTINGS, referrerReward: unknown });
    expect(errors.map((e) => [e.field, e.code])).toEqual([["referrerReward.kind", "oneOf"]]);
    const { referrerReward: _, ...older } = DEFAULT_REFERRAL_SETTINGS;
    expect(settingsFromJson(settingsToJson(older as ReferralSettings)).referrerReward).toEqual({ kind: "points" });
    expect(referrerRewardFromJson(JSON.stringify({ kind: "store_credit", value: "2500" }))).toEqual({
      kind: "store_credit",
      value: 2500n,
    });
  });
});
