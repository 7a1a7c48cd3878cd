// Gamma-Gamma model of spend per transaction (Fader & Hardie, "The Gamma-Gamma Model of Monetary
// Value", 2013, building on Colombo & Jiang 1999). Each transaction value of a customer is
// Gamma(p, ν) with ν ~ Gamma(q, gamma) across customers; so a customer's mean spend mbar over x
// transactions is Gamma(p·x, ν·x). Fitted only on customers with x > 0 (repeat transactions).

import { countDistinctPairs, DistinctValues } from "./grouping";
import { minimizeBfgs } from "./optimize";
import { digamma, lnGamma, lnGammaRatio } from "./special";

/**
 * Per customer: x = number of repeat transactions, mbar = their mean value (any currency unit,
 * as a plain number). Customers with x = 0 are ignored; those with x > 0 need mbar > 0.
 */
export interface GammaGammaData {
  x: ArrayLike<number>;
  mbar: ArrayLike<number>;
}

export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

export interface GammaGammaFit extends GammaGammaParams {
  /** Summed over the customers with x > 0, at the fitted parameters. */
  logLikelihood: number;
  iterations: number;
  converged: boolean;
  /** Customers the fit used (those with x > 0). */
  customers: number;
}

export interface GammaGammaFitOptions {
  initial?: GammaGammaParams;
  maxIterations?: number;
}

// As in fitBgNbd: more than a factor of 10,000 from the reference (1 for p and q, the average
// mbar for gamma) a parameter is running off to 0 or infinity.
const DIVERGENCE_LIMIT = Math.log(1e4);

/**
 * Maximum-likelihood fit with analytic gradients, over the logs of p, q and gamma / (average mbar):
 * all three stay positive, and gamma is judged relative to the data's money scale.
 */
export function fitGammaGamma(data: GammaGammaData, options: GammaGammaFitOptions = {}): GammaGammaFit {
  const likelihood = new GammaGammaLikelihood(data);
  const spendScale = likelihood.averageMeanSpend;
  // p = 1, q = 2 puts the population mean spend p·gamma/(q−1) at the average mbar.
  const initial = options.initial ?? { p: 1, q: 2, gamma: spendScale };
  const result = minimizeBfgs(
    (coordinates, gradient) => {
      const [p, q, gamma] = toParams(coordinates, spendScale);
      const customers = likelihood.customers;
      // Mean per customer and chain rule to log-parameters, as in fitBgNbd.
      const value = -likelihood.evaluate({ p, q, gamma }, gradient) / customers;
      gradient[0] *= -p / customers;
      gradient[1] *= -q / customers;
      gradient[2] *= -gamma / customers;
      return value;
    },
    [Math.log(initial.p), Math.log(initial.q), Math.log(initial.gamma / spendScale)],
    { maxIterations: options.maxIterations, divergenceLimit: DIVERGENCE_LIMIT },
  );
  const [p, q, gamma] = toParams(result.point, spendScale);
  return {
    p,
    q,
    gamma,
    logLikelihood: -result.value * likelihood.customers,
    iterations: result.iterations,
    converged: result.converged,
    customers: likelihood.customers,
  };
}

function toParams(coordinates: Float64Array, spendScale: number): [p: number, q: number, gamma: number] {
  return [Math.exp(coordinates[0]), Math.exp(coordinates[1]), spendScale * Math.exp(coordinates[2])];
}

/**
 * Log-likelihood of the customers with x > 0 at `params`; its gradient with respect to
 * (p, q, gamma) goes into `gradient` if one is passed.
 */
export function gammaGammaLogLikelihood(params: GammaGammaParams, data: GammaGammaData, gradient = new Float64Array(3)): number {
  return new GammaGammaLikelihood(data).evaluate(params, gradient);
}

/**
 * E[spend per transaction | x, mbar] = p (gamma + x·mbar) / (p·x + q − 1): a weighted average of
 * the population mean p·gamma/(q−1) and the customer's own mbar. For x = 0 it is the population
 * mean. Infinity when p·x + q ≤ 1 (the posterior mean does not exist).
 */
export function expectedAverageSpend(params: GammaGammaParams, x: number, mbar: number): number {
  const { p, q, gamma } = params;
  const denominator = p * x + q - 1;
  if (denominator <= 0) return Number.POSITIVE_INFINITY;
  return (p * (gamma + x * mbar)) / denominator;
}

/**
 * ln f(mbar | x) = ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln gamma + (px−1) ln mbar + px ln x
 *                 − (px+q) ln(gamma + x·mbar)
 * Everything but the last log depends only on x or on the data, so it is gathered per distinct x;
 * identical (x, mbar) customers are merged into one weighted row.
 */
class GammaGammaLikelihood {
  readonly customers: number;
  readonly averageMeanSpend: number;
  private readonly distinctX: Float64Array;
  private readonly customersByX: Float64Array;
  private readonly sumLogMeanSpendByX: Float64Array;
  private readonly rowX: Int32Array;
  private readonly rowTotalSpend: Float64Array; // x · mbar
  private readonly rowWeight: Float64Array;
  // Scratch, refilled by every evaluation: sums of ln(scale) and 1/scale, scale = gamma + x·mbar
  // (the rate of ν's posterior).
  private readonly sumLogScaleByX: Float64Array;
  private readonly sumInverseScaleByX: Float64Array;

  constructor(data: GammaGammaData) {
    const count = data.x.length;
    if (data.mbar.length !== count) throw new RangeError("x and mbar must have the same length");
    const x = new DistinctValues();
    const customerX: number[] = [];
    const customerMeanSpend: number[] = [];
    let spend = 0;
    for (let i = 0; i < count; i++) {
      const xi = data.x[i];
      const mbar = data.mbar[i];
      if (!(Number.isInteger(xi) && xi >= 0)) throw new RangeError(`customer ${i}: x must be a whole number ≥ 0, got ${xi}`);
      if (xi === 0) continue;
      if (!(mbar > 0 && Number.isFinite(mbar)))
        throw new RangeError(`customer ${i}: mbar must be positive when x > 0, got ${mbar}`);
      const k = x.indexOf(xi);
      customerX.push(k);
      customerMeanSpend.push(mbar);
      spend += mbar;
    }
    if (customerX.length === 0) throw new RangeError("no customers with repeat transactions to fit");

    const xValues = x.values;
    const rows = countDistinctPairs(Int32Array.from(customerX), Float64Array.from(customerMeanSpend), xValues.length);
    const customersByX = new Float64Array(xValues.length);
    const sumLogMeanSpendByX = new Float64Array(xValues.length);
    const rowTotalSpend = new Float64Array(rows.key.length);
    for (let row = 0; row < rows.key.length; row++) {
      const k = rows.group[row];
      customersByX[k] += rows.count[row];
      sumLogMeanSpendByX[k] += rows.count[row] * Math.log(rows.key[row]);
      rowTotalSpend[row] = xValues[k] * rows.key[row];
    }

    this.customers = customerX.length;
    this.averageMeanSpend = spend / customerX.length;
    this.distinctX = Float64Array.from(xValues);
    this.customersByX = customersByX;
    this.sumLogMeanSpendByX = sumLogMeanSpendByX;
    this.rowX = rows.group;
    this.rowTotalSpend = rowTotalSpend;
    this.rowWeight = rows.count;
    this.sumLogScaleByX = new Float64Array(xValues.length);
    this.sumInverseScaleByX = new Float64Array(xValues.length);
  }

  /** Returns ln L and writes ∂ ln L / ∂(p, q, gamma) into `gradient`. */
  evaluate({ p, q, gamma }: GammaGammaParams, gradient: Float64Array): number {
    const { distinctX, customersByX, sumLogMeanSpendByX, sumLogScaleByX, sumInverseScaleByX } = this;
    const { rowX, rowTotalSpend, rowWeight } = this;
    sumLogScaleByX.fill(0);
    sumInverseScaleByX.fill(0);
    for (let row = 0; row < rowX.length; row++) {
      const scale = gamma + rowTotalSpend[row];
      sumLogScaleByX[rowX[row]] += rowWeight[row] * Math.log(scale);
      sumInverseScaleByX[rowX[row]] += rowWeight[row] / scale;
    }

    const logGamma = Math.log(gamma);
    const lnGammaQ = lnGamma(q);
    const digammaQ = digamma(q);
    let logLikelihood = 0;
    let dP = 0;
    let dQ = 0;
    let dGamma = 0;
    for (let k = 0; k < distinctX.length; k++) {
      const x = distinctX[k];
      const customers = customersByX[k];
      const px = p * x;
      const logX = Math.log(x);
      const digammaPxQ = digamma(px + q);
      logLikelihood +=
        customers * (lnGammaRatio(px, q) - lnGammaQ + q * logGamma + px * logX) +
        (px - 1) * sumLogMeanSpendByX[k] -
        (px + q) * sumLogScaleByX[k];
      dP += x * (customers * (digammaPxQ - digamma(px) + logX) + sumLogMeanSpendByX[k] - sumLogScaleByX[k]);
      dQ += customers * (digammaPxQ - digammaQ + logGamma) - sumLogScaleByX[k];
      dGamma += (customers * q) / gamma - (px + q) * sumInverseScaleByX[k];
    }
    gradient[0] = dP;
    gradient[1] = dQ;
    gradient[2] = dGamma;
    return logLikelihood;
  }
}
