// The survey figures against values computed by hand (docs/feedback.md, "Formulas").
import { describe, expect, it } from "vitest";
import {
  cesFigure,
  csatFigure,
  MIN_ANSWERS,
  npsCategory,
  npsFigure,
  retentionFigure,
  retentionVerdict,
  shareFigure,
  tQuantile975,
} from "./scores";

describe("NPS", () => {
  it("is % promoters − % detractors with the multinomial interval", () => {
    // 5 promoters (10, 10, 9, 10, 9), 2 passives (8, 7), 3 detractors (6, 0, 3) of 10:
    // NPS = 50 − 30 = 20; Var = (0.5 + 0.3 − 0.2²) / 10 = 0.076; half = 100 · 1.96 · √0.076 = 54.032.
    const figure = npsFigure([10, 10, 9, 8, 7, 6, 0, 3, 10, 9]);
    expect(figure).toMatchObject({ answers: 10, promoters: 5, passives: 2, detractors: 3, enough: false });
    expect(figure.nps).toBeCloseTo(20, 10);
    expect(figure.ci95![0]).toBeCloseTo(-34.0325, 3);
    expect(figure.ci95![1]).toBeCloseTo(74.0325, 3);
  });

  it("keeps the interval within −100 and 100", () => {
    const figure = npsFigure([10, 10, 9, 10, 6]);
    expect(figure.nps).toBeCloseTo(60, 10);
    expect(figure.ci95![1]).toBeLessThanOrEqual(100);
    expect(npsFigure(Array(40).fill(10))).toMatchObject({ nps: 100, ci95: [100, 100], enough: true });
  });

  it("has no figure without answers and no interval from one", () => {
    expect(npsFigure([])).toMatchObject({ nps: null, ci95: null, enough: false });
    expect(npsFigure([3])).toMatchObject({ nps: -100, ci95: null });
  });

  it("puts 9–10 as promoters, 7–8 as passives, 0–6 as detractors", () => {
    expect([0, 6, 7, 8, 9, 10].map(npsCategory)).toEqual([
      "detractor",
      "detractor",
      "passive",
      "passive",
      "promoter",
      "promoter",
    ]);
  });
});

describe("CSAT and shares", () => {
  it("is the share of 4–5 with the Wilson interval", () => {
    // 3 of 5: Wilson centre (2·5·0.6 + z²) / (2(5 + z²)), spread z·√(z² + 4·5·0.6·0.4) / (2(5 + z²)).
    const figure = csatFigure([5, 4, 3, 5, 2]);
    expect(figure.percent).toBeCloseTo(60, 10);
    expect(figure.ci95![0]).toBeCloseTo(23.0724, 3);
    expect(figure.ci95![1]).toBeCloseTo(88.2379, 3);
  });

  it("has no rate of nothing", () => {
    expect(shareFigure(0, 0)).toMatchObject({ percent: null, ci95: null, enough: false });
    expect(shareFigure(10, MIN_ANSWERS).enough).toBe(true);
  });
});

describe("CES and means", () => {
  it("is the mean with a t interval", () => {
    // 7, 6, 5: mean 6, s = 1, t(0.975, 2) = 4.303: 6 ± 4.303 / √3.
    const figure = cesFigure([7, 6, 5]);
    expect(figure.mean).toBe(6);
    expect(figure.ci95![0]).toBeCloseTo(3.5157, 3);
    expect(figure.ci95![1]).toBeCloseTo(8.4843, 3);
  });

  it("uses the table to 30 degrees of freedom and the expansion above", () => {
    expect(tQuantile975(1)).toBe(12.706);
    expect(tQuantile975(30)).toBe(2.042);
    expect(tQuantile975(60)).toBeCloseTo(2.0003, 3);
    expect(tQuantile975(10_000)).toBeCloseTo(1.96, 2);
    expect(() => tQuantile975(0)).toThrow(RangeError);
  });
});

describe("the retention link", () => {
  it("gives each group its repeat rate and net revenue per customer", () => {
    const figure = retentionFigure([
      { repeated: true, netRevenue: 5000n },
      { repeated: false, netRevenue: 0n },
      { repeated: true, netRevenue: 1000n },
      { repeated: false, netRevenue: 0n },
    ]);
    expect(figure.customers).toBe(4);
    expect(figure.repeatRate.percent).toBe(50);
    expect(figure.revenuePerCustomer.mean).toBe(1500);
    // s = √((3500² + 1500² + 500² + 1500²) / 3) = 2380.48; half = 3.182 · 2380.48 / 2 = 3787.34.
    expect(figure.revenuePerCustomer.ci95![1]).toBeCloseTo(1500 + 3787.35, 0);
    expect(figure.enough).toBe(false);
  });
});

describe("the retention verdict", () => {
  const group = (customers: number, repeated: number) =>
    retentionFigure(
      Array.from({ length: customers }, (_, i) => ({ repeated: i < repeated, netRevenue: i < repeated ? 1000n : 0n })),
    );

  it("says which group came back more only when the intervals do not overlap", () => {
    expect(retentionVerdict(group(100, 60), group(100, 20))).toBe("promotersMore");
    expect(retentionVerdict(group(100, 20), group(100, 60))).toBe("detractorsMore");
    expect(retentionVerdict(group(100, 45), group(100, 40))).toBe("noClearDifference");
    expect(retentionVerdict(group(29, 29), group(100, 0))).toBe("tooFew");
  });
});
