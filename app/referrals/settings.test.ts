import { describe, expect, it } from "vitest";
import { DEFAULT_REFERRAL_SETTINGS, settingsFromJson, settingsToJson, validateReferralSettings } from "./settings";

describe("referral settings", () => {
  it("keep amounts exact through JSON", () => {
    const settings = {
      ...DEFAULT_REFERRAL_SETTINGS,
      friend: { kind: "fixed_amount" as const, value: 1250n, minimumOrder: 5000n, validDays: 14 },
    };
    expect(settingsFromJson(settingsToJson(settings))).toEqual(settings);
    expect(validateReferralSettings(settings)).toEqual([]);
  });

  it("name every wrong field with the program settings' codes", () => {
    const errors = validateReferralSettings({
      referrerPoints: -1,
      friend: { kind: "fixed_amount", value: 0n, validDays: 400 },
      weeklyLimit: 0,
      dailyClaimLimit: 2.5,
      review: "yes" as unknown as boolean,
    });
    expect(errors.map((e) => [e.field, e.code])).toEqual([
      ["referrerPoints", "wholeNumberRange"],
      ["friend.value", "positiveAmount"],
      ["friend.validDays", "wholeNumberRange"],
      ["weeklyLimit", "wholeNumberRange"],
      ["dailyClaimLimit", "wholeNumberRange"],
      ["review", "notBoolean"],
    ]);
  });
});
