// Special functions the purchase models need, for positive real arguments only.
// Accuracy: lnGamma and digamma to about 1e-15 absolute for moderate arguments (relative for
// large ones); hypergeometric2F1 to the requested tolerance (default 1e-15 relative).

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

// Below this the asymptotic series is not accurate enough, so the argument is shifted up first.
const ASYMPTOTIC_THRESHOLD = 10;

// Bernoulli-number coefficients of the asymptotic series: B₂ₖ / (2k (2k − 1)) for ln Γ and
// B₂ₖ / 2k for ψ, k = 1, 2, …
const LN_GAMMA_SERIES = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156, -3617 / 122400];
const DIGAMMA_SERIES = [1 / 12, -1 / 120, 1 / 252, -1 / 240, 1 / 132, -691 / 32760, 1 / 12];

/**
 * ln Γ(x) for x > 0: Stirling's series at x + k ≥ 10, shifted back down with
 * Γ(x) = Γ(x + k) / (x (x + 1) … (x + k − 1)). The series error at 10 is below 1e-17.
 */
export function lnGamma(x: number): number {
  if (!(x > 0)) return Number.NaN;
  let shiftProduct = 1;
  while (x < ASYMPTOTIC_THRESHOLD) {
    shiftProduct *= x;
    x += 1;
  }
  return (x - 0.5) * Math.log(x) - x + HALF_LOG_TWO_PI + stirlingCorrection(x) - Math.log(shiftProduct);
}

/**
 * ln Γ(x + d) − ln Γ(x) for x > 0 and x + d > 0, without the cancellation of subtracting two
 * large lnGamma values (at x = 1000 that loses three digits, enough to stall a fit on noise).
 */
export function lnGammaRatio(x: number, d: number): number {
  const y = x + d;
  if (x < ASYMPTOTIC_THRESHOLD || y < ASYMPTOTIC_THRESHOLD) return lnGamma(y) - lnGamma(x);
  // Difference of the two Stirling series, with (y − ½) ln y − (x − ½) ln x rearranged around log1p.
  return (x - 0.5) * Math.log1p(d / x) + d * (Math.log(y) - 1) + stirlingCorrection(y) - stirlingCorrection(x);
}

// Σ coefficients[k] · u^k for k = 0, 1, …, by Horner's rule.
function polynomial(coefficients: readonly number[], u: number): number {
  let sum = 0;
  for (let k = coefficients.length - 1; k >= 0; k--) sum = sum * u + coefficients[k];
  return sum;
}

// ln Γ(x) − [(x − ½) ln x − x + ½ ln 2π] for x ≥ 10, to below 1e-17.
function stirlingCorrection(x: number): number {
  return polynomial(LN_GAMMA_SERIES, 1 / (x * x)) / x;
}

/** ψ(x) = d/dx ln Γ(x) for x > 0, by the same shift-then-asymptotic-series scheme as lnGamma. */
export function digamma(x: number): number {
  if (!(x > 0)) return Number.NaN;
  let shiftSum = 0;
  while (x < ASYMPTOTIC_THRESHOLD) {
    shiftSum += 1 / x;
    x += 1;
  }
  const inverseSquared = 1 / (x * x);
  return Math.log(x) - 0.5 / x - inverseSquared * polynomial(DIGAMMA_SERIES, inverseSquared) - shiftSum;
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b), for a, b > 0. */
export function lnBeta(a: number, b: number): number {
  return lnGamma(a) + lnGamma(b) - lnGamma(a + b);
}

/** Enough for z = 0.999 at full precision (about 35,000 terms); beyond that, say so. */
export const HYPERGEOMETRIC_MAX_TERMS = 100_000;

/**
 * Gauss hypergeometric function ₂F₁(a, b; c; z) for 0 ≤ z < 1 and c not 0, −1, −2, …, by its power series.
 *
 * When c − a − b < 0 the series grows like (1 − z)^(c−a−b) near z = 1, so Euler's transformation
 * ₂F₁(a, b; c; z) = (1 − z)^(c−a−b) ₂F₁(c − a, c − b; c; z) is used instead; the series summed
 * then always converges at z = 1 too, and its terms shrink at least like zⁿ. Summing stops
 * when an estimate of the remaining tail is below `tolerance` times the sum; that takes about
 * ln(tolerance) / ln(z) terms: ~3,500 at z = 0.99, ~35,000 at z = 0.999. Past
 * HYPERGEOMETRIC_MAX_TERMS it throws rather than return an inaccurate value.
 * The value itself can overflow when c − a − b is very negative and z is close to 1; callers
 * that multiply by a power of (1 − z) should apply the transformation themselves (bgnbd.ts does).
 */
export function hypergeometric2F1(a: number, b: number, c: number, z: number, tolerance = 1e-15): number {
  if (!(z >= 0 && z < 1)) throw new RangeError(`hypergeometric2F1 needs 0 ≤ z < 1, got z = ${z}`);
  // The series is defined for any c but 0, −1, −2, …: a BG/NBD fit with a + b < 1 gives c in (−1, 0).
  if (!(c > 0 || c !== Math.floor(c))) throw new RangeError(`hypergeometric2F1 needs c ≠ 0, −1, −2, …, got c = ${c}`);
  const excess = c - a - b;
  if (excess < 0) return Math.pow(1 - z, excess) * powerSeries2F1(c - a, c - b, c, z, tolerance);
  return powerSeries2F1(a, b, c, z, tolerance);
}

function powerSeries2F1(a: number, b: number, c: number, z: number, tolerance: number): number {
  let term = 1;
  let sum = 1;
  for (let n = 0; n < HYPERGEOMETRIC_MAX_TERMS; n++) {
    const ratio = (((a + n) * (b + n)) / ((c + n) * (n + 1))) * z;
    term *= ratio;
    sum += term;
    if (term === 0) return sum; // a or b is a non-positive integer: a polynomial
    // The ratio of successive terms tends to z; bound the tail by a geometric series with the
    // larger of the two, once terms are shrinking.
    const tailRatio = Math.max(Math.abs(ratio), z);
    if (tailRatio < 1 && (Math.abs(term) * tailRatio) / (1 - tailRatio) <= tolerance * Math.abs(sum)) return sum;
  }
  throw new RangeError(`hypergeometric2F1(${a}, ${b}; ${c}; ${z}) did not converge in ${HYPERGEOMETRIC_MAX_TERMS} terms`);
}
