import { describe, expect, it } from "vitest";
import {
  DEFAULT_SETTINGS,
  reviseRule,
  ruleInForce,
  validateEarningRule,
  validateProgramSettings,
  validateReward,
  validateTiers,
  type BonusRule,
  type ProgramSettings,
  type Tier,
} from "./program";
import { at, ONE_PER_TEN_EUR } from "./test-helpers";

const fields = (errors: { field: string }[]) => errors.map((error) => error.field);

describe("validateProgramSettings", () => {
  it("accepts the defaults: 14 pending days, points never expire, no holdout, no tier tag", () => {
    expect(DEFAULT_SETTINGS.pendingDays).toBe(14);
    expect(DEFAULT_SETTINGS.tierTag).toBe(false);
    expect(validateProgramSettings(DEFAULT_SETTINGS)).toEqual([]);
  });

  it("reports every field out of range at once", () => {
    const settings = {
      pendingDays: 366,
      expiry: { mode: "sometimes", months: 0 },
      purchaseBase: DEFAULT_SETTINGS.purchaseBase,
      holdoutPercent: 50.5,
      tierBasis: { metric: "visits", window: "lifetime" },
      tierRetentionMonths: -1,
      tierTag: "yes",
    } as unknown as ProgramSettings;
    expect(validateProgramSettings(settings)).toEqual([
      {
        field: "pendingDays",
        code: "wholeNumberRange",
        params: { min: 0, max: 365 },
        message: "must be a whole number from 0 to 365",
      },
      {
        field: "expiry.mode",
        code: "oneOf",
        params: { allowed: "never, inactivity, batch" },
        message: "must be one of never, inactivity, batch",
      },
      {
        field: "expiry.months",
        code: "wholeNumberRange",
        params: { min: 1, max: 120 },
        message: "must be a whole number from 1 to 120",
      },
      {
        field: "holdoutPercent",
        code: "holdoutPercent",
        params: {},
        message: "must be a percentage from 0 to 50 with at most 2 decimals",
      },
      { field: "tierBasis.metric", code: "oneOf", params: { allowed: "points, spend" }, message: "must be one of points, spend" },
      {
        field: "tierRetentionMonths",
        code: "wholeNumberRange",
        params: { min: 0, max: 60 },
        message: "must be a whole number from 0 to 60",
      },
      { field: "tierTag", code: "notBoolean", params: {}, message: "must be true or false" },
    ]);
  });

  it("takes whole numbers only for days and months, and a holdout to the hundredth", () => {
    const with_ = (changes: Partial<ProgramSettings>) => fields(validateProgramSettings({ ...DEFAULT_SETTINGS, ...changes }));
    expect(with_({ pendingDays: 1.5 })).toEqual(["pendingDays"]);
    expect(with_({ expiry: { mode: "batch", months: 121 } })).toEqual(["expiry.months"]);
    expect(with_({ holdoutPercent: 2.55 })).toEqual([]);
    expect(with_({ holdoutPercent: 2.555 })).toEqual(["holdoutPercent"]);
    expect(with_({ holdoutPercent: Number.NaN })).toEqual(["holdoutPercent"]);
    expect(with_({ pendingDays: 0, holdoutPercent: 50, tierRetentionMonths: 0 })).toEqual([]);
  });
});

describe("earning rules", () => {
  const signup: BonusRule = {
    id: "signup",
    version: 1,
    kind: "signup",
    points: 100,
    effectiveFrom: at("2024-01-01T00:00:00Z"),
    retiredAt: null,
  };

  it("validates points, the purchase amount and a custom rule's name", () => {
    expect(validateEarningRule(ONE_PER_TEN_EUR)).toEqual([]);
    expect(validateEarningRule(signup)).toEqual([]);
    expect(fields(validateEarningRule({ ...ONE_PER_TEN_EUR, points: 0, perAmount: 0n }))).toEqual(["points", "perAmount"]);
    expect(fields(validateEarningRule({ ...signup, kind: "custom" }))).toEqual(["name"]);
    expect(fields(validateEarningRule({ ...signup, kind: "custom", name: "Follow us", points: 2.5 }))).toEqual(["points"]);
    expect(fields(validateEarningRule({ ...signup, retiredAt: at("2023-12-31T00:00:00Z") }))).toEqual(["retiredAt"]);
  });

  it("revises a rule into a retired version and the next one", () => {
    const change = at("2024-06-01T00:00:00Z");
    const { retired, next } = reviseRule(ONE_PER_TEN_EUR, { points: 2 }, change);
    expect(retired).toEqual({ ...ONE_PER_TEN_EUR, retiredAt: change });
    expect(next).toEqual({ ...ONE_PER_TEN_EUR, points: 2, version: 2, effectiveFrom: change, retiredAt: null });
    expect(ONE_PER_TEN_EUR.retiredAt).toBeNull(); // the input is left alone
  });

  it("refuses to revise a retired version or to go back in time", () => {
    const { retired } = reviseRule(ONE_PER_TEN_EUR, { points: 2 }, at("2024-06-01T00:00:00Z"));
    expect(() => reviseRule(retired, { points: 3 }, at("2024-07-01T00:00:00Z"))).toThrow(RangeError);
    expect(() => reviseRule(ONE_PER_TEN_EUR, { points: 3 }, at("2023-12-31T00:00:00Z"))).toThrow(RangeError);
  });

  it("finds the version in force at a moment, the change instant belonging to the new one", () => {
    const change = at("2024-06-01T00:00:00Z");
    const { retired, next } = reviseRule(ONE_PER_TEN_EUR, { points: 2 }, change);
    const versions = [retired, next];
    expect(ruleInForce(versions, at("2023-12-31T23:59:59Z"))).toBeNull();
    expect(ruleInForce(versions, at("2024-05-31T23:59:59Z"))).toBe(retired);
    expect(ruleInForce(versions, change)).toBe(next);
  });
});

describe("validateTiers", () => {
  const silver: Tier = { id: "silver", name: "Silver", threshold: 500n, multiplierBasisPoints: 12_500 };
  const gold: Tier = { id: "gold", name: "Gold", threshold: 2000n, multiplierBasisPoints: 15_000 };

  it("accepts distinct tiers with multipliers from x1 to x10", () => {
    expect(validateTiers([gold, silver, { id: "base", name: "Member", threshold: 0n, multiplierBasisPoints: 10_000 }])).toEqual(
      [],
    );
  });

  it("reports duplicates and bad values per tier", () => {
    const errors = validateTiers([
      silver,
      { id: "silver", name: " silver ", threshold: 500n, multiplierBasisPoints: 9_999 },
      { ...gold, threshold: -1n, multiplierBasisPoints: 100_001 },
    ]);
    expect(fields(errors)).toEqual([
      "tiers[1].multiplierBasisPoints",
      "tiers[1].id",
      "tiers[1].name",
      "tiers[1].threshold",
      "tiers[2].threshold",
      "tiers[2].multiplierBasisPoints",
    ]);
  });

  it("refuses a comma in a tier's name, which would split its customer tag", () => {
    expect(validateTiers([{ ...gold, name: "Gold, VIP" }])).toEqual([
      { field: "tiers[0].name", code: "comma", params: {}, message: "must not contain a comma" },
    ]);
  });
});

describe("validateReward", () => {
  it("accepts the three kinds", () => {
    expect(validateReward({ id: "a", name: "5 off", kind: "fixed_amount", value: 500n, pointsCost: 500, validDays: 30 })).toEqual(
      [],
    );
    expect(validateReward({ id: "b", name: "10 %", kind: "percentage", percent: 100, pointsCost: 900, validDays: 365 })).toEqual(
      [],
    );
    expect(
      validateReward({ id: "c", name: "Ship", kind: "free_shipping", pointsCost: 1, validDays: 1, minimumOrder: 1n }),
    ).toEqual([]);
  });

  it("reports a zero cost, zero value, percentages outside 1-100 and a zero minimum", () => {
    expect(fields(validateReward({ id: "a", name: "", kind: "fixed_amount", value: 0n, pointsCost: 0, validDays: 0 }))).toEqual([
      "name",
      "pointsCost",
      "validDays",
      "value",
    ]);
    expect(fields(validateReward({ id: "b", name: "x", kind: "percentage", percent: 0, pointsCost: 9, validDays: 1 }))).toEqual([
      "percent",
    ]);
    expect(fields(validateReward({ id: "b", name: "x", kind: "percentage", percent: 101, pointsCost: 9, validDays: 1 }))).toEqual(
      ["percent"],
    );
    expect(
      fields(validateReward({ id: "c", name: "x", kind: "free_shipping", pointsCost: 9, validDays: 1, minimumOrder: 0n })),
    ).toEqual(["minimumOrder"]);
  });
});
