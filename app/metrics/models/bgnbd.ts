// BG/NBD purchase model (Fader, Hardie & Lee 2005, "Counting Your Customers the Easy Way",
// Marketing Science 24(2)). While alive, a customer buys as a Poisson process with rate
// λ ~ Gamma(r, alpha); after each repeat purchase they drop out for good with probability
// p ~ Beta(a, b). Time is in whatever unit the caller uses for tx and T (weeks in the paper);
// alpha is in that unit too, r, a and b are unit-free.

import { countDistinctPairs, DistinctValues } from "./grouping";
import { minimizeBfgs } from "./optimize";
import { digamma, hypergeometric2F1, lnGammaRatio } from "./special";

/**
 * Per-customer summaries as a struct of arrays (Float64Array is fastest):
 * x = repeat purchases (integer ≥ 0), tx = time of the last purchase measured from the first
 * (0 when x = 0), T = time from the first purchase to the end of observation (tx ≤ T).
 */
export interface BgNbdData {
  x: ArrayLike<number>;
  tx: ArrayLike<number>;
  T: ArrayLike<number>;
}

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

export interface BgNbdFit extends BgNbdParams {
  /** Summed over all customers, at the fitted parameters. */
  logLikelihood: number;
  iterations: number;
  converged: boolean;
}

export interface BgNbdFitOptions {
  /** Starting point, e.g. the previous fit of the same shop; by default a generic one (see defaultStart). */
  initial?: BgNbdParams;
  maxIterations?: number;
}

// A parameter more than a factor of 10,000 from its reference (1 for r, a and b, the longest
// customer age for alpha) is running off to 0 or infinity because the data cannot pin it down;
// stability.ts already calls a tenth of that extreme.
const DIVERGENCE_LIMIT = Math.log(1e4);

/**
 * Maximum-likelihood fit with analytic gradients, over the logs of r, alpha / (longest T), a and b:
 * all four stay positive, and alpha is judged relative to the data's time scale.
 */
export function fitBgNbd(data: BgNbdData, options: BgNbdFitOptions = {}): BgNbdFit {
  const likelihood = new BgNbdLikelihood(data);
  const initial = options.initial ?? defaultStart(data);
  const timeScale = likelihood.longestAge > 0 ? likelihood.longestAge : 1;
  const result = minimizeBfgs(
    (coordinates, gradient) => {
      const [r, alpha, a, b] = toParams(coordinates, timeScale);
      const customers = likelihood.customers;
      // Mean negative log-likelihood per customer, so the tolerance does not depend on the data size.
      const value = -likelihood.evaluate({ r, alpha, a, b }, gradient) / customers;
      // Chain rule to log-parameters: ∂/∂ln θ = θ · ∂/∂θ.
      gradient[0] *= -r / customers;
      gradient[1] *= -alpha / customers;
      gradient[2] *= -a / customers;
      gradient[3] *= -b / customers;
      return value;
    },
    [Math.log(initial.r), Math.log(initial.alpha / timeScale), Math.log(initial.a), Math.log(initial.b)],
    { maxIterations: options.maxIterations, divergenceLimit: DIVERGENCE_LIMIT },
  );
  const [r, alpha, a, b] = toParams(result.point, timeScale);
  const logLikelihood = -result.value * likelihood.customers;
  return { r, alpha, a, b, logLikelihood, iterations: result.iterations, converged: result.converged };
}

function toParams(coordinates: Float64Array, timeScale: number): [r: number, alpha: number, a: number, b: number] {
  return [Math.exp(coordinates[0]), timeScale * Math.exp(coordinates[1]), Math.exp(coordinates[2]), Math.exp(coordinates[3])];
}

/**
 * Log-likelihood of the data at `params`, summed over customers; its gradient with respect to
 * (r, alpha, a, b) goes into `gradient` if one is passed.
 */
export function bgNbdLogLikelihood(params: BgNbdParams, data: BgNbdData, gradient = new Float64Array(4)): number {
  return new BgNbdLikelihood(data).evaluate(params, gradient);
}

// Half-width of the band around a = 1 where expectedPurchases interpolates.
const NEAR_ONE = 1e-4;

/**
 * Expected number of purchases in the next `t` time units by a customer with history (x, tx, T):
 * equation (10) of Fader, Hardie & Lee (2005). Throws (from hypergeometric2F1) when t is more than
 * about 3,000 times alpha + T, far beyond any useful horizon.
 */
export function expectedPurchases(params: BgNbdParams, t: number, x: number, tx: number, T: number): number {
  if (t <= 0) return 0;
  const { a } = params;
  // a = 1 is a removable 0/0 in the formula: interpolate linearly across it.
  if (Math.abs(a - 1) < NEAR_ONE) {
    const below = expectedPurchasesIfAlive({ ...params, a: 1 - NEAR_ONE }, t, x, T);
    const above = expectedPurchasesIfAlive({ ...params, a: 1 + NEAR_ONE }, t, x, T);
    const ifAlive = below + ((a - (1 - NEAR_ONE)) / (2 * NEAR_ONE)) * (above - below);
    return ifAlive * probabilityAlive(params, x, tx, T);
  }
  return expectedPurchasesIfAlive(params, t, x, T) * probabilityAlive(params, x, tx, T);
}

function expectedPurchasesIfAlive({ r, alpha, a, b }: BgNbdParams, t: number, x: number, T: number): number {
  const z = t / (alpha + T + t);
  // ((α+T)/(α+T+t))^(r+x) · ₂F₁(r+x, b+x; a+b+x−1; z) after Euler's transformation, which turns
  // the huge ₂F₁ times tiny power into (1 − z)^(a−1) · ₂F₁(a+b−1−r, a−1; a+b+x−1; z).
  const survivingPart = Math.pow(1 - z, a - 1) * hypergeometric2F1(a + b - 1 - r, a - 1, a + b + x - 1, z);
  return ((a + b + x - 1) / (a - 1)) * (1 - survivingPart);
}

/** P(the customer has not dropped out by T | x, tx, T). Always 1 for x = 0 in this model. */
export function probabilityAlive(params: BgNbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return 1;
  const { r, alpha, a, b } = params;
  const logOdds = Math.log(a / (b + x - 1)) + (r + x) * Math.log((alpha + T) / (alpha + tx));
  return 1 / (1 + Math.exp(logOdds));
}

/**
 * Strong heterogeneity in purchase rates (r = 0.5; published retail fits mostly have r < 1),
 * alpha so the mean rate r / alpha matches the data's purchases per unit of time, and a flat
 * prior on the drop-out probability (a = b = 1).
 */
function defaultStart(data: BgNbdData): BgNbdParams {
  const r = 0.5;
  const rate = repeatPurchaseRate(data);
  return { r, alpha: rate ? r / rate : 1, a: 1, b: 1 };
}

/** Repeat purchases per unit of time over all customers' ages; null when there are none. Both models start from it. */
export function repeatPurchaseRate(data: BgNbdData): number | null {
  let purchases = 0;
  let time = 0;
  for (let i = 0; i < data.x.length; i++) {
    purchases += data.x[i];
    time += data.T[i];
  }
  return purchases > 0 && time > 0 ? purchases / time : null;
}

/**
 * The log-likelihood and its gradient:
 *
 *   ln Lᵢ = ln Γ(r+x) − ln Γ(r) + r ln α + ln B(a, b+x) − ln B(a, b) − (r+x) ln(α+T)
 *           + ln(1 + [x > 0] · a/(b+x−1) · ((α+T)/(α+tx))^(r+x))
 *
 * The gamma and beta terms depend only on x, so they are computed once per distinct x. Customers
 * with x = 0 only add −r ln(α+T), so they are merged by T. What is left per repeat customer is
 * two logs, an exp and a log1p. (Merging repeat customers by (x, tx, T) as well was measured to
 * cost more than it saved on the data timed: with real timestamps such exact ties are rare.)
 */
class BgNbdLikelihood {
  readonly customers: number;
  readonly longestAge: number;
  private readonly distinctX: Float64Array;
  private readonly customersByX: Float64Array;
  private readonly nonRepeatT: Float64Array;
  private readonly nonRepeatCustomers: Float64Array;
  private readonly repeatX: Int32Array; // index into distinctX
  private readonly repeatTx: Float64Array;
  private readonly repeatT: Float64Array;
  // Scratch, refilled by every evaluation.
  private readonly logDropoutOdds: Float64Array;
  private readonly droppedOutSumByX: Float64Array;

  constructor(data: BgNbdData) {
    const count = data.x.length;
    if (data.tx.length !== count || data.T.length !== count) throw new RangeError("x, tx and T must have the same length");
    if (count === 0) throw new RangeError("no customers to fit");

    const x = new DistinctValues();
    const customersByX: number[] = [];
    const nonRepeatT = new Float64Array(count);
    const repeatX = new Int32Array(count);
    const repeatTx = new Float64Array(count);
    const repeatT = new Float64Array(count);
    let nonRepeat = 0;
    let repeat = 0;
    let longestAge = 0;
    for (let i = 0; i < count; i++) {
      const xi = data.x[i];
      const txi = data.tx[i];
      const Ti = data.T[i];
      if (!(Number.isInteger(xi) && xi >= 0)) throw new RangeError(`customer ${i}: x must be a whole number ≥ 0, got ${xi}`);
      if (!(Ti >= 0 && Number.isFinite(Ti))) throw new RangeError(`customer ${i}: T must be finite and ≥ 0, got ${Ti}`);
      if (xi > 0 && !(txi >= 0 && txi <= Ti))
        throw new RangeError(`customer ${i}: tx must be between 0 and T, got tx = ${txi}, T = ${Ti}`);
      const k = x.indexOf(xi);
      customersByX[k] = (customersByX[k] ?? 0) + 1;
      longestAge = Math.max(longestAge, Ti);
      if (xi === 0) {
        nonRepeatT[nonRepeat++] = Ti;
      } else {
        repeatX[repeat] = k;
        repeatTx[repeat] = txi;
        repeatT[repeat++] = Ti;
      }
    }
    const nonRepeatByT = countDistinctPairs(new Int32Array(nonRepeat), nonRepeatT.subarray(0, nonRepeat), 1);

    this.customers = count;
    this.longestAge = longestAge;
    this.distinctX = Float64Array.from(x.values);
    this.customersByX = Float64Array.from(customersByX);
    this.nonRepeatT = nonRepeatByT.key;
    this.nonRepeatCustomers = nonRepeatByT.count;
    this.repeatX = repeatX.slice(0, repeat);
    this.repeatTx = repeatTx.slice(0, repeat);
    this.repeatT = repeatT.slice(0, repeat);
    this.logDropoutOdds = new Float64Array(x.values.length);
    this.droppedOutSumByX = new Float64Array(x.values.length);
  }

  /** Returns ln L and writes ∂ ln L / ∂(r, alpha, a, b) into `gradient`. */
  evaluate({ r, alpha, a, b }: BgNbdParams, gradient: Float64Array): number {
    // Terms that depend only on x: ln Γ(r+x) − ln Γ(r) + ln B(a, b+x) − ln B(a, b) and derivatives.
    const { distinctX, customersByX, logDropoutOdds, droppedOutSumByX } = this;
    const digammaR = digamma(r);
    const digammaB = digamma(b);
    const digammaAB = digamma(a + b);
    const logA = Math.log(a);
    let logLikelihood = this.customers * r * Math.log(alpha);
    let dR = this.customers * Math.log(alpha);
    let dAlpha = (this.customers * r) / alpha;
    let dA = 0;
    let dB = 0;
    for (let k = 0; k < distinctX.length; k++) {
      const x = distinctX[k];
      const customers = customersByX[k];
      droppedOutSumByX[k] = 0;
      if (x === 0) continue; // all x-only terms vanish at x = 0
      logDropoutOdds[k] = logA - Math.log(b + x - 1);
      const digammaABX = digamma(a + b + x);
      logLikelihood += customers * (lnGammaRatio(r, x) + lnGammaRatio(b, x) - lnGammaRatio(a + b, x));
      dR += customers * (digamma(r + x) - digammaR);
      dA += customers * (digammaAB - digammaABX);
      dB += customers * (digamma(b + x) - digammaB + digammaAB - digammaABX);
    }

    // Customers without repeat purchases: −r ln(α+T) each.
    const { nonRepeatT, nonRepeatCustomers } = this;
    for (let i = 0; i < nonRepeatT.length; i++) {
      const customers = nonRepeatCustomers[i];
      const logAlphaPlusT = Math.log(alpha + nonRepeatT[i]);
      logLikelihood -= customers * r * logAlphaPlusT;
      dR -= customers * logAlphaPlusT;
      dAlpha -= (customers * r) / (alpha + nonRepeatT[i]);
    }

    // Repeat customers: −(r+x) ln(α+T) + ln(1 + odds), where the odds are those of having dropped
    // out after the last purchase against being alive.
    const { repeatX, repeatTx, repeatT } = this;
    for (let i = 0; i < repeatX.length; i++) {
      const k = repeatX[i];
      const shape = r + distinctX[k];
      const alphaPlusT = alpha + repeatT[i];
      const alphaPlusTx = alpha + repeatTx[i];
      const logAlphaPlusT = Math.log(alphaPlusT);
      const logRatio = Math.log(alphaPlusT / alphaPlusTx);
      const logOdds = logDropoutOdds[k] + shape * logRatio;
      let logOnePlusOdds: number;
      let droppedOut: number;
      if (logOdds > 0) {
        const inverseOdds = Math.exp(-logOdds);
        logOnePlusOdds = logOdds + Math.log1p(inverseOdds);
        droppedOut = 1 / (1 + inverseOdds);
      } else {
        const odds = Math.exp(logOdds);
        logOnePlusOdds = Math.log1p(odds);
        droppedOut = odds / (1 + odds);
      }
      logLikelihood += logOnePlusOdds - shape * logAlphaPlusT;
      dR += droppedOut * logRatio - logAlphaPlusT;
      dAlpha += shape * (droppedOut * (1 / alphaPlusT - 1 / alphaPlusTx) - 1 / alphaPlusT);
      droppedOutSumByX[k] += droppedOut;
    }
    for (let k = 0; k < distinctX.length; k++) {
      const droppedOut = droppedOutSumByX[k];
      if (droppedOut === 0) continue;
      dA += droppedOut / a;
      dB -= droppedOut / (b + distinctX[k] - 1);
    }

    gradient[0] = dR;
    gradient[1] = dAlpha;
    gradient[2] = dA;
    gradient[3] = dB;
    return logLikelihood;
  }
}
