import { describe, expect, it } from "vitest";
import { i18nFor } from "../i18n/i18n";
import {
  compareArms,
  customersToDetect,
  MINIMUMS,
  rateInterval,
  RHO2,
  sequenceMultiplier,
  verdictText,
  type ArmOutcome,
  type Comparison,
} from "./lift";

/** An arm whose customers who ordered all spent `spend` minor units. */
const arm = (reached: number, converted: number, spend = 5_000n, cost?: bigint): ArmOutcome => ({
  reached,
  converted,
  revenue: { count: converted, sum: BigInt(converted) * spend, sumOfSquares: BigInt(converted) * spend * spend },
  cost,
});

describe("the confidence sequence", () => {
  it("is tuned to be narrowest at 5,000 customers: ρ² = (2 ln 20 + ln(1 + 2 ln 20)) / 5000", () => {
    // 2 ln 20 = 5.991465, ln(6.991465) = 1.944692: 7.936157 / 5000.
    expect(RHO2).toBeCloseTo(7.936157 / 5000, 9);
  });

  it("multiplies the standard error by sqrt(2(nρ²+1)/(nρ²) ln(sqrt(nρ²+1)/0.05)), not 1.96", () => {
    // n = 5000: nρ² = 7.936157; 2 x 8.936157 / 7.936157 = 2.252003; ln(2.989341 / 0.05) = 4.090779; sqrt(9.212449) = 3.035201.
    expect(sequenceMultiplier(5000)).toBeCloseTo(3.035209, 5);
    // n = 2000: nρ² = 3.174463; 2 x 4.174463 / 3.174463 = 2.630039; ln(2.043151 / 0.05) = 3.710188; sqrt(9.757939) = 3.123770.
    expect(sequenceMultiplier(2000)).toBeCloseTo(3.123779, 5);
    // Wider earlier and slowly wider later than n*, the price of looking at any time.
    expect(sequenceMultiplier(500)).toBeCloseTo(3.855055, 5);
    expect(sequenceMultiplier(50_000)).toBeCloseTo(3.241723, 5);
    expect(() => sequenceMultiplier(0)).toThrow(RangeError);
  });

  it("gives each rate a Wilson-type interval that is not a point at 0 %", () => {
    const none = rateInterval(0, 100);
    expect(none[0]).toBe(0);
    expect(none[1]).toBeCloseTo(0.309463, 5);
    const some = rateInterval(120, 1000);
    expect(some[0]).toBeCloseTo(0.089616, 5);
    expect(some[1]).toBeCloseTo(0.158888, 5);
  });
});

describe("compareArms", () => {
  it("gives the conversion difference with the always-valid interval, wider than the fixed-n Wald interval", () => {
    // 120 of 1,000 against 90 of 1,000: +3.0 pp. Wald at a fixed n: SE = sqrt(.12 x .88 / 1000 + .09 x .91 / 1000)
    // = 0.0136931, 3.0 ± 1.96 SE = [0.32, 5.68] pp, which would call it. Always valid: SE from (x+1)/(n+2),
    // sqrt(121/1002 x 881/1002 / 1000 + 91/1002 x 911/1002 / 1000) = 0.0137385, times 3.123779 at n = 2000
    // = 0.0429160: [-1.29, 7.29] pp. Not conclusive yet.
    const result = compareArms(arm(1000, 120), arm(1000, 90));
    expect(result.arm.rate).toBeCloseTo(12, 10);
    expect(result.control.rate).toBeCloseTo(9, 10);
    expect(result.difference).toBeCloseTo(3, 10);
    expect(result.differenceInterval[0]).toBeCloseTo(-1.2916, 4);
    expect(result.differenceInterval[1]).toBeCloseTo(7.2916, 4);
    expect(result.incrementalConversions).toBe(30);
    expect(result.incrementalConversionsInterval).toEqual([-13, 73]);
    expect(result.verdict.kind).toBe("not-conclusive");
  });

  it("says how many more customers it takes to see 2 pp, from the control's rate and today's split", () => {
    // At 9 % against 11 %, half in each arm, the radius falls to 2 pp at 8,363 customers: 6,363 more.
    expect(customersToDetect(0.09, 0.5)).toBe(8363);
    expect(customersToDetect(0.09, 0.8)).toBe(12617);
    const result = compareArms(arm(1000, 120), arm(1000, 90));
    expect(result.verdict).toEqual({ kind: "not-conclusive", moreCustomers: 6363, moreInArm: 3182, moreInControl: 3181 });
    // Near 100 % the 2 pp are looked for below the control's rate.
    expect(customersToDetect(0.995, 0.5)).toBeGreaterThan(0);
  });

  it("is better only when the always-valid interval excludes 0, and worse when it lies below", () => {
    // 300 of 5,000 against 200 of 5,000: +2.0 pp, radius 0.0133534 at n = 10,000 -> [0.66, 3.34] pp.
    const better = compareArms(arm(5000, 300), arm(5000, 200));
    expect(better.differenceInterval[0]).toBeCloseTo(0.66466, 4);
    expect(better.differenceInterval[1]).toBeCloseTo(3.33534, 4);
    expect(better.incrementalConversions).toBe(100);
    expect(better.incrementalConversionsInterval).toEqual([33, 167]);
    expect(better.verdict).toEqual({ kind: "better" });
    expect(compareArms(arm(5000, 200), arm(5000, 300)).verdict).toEqual({ kind: "worse" });
  });

  it("has too little data below the documented minimums in either arm", () => {
    expect(MINIMUMS).toEqual({ reached: 100, converted: 10, notConverted: 10 });
    const tooFew = (a: ArmOutcome, c: ArmOutcome) => compareArms(a, c).verdict.kind;
    // A large effect in a small campaign is still no verdict.
    expect(tooFew(arm(99, 60), arm(99, 10))).toBe("too-little-data");
    expect(tooFew(arm(5000, 600), arm(1000, 9))).toBe("too-little-data");
    expect(tooFew(arm(5000, 4991), arm(1000, 500))).toBe("too-little-data");
    expect(tooFew(arm(100, 50), arm(100, 10))).toBe("better");
  });

  it("computes net revenue per customer and incremental revenue exactly, with intervals in minor units", () => {
    // Arm: 5 customers spent 1000, 0, 0, 3000, 0 -> 800 each, variance (5 x 10,000,000 - 4000²) / (5 x 4) = 1,700,000.
    // Control: 4 customers spent 2000, 0, 0, 0 -> 500 each, variance (4 x 4,000,000 - 2000²) / (4 x 3) = 1,000,000.
    // Difference 300 per customer, x 5 = 1,500; SE = sqrt(1,700,000 / 5 + 1,000,000 / 4) = 768.11, x 20.649934 at n = 9.
    const offer: ArmOutcome = {
      reached: 5,
      converted: 2,
      revenue: { count: 2, sum: 4000n, sumOfSquares: 10_000_000n },
      cost: 1000n,
    };
    const control: ArmOutcome = { reached: 4, converted: 1, revenue: { count: 1, sum: 2000n, sumOfSquares: 4_000_000n } };
    const result = compareArms(offer, control);
    expect(result.arm.revenuePerCustomer).toBe(800n);
    expect(result.control.revenuePerCustomer).toBe(500n);
    expect(result.revenuePerCustomerDifference).toBe(300n);
    expect(result.incrementalRevenue).toBe(1500n);
    expect(result.revenuePerCustomerDifferenceInterval).toEqual([-15562n, 16162n]);
    expect(result.incrementalRevenueInterval).toEqual([-77808n, 80808n]);
    expect(result.returnOnCost!.value).toBe(1.5);
    expect(result.returnOnCost!.interval[0]).toBeCloseTo(-77.8076, 3);
    expect(compareArms({ ...offer, cost: undefined }, control).returnOnCost).toBeNull();
    expect(result.verdict.kind).toBe("too-little-data");
  });

  it("rounds revenue half away from zero, the same either way round", () => {
    // 4000/5 - 1000/3 = 466.67 per customer; x 5 = 2,333.33.
    const five: ArmOutcome = { reached: 5, converted: 2, revenue: { count: 2, sum: 4000n, sumOfSquares: 10_000_000n } };
    const three: ArmOutcome = { reached: 3, converted: 1, revenue: { count: 1, sum: 1000n, sumOfSquares: 1_000_000n } };
    expect(compareArms(five, three).revenuePerCustomerDifference).toBe(467n);
    expect(compareArms(five, three).incrementalRevenue).toBe(2333n);
    expect(compareArms(three, five).revenuePerCustomerDifference).toBe(-467n);
    expect(compareArms(three, five).incrementalRevenue).toBe(-1400n);
    expect(compareArms(three, five).control.revenuePerCustomer).toBe(800n);
    expect(compareArms(three, five).arm.revenuePerCustomer).toBe(333n);
  });

  it("rejects sums no arm can have", () => {
    const ok = arm(100, 10);
    expect(() => compareArms(arm(10, 11), ok)).toThrow(RangeError);
    expect(() => compareArms(ok, arm(1, 0))).toThrow(RangeError);
    expect(() => compareArms(ok, { ...ok, revenue: { count: 101, sum: 0n, sumOfSquares: 0n } })).toThrow(RangeError);
    // 2 customers summing to 100 need a sum of squares of at least 5,000.
    expect(() => compareArms(ok, { ...ok, revenue: { count: 2, sum: 100n, sumOfSquares: 4999n } })).toThrow(/sum of squares/);
    expect(() => compareArms({ ...ok, cost: -1n }, ok)).toThrow(RangeError);
  });
});

describe("verdictText", () => {
  const say = (comparison: Comparison, locale: "en" | "de", armName: string) => {
    const { key, values } = verdictText(comparison, locale, armName);
    return i18nFor(locale).t(`lift:verdict.${key}`, values);
  };

  it("says what an offer brought, in English and German", () => {
    const better = compareArms(arm(5000, 300), arm(5000, 200));
    expect(say(better, "en", "Offer B")).toBe("Offer B brought 100 more customers back: +2.0 pp [0.7, 3.3]");
    expect(say(better, "de", "Angebot B")).toBe("Angebot B hat 100 Kunden mehr zurückgebracht: +2,0 Pp. [0,7, 3,3]");
    const worse = compareArms(arm(5000, 200), arm(5000, 300));
    expect(say(worse, "en", "Offer B")).toBe(
      "Offer B did worse than no offer: 100 customers fewer came back, -2.0 pp [-3.3, -0.7]",
    );
  });

  it("says how many more customers are needed, per arm at an even split and split otherwise", () => {
    const even = compareArms(arm(1000, 120), arm(1000, 90));
    expect(say(even, "en", "Offer B")).toBe(
      "Not conclusive yet: about 3,200 more customers per arm are needed to see a 2 pp difference (so far +3.0 pp [-1.3, 7.3])",
    );
    expect(say(even, "de", "Angebot B")).toBe(
      "Noch nicht eindeutig: Es braucht etwa 3.200 weitere Kunden je Gruppe, um einen Unterschied von 2 Pp. zu erkennen (bisher +3,0 Pp. [-1,3, 7,3])",
    );
    const uneven = compareArms(arm(4000, 480), arm(1000, 90));
    expect(verdictText(uneven, "en").key).toBe("notConclusive");
    expect(say(uneven, "en", "Offer B")).toMatch(
      /^Not conclusive yet: about [\d,]+ more customers \([\d,]+ with Offer B, [\d,]+ in control\) are needed to see a 2 pp difference/,
    );
  });

  it("says when there is no clear difference although a 2 pp one would show", () => {
    const flat = compareArms(arm(20_000, 2000), arm(20_000, 1990));
    expect(flat.verdict).toMatchObject({ kind: "not-conclusive", moreCustomers: 0 });
    expect(say(flat, "en", "Offer B")).toBe(
      "No clear difference: with this many customers a 2 pp difference would show, so the effect of Offer B is smaller than that: +0.1 pp [-0.9, 1.0]",
    );
  });

  it("says what is missing when there is too little data", () => {
    const small = compareArms(arm(80, 12), arm(120, 6));
    expect(say(small, "en", "Offer B")).toBe(
      "Too little data yet: each arm needs at least 100 customers, 10 who ordered and 10 who did not (Offer B: 12 of 80 ordered; control: 6 of 120)",
    );
  });
});
