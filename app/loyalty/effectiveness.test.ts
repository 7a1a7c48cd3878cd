import { describe, expect, it } from "vitest";
import { liability, pointValueOf, redemptionRate, repeatRateLift } from "./effectiveness";
import type { FixedAmountReward } from "./program";

/** A group whose customers each spent `spend` minor units. */
const group = (customers: number, repeaters: number, spend = 4_000n) => ({
  customers,
  repeaters,
  revenue: { count: customers, sum: BigInt(customers) * spend, sumOfSquares: BigInt(customers) * spend * spend },
});

describe("repeatRateLift", () => {
  it("compares members with the holdout by the campaigns' always-valid interval", () => {
    // Members 900 / 3,000 = 30 %, holdout 80 / 400 = 20 %: lift 10 points. Variances from (x+1)/(n+2):
    // 901/3002 x 2101/3002 / 3000 + 81/402 x 321/402 / 400, SE = 0.0217313; x 3.049810 at n = 3,400 -> ± 6.63 points.
    const result = repeatRateLift(group(3000, 900), group(400, 80))!;
    expect(result.arm.rate).toBeCloseTo(30, 10);
    expect(result.control.rate).toBeCloseTo(20, 10);
    expect(result.difference).toBeCloseTo(10, 10);
    expect(result.differenceInterval[0]).toBeCloseTo(3.3724, 3);
    expect(result.differenceInterval[1]).toBeCloseTo(16.6276, 3);
    expect(result.incrementalConversions).toBe(300);
    expect(result.verdict).toEqual({ kind: "better" });
    expect(result.revenuePerCustomerDifference).toBe(0n);
  });

  it("is wider than Newcombe's one-off interval and has too little data below 100 customers a group", () => {
    // Newcombe 1998, example a (56/70 against 48/80) gave [5.24, 33.39] for a single look; looked at any
    // time, SE = 0.0732269 x 5.680433 at n = 150: [-21.60, 61.60].
    const result = repeatRateLift(group(70, 56), group(80, 48))!;
    expect(result.differenceInterval[0]).toBeCloseTo(-21.596, 2);
    expect(result.differenceInterval[1]).toBeCloseTo(61.596, 2);
    expect(result.verdict.kind).toBe("too-little-data");
  });

  it("is not conclusive with an interval that spans 0, and says how many more customers it takes", () => {
    const result = repeatRateLift(group(1000, 300), group(100, 25))!;
    expect(result.differenceInterval[0]).toBeCloseTo(-10.241, 2);
    expect(result.differenceInterval[1]).toBeCloseTo(20.241, 2);
    expect(result.verdict).toMatchObject({ kind: "not-conclusive" });
  });

  it("is null until each group has two customers, and rejects impossible counts", () => {
    expect(repeatRateLift(group(100, 30), group(0, 0))).toBeNull();
    expect(repeatRateLift(group(1, 1), group(100, 30))).toBeNull();
    expect(() => repeatRateLift(group(10, 11), group(10, 1))).toThrow(RangeError);
    expect(() => repeatRateLift(group(10, -1), group(10, 1))).toThrow(RangeError);
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
