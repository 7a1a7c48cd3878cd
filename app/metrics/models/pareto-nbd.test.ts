import { describe, expect, it } from "vitest";
import { loadCdnowSummary } from "../../../test/fixtures/cdnow/load";
import { numericGradient } from "./optimize";
import { expectedPurchases, fitParetoNbd, paretoNbdLogLikelihood, probabilityAlive, type ParetoNbdParams } from "./pareto-nbd";
import { lnGamma } from "./special";

const cdnow = loadCdnowSummary();
// Fader & Hardie's Pareto/NBD fit of the CDNOW calibration data (log-likelihood −9595.0), as
// quoted to three decimals; the issue quotes r = 0.55, α = 10.58, s = 0.61, β = 11.67.
const published: ParetoNbdParams = { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 };

// An independent implementation by numerical integration, straight from the model's definition:
// the likelihood integrates over when the customer died; the expectation over their death rate.
function adaptiveSimpson(f: (x: number) => number, a: number, b: number, tolerance = 1e-12): number {
  const simpson = (fa: number, fm: number, fb: number, h: number) => (h / 6) * (fa + 4 * fm + fb);
  const recurse = (a: number, b: number, fa: number, fm: number, fb: number, whole: number, depth: number): number => {
    const m = (a + b) / 2;
    const [lm, rm] = [(a + m) / 2, (m + b) / 2];
    const [flm, frm] = [f(lm), f(rm)];
    const left = simpson(fa, flm, fm, m - a);
    const right = simpson(fm, frm, fb, b - m);
    if (depth > 40 || Math.abs(left + right - whole) <= 15 * tolerance * Math.abs(left + right))
      return left + right + (left + right - whole) / 15;
    return recurse(a, m, fa, flm, fm, left, depth + 1) + recurse(m, b, fm, frm, fb, right, depth + 1);
  };
  const [fa, fm, fb] = [f(a), f((a + b) / 2), f(b)];
  return recurse(a, b, fa, fm, fb, simpson(fa, fm, fb, b - a), 0);
}

/** [A(T), s · ∫ (α+τ)^−(r+x) (β+τ)^−(s+1) dτ], scaled by (α+T)^(r+x) (β+T)^s so both stay near 1. */
function likelihoodParts({ r, alpha, s, beta }: ParetoNbdParams, x: number, tx: number, T: number): [number, number] {
  const scaled = (tau: number) =>
    Math.exp((r + x) * Math.log((alpha + T) / (alpha + tau)) + s * Math.log((beta + T) / (beta + tau))) / (beta + tau);
  return [1, s * (tx < T ? adaptiveSimpson(scaled, tx, T) : 0)];
}

function referencePAlive(params: ParetoNbdParams, x: number, tx: number, T: number): number {
  const [alive, dead] = likelihoodParts(params, x, tx, T);
  return alive / (alive + dead);
}

/**
 * E[purchases in (T, T+t]] = E[λ/μ (1 − e^(−μt)) · alive] over the posterior: the λ part is a
 * gamma moment, the μ part is integrated after substituting μ = u^(1/s), which removes the
 * singularity of μ^(s−1) at 0.
 */
function referenceExpected(params: ParetoNbdParams, t: number, x: number, tx: number, T: number): number {
  const { r, alpha, s, beta } = params;
  const pAlive = referencePAlive(params, x, tx, T);
  const lambdaGivenAlive = (r + x) / (alpha + T);
  // Given alive at T, μ ~ Gamma(s, β+T): E[(1 − e^(−μt)) / μ] = ∫ (β+T)^s μ^(s−2) (1 − e^(−μt)) e^(−μ(β+T)) dμ / Γ(s).
  const rate = beta + T;
  const integrand = (u: number) => {
    if (u === 0) return t / s;
    const mu = Math.pow(u, 1 / s);
    return ((-Math.expm1(-mu * t) / mu) * Math.exp(-mu * rate)) / s;
  };
  const upper = Math.pow(60 / rate, s); // e^(−60) beyond
  const lifetime = (Math.exp(s * Math.log(rate) - lnGamma(s)) * adaptiveSimpson(integrand, 0, upper)) as number;
  return pAlive * lambdaGivenAlive * lifetime;
}

describe("fitParetoNbd on CDNOW", () => {
  const started = performance.now();
  const fit = fitParetoNbd(cdnow);
  const seconds = (performance.now() - started) / 1000;

  it("reproduces the published parameters and log-likelihood", () => {
    expect(fit.converged).toBe(true);
    expect([fit.r, fit.alpha, fit.s, fit.beta].map((value) => value.toFixed(2))).toEqual(["0.55", "10.58", "0.61", "11.67"]);
    for (const key of ["r", "alpha", "s", "beta"] as const)
      expect(Math.abs(fit[key] - published[key])).toBeLessThanOrEqual(0.0015);
    expect(fit.logLikelihood).toBeCloseTo(-9595.0, 0);
    // The optimum found is at least as likely as the published (rounded) parameters.
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(paretoNbdLogLikelihood(published, cdnow));
    expect(fit.logLikelihood).toBeCloseTo(paretoNbdLogLikelihood(fit, cdnow), 8);
    expect(seconds).toBeLessThan(5); // a sanity bound only; the speed target is checked by npm run bench
  });

  it("is deterministic and lands on the same optimum from a warm start", () => {
    expect(fitParetoNbd(cdnow)).toEqual(fit);
    const warm = fitParetoNbd(cdnow, { initial: published });
    for (const key of ["r", "alpha", "s", "beta"] as const) expect(warm[key]).toBeCloseTo(fit[key], 5);
  });

  it("agrees with numerical integration on CDNOW customers' P(alive) and expected purchases", { timeout: 60_000 }, () => {
    let worstAlive = 0;
    let worstExpected = 0;
    for (let i = 0; i < cdnow.x.length; i += 29) {
      const [x, tx, T] = [cdnow.x[i], cdnow.tx[i], cdnow.T[i]];
      worstAlive = Math.max(worstAlive, Math.abs(probabilityAlive(fit, x, tx, T) - referencePAlive(fit, x, tx, T)));
      worstExpected = Math.max(
        worstExpected,
        Math.abs(expectedPurchases(fit, 39, x, tx, T) - referenceExpected(fit, 39, x, tx, T)),
      );
    }
    expect(worstAlive).toBeLessThan(1e-9);
    expect(worstExpected).toBeLessThan(1e-8);
  });
});

describe("fitParetoNbd's work budget", () => {
  it("gives up unconverged, at the best point it saw, when the series cost more than its budget", () => {
    const stopped = fitParetoNbd(cdnow, { maxSeriesTerms: 50_000 });
    expect(stopped.converged).toBe(false);
    for (const key of ["r", "alpha", "s", "beta", "logLikelihood"] as const) expect(Number.isFinite(stopped[key])).toBe(true);
    expect(stopped.logLikelihood).toBeLessThan(fitParetoNbd(cdnow).logLikelihood);
  });
});

describe("Pareto/NBD in the numerically hard regions", () => {
  const histories: [x: number, tx: number, T: number][] = [
    [0, 0, 38],
    [1, 2, 38],
    [5, 37.9, 38],
    [80, 30, 200],
    [400, 100, 104],
  ];

  it("is continuous across alpha = beta, where the formula switches branches", () => {
    for (const [x, tx, T] of histories) {
      const at = (alpha: number) => probabilityAlive({ r: 0.6, alpha, s: 0.7, beta: 10 }, x, tx, T);
      const exact = referencePAlive({ r: 0.6, alpha: 10, s: 0.7, beta: 10 }, x, tx, T);
      for (const alpha of [10 - 1e-9, 10, 10 + 1e-9, 10 * (1 - 1e-6), 10 * (1 + 1e-6)])
        expect(Math.abs(at(alpha) - exact)).toBeLessThan(1e-6);
    }
  });

  it("stays finite and matches integration for large x and far-apart alpha and beta", () => {
    for (const params of [
      { r: 0.5, alpha: 3, s: 0.4, beta: 300 },
      { r: 2, alpha: 300, s: 1.5, beta: 3 },
      { r: 0.5, alpha: 10, s: 1, beta: 12 },
    ]) {
      for (const [x, tx, T] of histories) {
        const pAlive = probabilityAlive(params, x, tx, T);
        expect(Number.isFinite(pAlive)).toBe(true);
        expect(Math.abs(pAlive - referencePAlive(params, x, tx, T))).toBeLessThan(1e-8);
        expect(Math.abs(expectedPurchases(params, 52, x, tx, T) - referenceExpected(params, 52, x, tx, T))).toBeLessThan(
          1e-6 * Math.max(1, x),
        );
      }
    }
  });

  it("lets a one-time buyer who has not bought for long be nearly gone, unlike BG/NBD", () => {
    const recent = probabilityAlive(published, 0, 0, 2);
    const longGone = probabilityAlive(published, 0, 0, 104);
    expect(recent).toBeGreaterThan(longGone);
    expect(longGone).toBeLessThan(0.5);
  });
});

describe("paretoNbdLogLikelihood", () => {
  it("has the analytic gradient it reports, on both sides of alpha = beta", () => {
    const data = {
      x: Float64Array.of(0, 0, 3, 3, 1, 12, 0, 5, 60),
      tx: Float64Array.of(0, 0, 20.5, 20.5, 0.5, 30, 0, 10, 38),
      T: Float64Array.of(38, 10, 38, 38, 25, 31, 38, 39, 39),
    };
    for (const params of [
      published,
      { r: 0.553, alpha: 11.669, s: 0.606, beta: 10.578 },
      { r: 1.3, alpha: 2, s: 2.5, beta: 40 },
    ]) {
      const analytic = new Float64Array(4);
      paretoNbdLogLikelihood(params, data, analytic);
      const numeric = numericGradient(
        (p) => paretoNbdLogLikelihood({ r: p[0], alpha: p[1], s: p[2], beta: p[3] }, data),
        [params.r, params.alpha, params.s, params.beta],
      );
      for (let i = 0; i < 4; i++) expect(analytic[i]).toBeCloseTo(numeric[i], 4);
    }
  });

  it("refuses histories that are not histories", () => {
    expect(() => paretoNbdLogLikelihood(published, { x: [1], tx: [5], T: [4] })).toThrow(/tx must be between 0 and T/);
    expect(() => paretoNbdLogLikelihood(published, { x: [1.5], tx: [1], T: [4] })).toThrow(/whole number/);
  });
});
