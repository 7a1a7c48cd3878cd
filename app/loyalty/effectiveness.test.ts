import { describe, expect, it } from "vitest";
import { liability, pointValueOf, redemptionRate, repeatRateLift } from "./effectiveness";
import type { FixedAmountReward } from "./program";

describe("repeatRateLift", () => {
  it("gives the lift with Newcombe's hybrid score interval (Newcombe 1998, table II, example a)", () => {
    // Members 56/70 = 80 %, holdout 48/80 = 60 %: lift 20 points.
    // Wilson 95 % intervals (z = 1.96): 56/70 -> [0.69184, 0.87695], 48/80 -> [0.49045, 0.70038].
    // low  = 0.2 - sqrt((0.8 - 0.69184)^2 + (0.70038 - 0.6)^2) = 0.2 - 0.14756 = 0.05244
    // high = 0.2 + sqrt((0.87695 - 0.8)^2 + (0.6 - 0.49045)^2) = 0.2 + 0.13387 = 0.33387
    const result = repeatRateLift({ customers: 70, repeaters: 56 }, { customers: 80, repeaters: 48 })!;
    expect(result.members).toBeCloseTo(80, 10);
    expect(result.holdout).toBeCloseTo(60, 10);
    expect(result.lift).toBeCloseTo(20, 10);
    expect(result.ci95[0]).toBeCloseTo(5.24, 2);
    expect(result.ci95[1]).toBeCloseTo(33.39, 2);
    expect(result.enough).toBe(true);
  });

  it("matches Newcombe's other published examples, including a zero rate", () => {
    const b = repeatRateLift({ customers: 10, repeaters: 9 }, { customers: 10, repeaters: 3 })!;
    expect(b.ci95.map((x) => Number(x.toFixed(2)))).toEqual([17.05, 80.9]);
    const d = repeatRateLift({ customers: 56, repeaters: 5 }, { customers: 29, repeaters: 0 })!;
    expect(d.ci95.map((x) => Number(x.toFixed(2)))).toEqual([-3.81, 19.26]);
  });

  it("stays within -100 to 100 points at the extremes, where Wald would collapse to a point", () => {
    const all = repeatRateLift({ customers: 10, repeaters: 10 }, { customers: 20, repeaters: 0 })!;
    expect(all.lift).toBe(100);
    expect(all.ci95[0]).toBeCloseTo(67.91, 2);
    expect(all.ci95[1]).toBeCloseTo(100, 10);
  });

  it("is not enough with fewer than 5 repeaters or 5 non-repeaters in a group", () => {
    expect(repeatRateLift({ customers: 1000, repeaters: 300 }, { customers: 40, repeaters: 4 })!.enough).toBe(false);
    expect(repeatRateLift({ customers: 1000, repeaters: 300 }, { customers: 40, repeaters: 36 })!.enough).toBe(false);
    expect(repeatRateLift({ customers: 1000, repeaters: 300 }, { customers: 40, repeaters: 5 })!.enough).toBe(true);
  });

  it("is null when a group is empty and rejects impossible counts", () => {
    expect(repeatRateLift({ customers: 100, repeaters: 30 }, { customers: 0, repeaters: 0 })).toBeNull();
    expect(() => repeatRateLift({ customers: 10, repeaters: 11 }, { customers: 10, repeaters: 1 })).toThrow(RangeError);
    expect(() => repeatRateLift({ customers: 10, repeaters: -1 }, { customers: 10, repeaters: 1 })).toThrow(RangeError);
  });
});

describe("redemptionRate", () => {
  it("is points redeemed over points issued, in %", () => {
    expect(redemptionRate(250, 1000)).toBe(25);
    expect(redemptionRate(0, 1000)).toBe(0);
    expect(redemptionRate(0, 0)).toBeNull();
  });
});

describe("liability", () => {
  const fiveOff: FixedAmountReward = {
    id: "r",
    name: "5.00 EUR off",
    kind: "fixed_amount",
    value: 500n,
    pointsCost: 500,
    validDays: 30,
  };

  it("values outstanding points at the value a reward gives them", () => {
    expect(pointValueOf(fiveOff)).toEqual({ value: 500n, points: 500 });
    expect(liability(12_345, pointValueOf(fiveOff))).toBe(12_345n); // 123.45 EUR
  });

  it("rounds a fraction of a minor unit half up", () => {
    // 1 cent per 2 points: 3 points are 1.5 cents -> 2; 5 points 2.5 -> 3; 4 points 2.
    expect(liability(3, { value: 1n, points: 2 })).toBe(2n);
    expect(liability(5, { value: 1n, points: 2 })).toBe(3n);
    expect(liability(4, { value: 1n, points: 2 })).toBe(2n);
    // 1,000 JPY for 300 points: 1,000 points are 3,333.33 yen -> 3,333.
    expect(liability(1000, { value: 1000n, points: 300 })).toBe(3333n);
  });

  it("is zero with nothing outstanding", () => {
    expect(liability(0, pointValueOf(fiveOff))).toBe(0n);
  });
});
