import { describe, expect, it } from "vitest";
import { expectedPurchases } from "./bgnbd";
import { churnRisk, LOW_CHURN_RISK_MIN_P_ALIVE, MEDIUM_CHURN_RISK_MIN_P_ALIVE, predictedClv } from "./clv";
import { expectedAverageSpend } from "./gamma-gamma";

const purchases = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const spend = { p: 6.25, q: 3.74, gamma: 15.44 };
const customer = { x: 2, tx: 30.43, T: 38.86, mbar: 22.35 };

describe("predictedClv", () => {
  it("is expected purchases times expected spend when undiscounted", () => {
    const value = predictedClv(purchases, spend, customer, 39);
    expect(value).toBeCloseTo(expectedPurchases(purchases, 39, 2, 30.43, 38.86) * expectedAverageSpend(spend, 2, 22.35), 12);
    expect(value).toBeCloseTo(1.226 * 24.66, 1);
  });

  it("uses the population's average spend for customers without repeat purchases", () => {
    const newcomer = { x: 0, tx: 0, T: 10, mbar: Number.NaN };
    const value = predictedClv(purchases, spend, newcomer, 52);
    expect(value).toBeCloseTo(expectedPurchases(purchases, 52, 0, 0, 10) * ((spend.p * spend.gamma) / (spend.q - 1)), 12);
  });

  it("discounts later purchases", () => {
    const undiscounted = predictedClv(purchases, spend, customer, 52);
    const monthly = (ratePerPeriod: number) => predictedClv(purchases, spend, customer, 52, { ratePerPeriod, periodLength: 30 / 7 });
    expect(monthly(0)).toBeCloseTo(undiscounted, 12);
    expect(monthly(0.01)).toBeLessThan(undiscounted);
    expect(monthly(0.02)).toBeLessThan(monthly(0.01));
    // One period covering the whole horizon: everything discounted once.
    const once = predictedClv(purchases, spend, customer, 52, { ratePerPeriod: 0.1, periodLength: 52 });
    expect(once).toBeCloseTo(undiscounted / 1.1, 12);
    expect(() => predictedClv(purchases, spend, customer, 52, { ratePerPeriod: 0.1, periodLength: 0 })).toThrow(RangeError);
  });
});

describe("churnRisk", () => {
  it("buckets P(alive) at the exported thresholds", () => {
    expect(LOW_CHURN_RISK_MIN_P_ALIVE).toBe(0.7);
    expect(MEDIUM_CHURN_RISK_MIN_P_ALIVE).toBe(0.3);
    expect(churnRisk(1)).toBe("low");
    expect(churnRisk(0.7)).toBe("low");
    expect(churnRisk(0.69)).toBe("medium");
    expect(churnRisk(0.3)).toBe("medium");
    expect(churnRisk(0.29)).toBe("high");
    expect(churnRisk(0)).toBe("high");
  });
});
