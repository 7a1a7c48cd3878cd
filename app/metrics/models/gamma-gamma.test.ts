import { describe, expect, it } from "vitest";
import { loadCdnowSummary } from "../../../test/fixtures/cdnow/load";
import { expectedAverageSpend, fitGammaGamma, gammaGammaLogLikelihood, type GammaGammaParams } from "./gamma-gamma";
import { numericGradient } from "./optimize";

const cdnow = loadCdnowSummary();
const spendData = { x: cdnow.x, mbar: cdnow.zbar };
// Fader & Hardie, "The Gamma-Gamma Model of Monetary Value".
const published: GammaGammaParams = { p: 6.25, q: 3.74, gamma: 15.44 };

describe("fitGammaGamma on CDNOW", () => {
  const fit = fitGammaGamma(spendData);

  it("reproduces the published parameters from the 946 repeat customers", () => {
    expect(fit.customers).toBe(946);
    expect(fit.converged).toBe(true);
    expect(Math.abs(fit.p - published.p)).toBeLessThanOrEqual(0.05);
    expect(Math.abs(fit.q - published.q)).toBeLessThanOrEqual(0.05);
    expect(Math.abs(fit.gamma - published.gamma)).toBeLessThanOrEqual(0.05);
    // Maximum found independently with scipy's Nelder–Mead on the same likelihood.
    expect(fit.logLikelihood).toBeCloseTo(-4055.9232435, 5);
    expect(fitGammaGamma(spendData)).toEqual(fit);
  });

  it("gives each customer's expected spend per purchase", () => {
    // Customers 1 (x = 2, zbar = 22.35) and 2 (x = 1, zbar = 11.77), and anyone with x = 0.
    expect(expectedAverageSpend(fit, 2, 22.35)).toBeCloseTo(24.6586, 3);
    expect(expectedAverageSpend(fit, 1, 11.77)).toBeCloseTo(18.9115, 3);
    expect(expectedAverageSpend(fit, 0, 0)).toBeCloseTo((fit.p * fit.gamma) / (fit.q - 1), 12);
    expect(expectedAverageSpend(fit, 0, 0)).toBeCloseTo(35.171, 3);
  });
});

describe("gammaGammaLogLikelihood", () => {
  it("has the analytic gradient it reports", () => {
    for (const params of [published, { p: 0.8, q: 1.5, gamma: 40 }]) {
      const analytic = new Float64Array(3);
      gammaGammaLogLikelihood(params, spendData, analytic);
      const numeric = numericGradient(
        ([p, q, gamma]) => gammaGammaLogLikelihood({ p, q, gamma }, spendData),
        [params.p, params.q, params.gamma],
      );
      for (let i = 0; i < 3; i++) expect(analytic[i]).toBeCloseTo(numeric[i], 4);
    }
  });

  it("ignores customers without repeat purchases and rejects unusable ones", () => {
    const withNonRepeat = gammaGammaLogLikelihood(published, { x: [0, 2, 1], mbar: [0, 20, 15] });
    expect(withNonRepeat).toBeCloseTo(gammaGammaLogLikelihood(published, { x: [2, 1], mbar: [20, 15] }), 12);
    expect(() => gammaGammaLogLikelihood(published, { x: [1], mbar: [0] })).toThrow(/mbar must be positive/);
    expect(() => gammaGammaLogLikelihood(published, { x: [0.5], mbar: [10] })).toThrow(/whole number/);
    expect(() => fitGammaGamma({ x: [0, 0], mbar: [0, 0] })).toThrow(/no customers/);
  });
});

describe("expectedAverageSpend", () => {
  it("weighs the customer's own average more the more they bought", () => {
    const populationMean = expectedAverageSpend(published, 0, 0);
    const fewPurchases = expectedAverageSpend(published, 1, 100);
    const manyPurchases = expectedAverageSpend(published, 50, 100);
    expect(fewPurchases).toBeGreaterThan(populationMean);
    expect(manyPurchases).toBeGreaterThan(fewPurchases);
    expect(manyPurchases).toBeLessThan(100);
  });

  it("is infinite when the posterior mean does not exist", () => {
    expect(expectedAverageSpend({ p: 2, q: 0.8, gamma: 10 }, 0, 0)).toBe(Number.POSITIVE_INFINITY);
  });
});
