// Pareto/NBD purchase model (Schmittlein, Morrison & Colombo 1987, "Counting Your Customers",
// Management Science 33(1)). While alive, a customer buys as a Poisson process with rate
// λ ~ Gamma(r, alpha); their lifetime is exponential with rate μ ~ Gamma(s, beta), so unlike
// BG/NBD a customer can drop out at any time, also before a first repeat purchase. Time is in the
// caller's unit (weeks in the literature); alpha and beta are in that unit, r and s unit-free.
//
// The likelihood of a history (x, tx, T), following Fader & Hardie's note "A Note on Deriving the
// Pareto/NBD Model and Related Expressions" (2005), is
//
//   L = Γ(r+x) αʳ βˢ / Γ(r) · [ A(T) + s · ∫_tx^T (α+τ)^−(r+x) (β+τ)^−(s+1) dτ ],
//   A(t) = (α+t)^−(r+x) (β+t)^−s       (alive at T after the last purchase at tx),
//
// and the integral is (F(tx) − F(T)) / (r+s+x) with F written here so that no step overflows or
// loses precision (see docs/decisions/0015-pareto-nbd.md):
//
//   α ≥ β:  F(t) = (α+t)^−(r+x) (β+t)^−s       · ₂F₁(1, r+x; r+s+x+1; (α−β)/(α+t))
//   α < β:  F(t) = (α+t)^(1−r−x) (β+t)^−(s+1)  · ₂F₁(1, s+1; r+s+x+1; (β−α)/(β+t))
//
// These are the textbook ₂F₁(r+s+x, ·; r+s+x+1; z) forms after Euler's transformation: the
// series left has first parameter 1 and only positive terms, both branches meet at α = β (z = 0,
// where the series is 1 and nothing is divided by α − β), and every factor is taken as a logarithm
// so that a large x neither underflows nor overflows.

import { minimizeBfgs } from "./optimize";
import { digamma, lnGamma } from "./special";
import { repeatPurchaseRate, type BgNbdData } from "./bgnbd";

/** The same per-customer summaries as BG/NBD: x repeat purchases, tx the last one, T the age. */
export type ParetoNbdData = BgNbdData;

export interface ParetoNbdParams {
  r: number;
  alpha: number;
  s: number;
  beta: number;
}

export interface ParetoNbdFit extends ParetoNbdParams {
  /** Summed over all customers, at the fitted parameters. */
  logLikelihood: number;
  iterations: number;
  converged: boolean;
}

export interface ParetoNbdFitOptions {
  /** Starting point, e.g. the previous fit of the same shop. */
  initial?: ParetoNbdParams;
  maxIterations?: number;
  /** Terms of the series the whole fit may sum before it gives up unconverged (MAX_FIT_SERIES_TERMS). */
  maxSeriesTerms?: number;
}

/**
 * Terms of the ₂F₁ series before a point is called out of range (z within about 2e-3 of 1, only at
 * extreme ratios of alpha to beta): it bounds the cost of one evaluation, which runs on the server's
 * event loop, and the line search steps back from such a point.
 */
const MAX_SERIES_TERMS = 20_000;

/**
 * The series terms one fit may sum, about a second or two of work: where the likelihood runs off
 * towards a region of long series (no drop-out heterogeneity in the data: s and beta grow without
 * end), the fit gives up unconverged rather than hold the server for minutes. A well-posed fit of
 * 200,000 customers needs a fraction of it.
 */
export const MAX_FIT_SERIES_TERMS = 150_000_000;
const SERIES_TOLERANCE = 1e-15;

// As for BG/NBD: a parameter more than 10,000 times its reference is running off to 0 or ∞.
const DIVERGENCE_LIMIT = Math.log(1e4);

/**
 * ₂F₁(1, b; c; z) for c > b > 0 and 0 ≤ z < 1 as its logarithm, with the derivatives of that
 * logarithm with respect to b, c and z. Every term is positive and the ratio of successive terms,
 * (b+n)/(c+n) · z, stays below z, so the remaining tail is below term · z / (1 − z).
 */
function logSeries(b: number, c: number, z: number, out: Float64Array): number {
  let term = 1;
  let sum = 1;
  let dB = 0; // Σ term · ∂ln(term)/∂b
  let dC = 0;
  let dZ = 0; // Σ n · term / z, accumulated without dividing by z
  let logDerivB = 0;
  let logDerivC = 0;
  let previous = 1;
  for (let n = 1; n < MAX_SERIES_TERMS; n++) {
    const ratio = (b + n - 1) / (c + n - 1);
    dZ += n * previous * ratio; // n · term_n / z = n · term_{n−1} · ratio
    term = previous * ratio * z;
    logDerivB += 1 / (b + n - 1);
    logDerivC -= 1 / (c + n - 1);
    sum += term;
    dB += term * logDerivB;
    dC += term * logDerivC;
    previous = term;
    if (term === 0 || (term * z) / (1 - z) <= SERIES_TOLERANCE * sum) {
      out[0] = dB / sum;
      out[1] = dC / sum;
      out[2] = dZ / sum;
      out[3] += n;
      return Math.log(sum);
    }
  }
  throw new RangeError(`the Pareto/NBD series did not converge (z = ${z})`);
}

/**
 * ln F(t) (see the head of this file) and its derivatives with respect to (r, alpha, s, beta),
 * written into `gradient`.
 */
function logF(
  r: number,
  alpha: number,
  s: number,
  beta: number,
  x: number,
  t: number,
  series: Float64Array,
  gradient: Float64Array,
): number {
  const c = r + s + x + 1;
  const logAlphaT = Math.log(alpha + t);
  const logBetaT = Math.log(beta + t);
  if (alpha >= beta) {
    const z = (alpha - beta) / (alpha + t);
    const logS = logSeries(r + x, c, z, series);
    const dB = series[0];
    const dC = series[1];
    const dZ = series[2];
    gradient[0] = -logAlphaT + dB + dC;
    gradient[1] = -(r + x) / (alpha + t) + (dZ * (beta + t)) / ((alpha + t) * (alpha + t));
    gradient[2] = -logBetaT + dC;
    gradient[3] = -s / (beta + t) - dZ / (alpha + t);
    return -(r + x) * logAlphaT - s * logBetaT + logS;
  }
  const z = (beta - alpha) / (beta + t);
  const logS = logSeries(s + 1, c, z, series);
  const dB = series[0];
  const dC = series[1];
  const dZ = series[2];
  gradient[0] = -logAlphaT + dC;
  gradient[1] = (1 - r - x) / (alpha + t) - dZ / (beta + t);
  gradient[2] = -logBetaT + dB + dC;
  gradient[3] = -(s + 1) / (beta + t) + (dZ * (alpha + t)) / ((beta + t) * (beta + t));
  return (1 - r - x) * logAlphaT - (s + 1) * logBetaT + logS;
}

/**
 * The history-dependent part of one customer's likelihood, ln[A(T) + s/(r+s+x) · (F(tx) − F(T))],
 * with its gradient; and, through `aliveShare`, A(T) over that sum, which is P(alive).
 */
class HistoryTerm {
  /** The series' derivatives, then (index 3) the number of its terms summed so far: the work done. */
  readonly series = new Float64Array(4);
  private readonly gradientAtTx = new Float64Array(4);
  private readonly gradientAtT = new Float64Array(4);
  private readonly deadLog = new Float64Array(4);
  aliveShare = 1;

  evaluate({ r, alpha, s, beta }: ParetoNbdParams, x: number, tx: number, T: number, gradient: Float64Array): number {
    const q = r + s + x;
    const logAlive = -(r + x) * Math.log(alpha + T) - s * Math.log(beta + T);
    const logAtTx = logF(r, alpha, s, beta, x, tx, this.series, this.gradientAtTx);
    const logAtT = logF(r, alpha, s, beta, x, T, this.series, this.gradientAtT);
    // Scale by the larger of the alive term and F(tx) ≥ F(T) before leaving the logarithms.
    const scale = Math.max(logAlive, logAtTx);
    const alive = Math.exp(logAlive - scale);
    const atTx = Math.exp(logAtTx - scale);
    const atT = Math.exp(logAtT - scale);
    const weight = s / q;
    // F(tx) − F(T) is an integral of a positive function; rounding must not make it negative.
    const dead = Math.max(0, atTx - atT);
    const total = alive + weight * dead;
    this.aliveShare = alive / total;
    const deadShare = (weight * dead) / total;
    // ∂ ln(total): the alive part, the weight s/q, and the two F terms.
    // ∂ ln(F(tx) − F(T)) in `deadLog` (no closure: this runs for every history at every evaluation).
    const { gradientAtTx, gradientAtT, aliveShare, deadLog } = this;
    for (let i = 0; i < 4; i++) deadLog[i] = dead > 0 ? (atTx * gradientAtTx[i] - atT * gradientAtT[i]) / dead : 0;
    gradient[0] = aliveShare * -Math.log(alpha + T) + deadShare * (deadLog[0] - 1 / q);
    gradient[1] = (aliveShare * -(r + x)) / (alpha + T) + deadShare * deadLog[1];
    gradient[2] = aliveShare * -Math.log(beta + T) + deadShare * (deadLog[2] + 1 / s - 1 / q);
    gradient[3] = (aliveShare * -s) / (beta + T) + deadShare * deadLog[3];
    return scale + Math.log(total);
  }
}

/** Distinct histories (x, tx, T) with how many customers share each. */
class Histories {
  readonly customers: number;
  readonly longestAge: number;
  readonly x: Float64Array;
  readonly tx: Float64Array;
  readonly T: Float64Array;
  readonly count: Float64Array;

  constructor(data: ParetoNbdData) {
    const n = data.x.length;
    if (data.tx.length !== n || data.T.length !== n) throw new RangeError("x, tx and T must have the same length");
    if (n === 0) throw new RangeError("no customers to fit");
    const index = new Map<string, number>();
    const x: number[] = [];
    const tx: number[] = [];
    const T: number[] = [];
    const count: number[] = [];
    let longestAge = 0;
    for (let i = 0; i < n; i++) {
      const [xi, Ti] = [data.x[i], data.T[i]];
      const txi = xi === 0 ? 0 : data.tx[i];
      if (!(Number.isInteger(xi) && xi >= 0)) throw new RangeError(`customer ${i}: x must be a whole number ≥ 0, got ${xi}`);
      if (!(Ti >= 0 && Number.isFinite(Ti))) throw new RangeError(`customer ${i}: T must be finite and ≥ 0, got ${Ti}`);
      if (!(txi >= 0 && txi <= Ti)) throw new RangeError(`customer ${i}: tx must be between 0 and T, got tx = ${txi}, T = ${Ti}`);
      longestAge = Math.max(longestAge, Ti);
      const key = `${xi} ${txi} ${Ti}`;
      const k = index.get(key);
      if (k !== undefined) {
        count[k]++;
        continue;
      }
      index.set(key, x.length);
      x.push(xi);
      tx.push(txi);
      T.push(Ti);
      count.push(1);
    }
    // Ordered by x, so that Γ(r+x)/Γ(r) and its digamma are computed once per distinct x.
    const order = [...x.keys()].sort((a, b) => x[a] - x[b]);
    this.customers = n;
    this.longestAge = longestAge;
    this.x = Float64Array.from(order, (k) => x[k]);
    this.tx = Float64Array.from(order, (k) => tx[k]);
    this.T = Float64Array.from(order, (k) => T[k]);
    this.count = Float64Array.from(order, (k) => count[k]);
  }

  /** Series terms summed by every evaluation so far. */
  seriesTerms = 0;

  /** ln L summed over customers, with ∂ ln L / ∂(r, alpha, s, beta) written into `gradient`. */
  logLikelihood(params: ParetoNbdParams, gradient: Float64Array): number {
    const { r, alpha, s, beta } = params;
    const term = new HistoryTerm();
    const historyGradient = new Float64Array(4);
    const [logAlpha, logBeta, digammaR, lnGammaR] = [Math.log(alpha), Math.log(beta), digamma(r), lnGamma(r)];
    let total = 0;
    gradient.fill(0);
    // Γ(r+x)/Γ(r) depends on x only, and histories come ordered by x.
    let cachedX = -1;
    let lnGammaRatio = 0;
    let digammaRatio = 0;
    for (let k = 0; k < this.x.length; k++) {
      const x = this.x[k];
      const customers = this.count[k];
      if (x !== cachedX) {
        cachedX = x;
        lnGammaRatio = lnGamma(r + x) - lnGammaR;
        digammaRatio = digamma(r + x) - digammaR;
      }
      const history = term.evaluate(params, x, this.tx[k], this.T[k], historyGradient);
      total += customers * (lnGammaRatio + r * logAlpha + s * logBeta + history);
      gradient[0] += customers * (digammaRatio + logAlpha + historyGradient[0]);
      gradient[1] += customers * (r / alpha + historyGradient[1]);
      gradient[2] += customers * (logBeta + historyGradient[2]);
      gradient[3] += customers * (s / beta + historyGradient[3]);
    }
    this.seriesTerms += term.series[3];
    return total;
  }
}

/** Log-likelihood of the data at `params`, with its gradient in `gradient` if one is passed. */
export function paretoNbdLogLikelihood(params: ParetoNbdParams, data: ParetoNbdData, gradient = new Float64Array(4)): number {
  return new Histories(data).logLikelihood(params, gradient);
}

/**
 * Maximum-likelihood fit with analytic gradients over the logs of r, alpha / (longest T), s and
 * beta / (longest T), so that all four stay positive and the rates are judged on the data's scale.
 */
export function fitParetoNbd(data: ParetoNbdData, options: ParetoNbdFitOptions = {}): ParetoNbdFit {
  const histories = new Histories(data);
  const timeScale = histories.longestAge > 0 ? histories.longestAge : 1;
  const initial = options.initial ?? defaultStart(data, timeScale);
  const toParams = (c: ArrayLike<number>): ParetoNbdParams => ({
    r: Math.exp(c[0]),
    alpha: timeScale * Math.exp(c[1]),
    s: Math.exp(c[2]),
    beta: timeScale * Math.exp(c[3]),
  });
  const customers = histories.customers;
  const budget = options.maxSeriesTerms ?? MAX_FIT_SERIES_TERMS;
  let best = { value: Number.POSITIVE_INFINITY, coordinates: Float64Array.of(0, 0, 0, 0), iterations: 0 };
  const objective = (coordinates: Float64Array, gradient: Float64Array) => {
    if (histories.seriesTerms > budget) throw new FitBudgetExceeded();
    const params = toParams(coordinates);
    let value: number;
    try {
      value = -histories.logLikelihood(params, gradient) / customers;
    } catch (error) {
      if (error instanceof RangeError) return Number.NaN; // too far out: the line search steps back
      throw error;
    }
    if (value < best.value) best = { value, coordinates: Float64Array.from(coordinates), iterations: best.iterations + 1 };
    // Chain rule to log-parameters: ∂/∂ln θ = θ · ∂/∂θ.
    gradient[0] *= -params.r / customers;
    gradient[1] *= -params.alpha / customers;
    gradient[2] *= -params.s / customers;
    gradient[3] *= -params.beta / customers;
    return value;
  };
  const start = [
    Math.log(initial.r),
    Math.log(initial.alpha / timeScale),
    Math.log(initial.s),
    Math.log(initial.beta / timeScale),
  ];
  try {
    const result = minimizeBfgs(objective, start, { maxIterations: options.maxIterations, divergenceLimit: DIVERGENCE_LIMIT });
    const fitted = { ...toParams(result.point), logLikelihood: -result.value * customers };
    return { ...fitted, iterations: result.iterations, converged: result.converged };
  } catch (error) {
    if (!(error instanceof FitBudgetExceeded)) throw error;
    // Out of work: the best point seen, marked unconverged (stability.ts then says so).
    return {
      ...toParams(best.coordinates),
      logLikelihood: -best.value * customers,
      iterations: best.iterations,
      converged: false,
    };
  }
}

class FitBudgetExceeded extends Error {}

/** r = s = 0.5, with alpha matching the data's purchase rate and beta a lifetime of the data's span. */
function defaultStart(data: ParetoNbdData, timeScale: number): ParetoNbdParams {
  const r = 0.5;
  const rate = repeatPurchaseRate(data);
  return { r, alpha: rate ? r / rate : timeScale, s: 0.5, beta: timeScale };
}

/** P(the customer is still alive at T | x, tx, T). Below 1 also for customers who never bought again. */
export function probabilityAlive(params: ParetoNbdParams, x: number, tx: number, T: number): number {
  const term = new HistoryTerm();
  term.evaluate(params, x, x === 0 ? 0 : tx, T, new Float64Array(4));
  return term.aliveShare;
}

/**
 * Expected purchases in the next `t` time units given the history (Schmittlein et al. 1987, eq. 22):
 * P(alive) · (r+x)(β+T) / ((α+T)(s−1)) · [1 − ((β+T)/(β+T+t))^(s−1)], whose bracket over s − 1 is
 * computed as −expm1(−(s−1)·ln(1 + t/(β+T))) / (s−1), which tends to ln(1 + t/(β+T)) at s = 1.
 */
export function expectedPurchases(params: ParetoNbdParams, t: number, x: number, tx: number, T: number): number {
  if (t <= 0) return 0;
  const { r, alpha, s, beta } = params;
  const horizon = Math.log1p(t / (beta + T));
  const exponent = (s - 1) * horizon;
  const lifetimeShare = Math.abs(exponent) < 1e-8 ? horizon * (1 - exponent / 2) : -Math.expm1(-exponent) / (s - 1);
  return probabilityAlive(params, x, tx, T) * (((r + x) * (beta + T)) / (alpha + T)) * lifetimeShare;
}
