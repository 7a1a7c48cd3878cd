import { describe, expect, it } from "vitest";
import { loadCdnowSummary } from "../../../test/fixtures/cdnow/load";
import { bgNbdLogLikelihood, expectedPurchases, fitBgNbd, probabilityAlive, type BgNbdParams } from "./bgnbd";
import { numericGradient } from "./optimize";

const cdnow = loadCdnowSummary();
// As published by Fader, Hardie & Lee (2005), with a log-likelihood of −9582.4.
const published: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

describe("fitBgNbd on CDNOW", () => {
  const fit = fitBgNbd(cdnow);

  it("reproduces the published parameters and log-likelihood", () => {
    expect(cdnow.x.length).toBe(2357);
    expect(fit.converged).toBe(true);
    expect(Math.abs(fit.r - published.r)).toBeLessThanOrEqual(0.005);
    expect(Math.abs(fit.alpha - published.alpha)).toBeLessThanOrEqual(0.005);
    expect(Math.abs(fit.a - published.a)).toBeLessThanOrEqual(0.005);
    expect(Math.abs(fit.b - published.b)).toBeLessThanOrEqual(0.005);
    expect(fit.logLikelihood).toBeCloseTo(-9582.4, 0);
    expect(fit.logLikelihood).toBeCloseTo(bgNbdLogLikelihood(fit, cdnow), 8);
  });

  it("is deterministic and lands on the same optimum from a warm start", () => {
    expect(fitBgNbd(cdnow)).toEqual(fit);
    const warm = fitBgNbd(cdnow, { initial: published });
    expect(warm.converged).toBe(true);
    for (const key of ["r", "alpha", "a", "b"] as const) expect(warm[key]).toBeCloseTo(fit[key], 5);
  });

  it("predicts 1.226 purchases in 39 weeks for x = 2, t_x = 30.43, T = 38.86", () => {
    expect(Math.abs(expectedPurchases(published, 39, 2, 30.43, 38.86) - 1.226)).toBeLessThanOrEqual(0.002);
    expect(Math.abs(expectedPurchases(fit, 39, 2, 30.43, 38.86) - 1.226)).toBeLessThanOrEqual(0.002);
  });
});

describe("fitBgNbd on data that cannot pin the parameters down", () => {
  it("gives up early instead of chasing a parameter to infinity", () => {
    // Nobody is seen buying again after a repeat purchase, so the drop-out probability runs to 1.
    const customers = 400;
    const data = { x: new Float64Array(customers), tx: new Float64Array(customers), T: new Float64Array(customers) };
    for (let i = 0; i < customers; i++) {
      data.T[i] = 10 + (i % 40);
      data.x[i] = i % 3 === 0 ? 1 : 0;
      data.tx[i] = data.x[i] ? (i % 7) + 1 : 0;
    }
    const fit = fitBgNbd(data);
    expect(fit.converged).toBe(false);
    expect(fit.iterations).toBeLessThan(100);
    expect(fit.a / (fit.a + fit.b)).toBeGreaterThan(0.99);
  });
});

describe("bgNbdLogLikelihood", () => {
  it("has the analytic gradient it reports", () => {
    const mixed = {
      x: Float64Array.of(0, 0, 3, 3, 1, 12, 0, 5),
      tx: Float64Array.of(0, 0, 20.5, 20.5, 0, 30, 0, 10),
      T: Float64Array.of(38, 10, 38, 38, 25, 31, 38, 39),
    };
    for (const data of [cdnow, mixed]) {
      for (const params of [published, { r: 2.5, alpha: 0.7, a: 3.1, b: 0.4 }]) {
        const analytic = new Float64Array(4);
        bgNbdLogLikelihood(params, data, analytic);
        const numeric = numericGradient(
          ([r, alpha, a, b]) => bgNbdLogLikelihood({ r, alpha, a, b }, data),
          [params.r, params.alpha, params.a, params.b],
        );
        for (let i = 0; i < 4; i++) expect(analytic[i]).toBeCloseTo(numeric[i], 4);
      }
    }
  });

  it("counts repeated customers once each", () => {
    const double = {
      x: Float64Array.from([...cdnow.x, ...cdnow.x]),
      tx: Float64Array.from([...cdnow.tx, ...cdnow.tx]),
      T: Float64Array.from([...cdnow.T, ...cdnow.T]),
    };
    expect(bgNbdLogLikelihood(published, double)).toBeCloseTo(2 * bgNbdLogLikelihood(published, cdnow), 7);
  });

  it("rejects impossible histories", () => {
    expect(() => bgNbdLogLikelihood(published, { x: [1.5], tx: [1], T: [2] })).toThrow(/whole number/);
    expect(() => bgNbdLogLikelihood(published, { x: [2], tx: [3], T: [2] })).toThrow(/between 0 and T/);
    expect(() => bgNbdLogLikelihood(published, { x: [0], tx: [0], T: [-1] })).toThrow(/T must be/);
    expect(() => bgNbdLogLikelihood(published, { x: [0, 1], tx: [0], T: [2, 2] })).toThrow(/same length/);
    expect(() => fitBgNbd({ x: [], tx: [], T: [] })).toThrow(/no customers/);
  });
});

describe("expectedPurchases", () => {
  // Equation (10) of the paper evaluated directly (no Euler transformation) with mpmath at 30 digits.
  it("matches high-precision values, also with z = t/(alpha+T+t) close to 1", () => {
    const cases: [t: number, x: number, tx: number, T: number, expected: number][] = [
      [39, 2, 30.43, 38.86, 1.22602817476714446308208253727],
      [39, 0, 0, 38.86, 0.195098052011262637498200696043],
      [39, 1, 1.71, 38.86, 0.203186987079754060390110934079],
      [52, 10, 20, 38.86, 0.359522067597112301022713998973],
      [260, 0, 0, 1, 3.23920067110834849118044219843],
      [1000, 5, 1, 2, 44.3975556899825939704446961645],
      [39, 50, 38, 38.86, 33.3911979990692920749194020694],
    ];
    for (const [t, x, tx, T, expected] of cases) {
      expect(expectedPurchases(published, t, x, tx, T) / expected).toBeCloseTo(1, 11);
    }
  });

  // A fit with a + b < 1 (drop-out probabilities piled up near 0 and 1) makes c = a + b − 1 of the
  // hypergeometric function negative for customers without repeat purchases; mpmath at 30 digits again.
  it("holds for customers without repeat purchases when a + b < 1", () => {
    const cases: [params: BgNbdParams, t: number, T: number, expected: number][] = [
      [{ r: 0.24, alpha: 4.4, a: 0.3, b: 0.211 }, 39, 30, 0.205032769802521602358282803186],
      [{ r: 0.8, alpha: 3, a: 0.2, b: 0.6 }, 12, 50, 0.173018642888985557034961371544],
    ];
    for (const [params, t, T, expected] of cases) expect(expectedPurchases(params, t, 0, 0, T) / expected).toBeCloseTo(1, 11);
  });

  it("is zero for no time and grows with the horizon", () => {
    expect(expectedPurchases(published, 0, 2, 30.43, 38.86)).toBe(0);
    let previous = 0;
    for (const t of [1, 5, 20, 39, 100, 500]) {
      const expected = expectedPurchases(published, t, 2, 30.43, 38.86);
      expect(expected).toBeGreaterThan(previous);
      previous = expected;
    }
  });

  it("is continuous across a = 1, where the formula is 0/0", () => {
    const at = (a: number) => expectedPurchases({ ...published, a }, 39, 2, 30.43, 38.86);
    expect(Number.isFinite(at(1))).toBe(true);
    const slope = (at(1 + 1e-3) - at(1 - 1e-3)) / 2e-3;
    expect(at(1)).toBeCloseTo((at(1 - 1e-3) + at(1 + 1e-3)) / 2, 6);
    expect(at(1 + 5e-5) - at(1)).toBeCloseTo(5e-5 * slope, 7);
    expect(at(1 + 2e-4) - at(1)).toBeCloseTo(2e-4 * slope, 7);
  });
});

describe("probabilityAlive", () => {
  it("is exactly 1 without repeat purchases", () => {
    expect(probabilityAlive(published, 0, 0, 38.86)).toBe(1);
    expect(probabilityAlive(published, 0, 0, 1000)).toBe(1);
  });

  it("matches high-precision values", () => {
    const cases: [x: number, tx: number, T: number, expected: number][] = [
      [2, 30.43, 38.86, 0.726578570080672911916744053216],
      [1, 1.71, 38.86, 0.2121009853773790823612292099],
      [10, 20, 38.86, 0.0393459588111977866141548441575],
      [5, 38.86, 38.86, 0.890150990441889456043105245944],
      [3, 10, 100, 0.00899328666730997379553980985164],
    ];
    for (const [x, tx, T, expected] of cases) expect(probabilityAlive(published, x, tx, T)).toBeCloseTo(expected, 13);
  });

  it("falls the longer it has been since the last purchase", () => {
    let previous = 1;
    for (const T of [30.43, 35, 40, 60, 100, 200]) {
      const pAlive = probabilityAlive(published, 2, 30.43, T);
      expect(pAlive).toBeLessThan(previous);
      previous = pAlive;
    }
    // Same age, earlier last purchase: less likely alive.
    expect(probabilityAlive(published, 4, 10, 38)).toBeLessThan(probabilityAlive(published, 4, 30, 38));
    // Buying right at the end still leaves the chance of having dropped out after that purchase.
    expect(probabilityAlive(published, 3, 38, 38)).toBeCloseTo(1 / (1 + published.a / (published.b + 2)), 14);
  });
});
