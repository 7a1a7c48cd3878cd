// Unconstrained minimisation by BFGS (Nocedal & Wright, "Numerical Optimization", ch. 6) with a
// backtracking line search and analytic gradients. The models minimise over log-parameters, so
// every parameter stays positive without bounds. Deterministic: no random starts, and the same
// input gives the same sequence of steps.

/** Returns f(point) and writes ∇f(point) into `gradient`. */
export type Objective = (point: Float64Array, gradient: Float64Array) => number;

export interface MinimizeOptions {
  /** Default 500. */
  maxIterations?: number;
  /** Converged when every gradient component is at most this in absolute value. Default 1e-9. */
  gradientTolerance?: number;
  /** Largest change of any coordinate in one step (in log-parameters: a factor e² per step). Default 2. */
  maxStep?: number;
  /**
   * Give up, unconverged, once any coordinate exceeds this in absolute value: on data that do not
   * pin the parameters down, a log-parameter runs off towards ±∞ and would use up every iteration.
   * Default Infinity.
   */
  divergenceLimit?: number;
}

export interface MinimizeResult {
  point: Float64Array;
  value: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
}

const ARMIJO_SUFFICIENT_DECREASE = 1e-4;
const MAX_BACKTRACKS = 40;
// Near the optimum the decrease a good step achieves falls below the rounding error of summing
// thousands of terms, and Armijo's test on values turns into a coin toss. Within this relative
// allowance, the "approximate Wolfe" test of Hager & Zhang (2005) decides on the slope at the
// candidate instead, which stays accurate: for a quadratic it is the same test.
const ROUNDING_ALLOWANCE = 1e-10;
// Should rounding still make the line search creep along in ever tinier steps, a step this small
// in every coordinate ends the search.
const NEGLIGIBLE_STEP = 1e-10;

export function minimizeBfgs(objective: Objective, start: ArrayLike<number>, options: MinimizeOptions = {}): MinimizeResult {
  const maxIterations = options.maxIterations ?? 500;
  const gradientTolerance = options.gradientTolerance ?? 1e-9;
  const maxStep = options.maxStep ?? 2;
  const divergenceLimit = options.divergenceLimit ?? Number.POSITIVE_INFINITY;
  const n = start.length;

  let point = Float64Array.from(start);
  let gradient = new Float64Array(n);
  let value = objective(point, gradient);
  let evaluations = 1;
  if (!Number.isFinite(value) || !gradient.every(Number.isFinite)) {
    throw new RangeError("the objective is not finite at the starting point");
  }

  // Approximation of the inverse Hessian, row-major n × n. Starting from the inverse of a
  // finite-difference Hessian, when that is positive definite, saves about half the iterations
  // BFGS otherwise spends learning the curvature from the identity.
  const inverseHessian = new Float64Array(n * n);
  let hessianIsIdentity = !invertedDifferenceHessian(objective, point, gradient, inverseHessian);
  evaluations += n;
  if (hessianIsIdentity) resetToIdentity(inverseHessian, n);

  let candidate = new Float64Array(n);
  let candidateGradient = new Float64Array(n);
  const direction = new Float64Array(n);
  const stepTaken = new Float64Array(n);
  const gradientChange = new Float64Array(n);
  const hessianTimesChange = new Float64Array(n);

  for (let iteration = 0; iteration < maxIterations; iteration++) {
    if (maxAbs(gradient) <= gradientTolerance) return { point, value, iterations: iteration, evaluations, converged: true };

    multiply(inverseHessian, gradient, direction, -1);
    let slope = dot(direction, gradient);
    if (!(slope < 0)) {
      // Not a descent direction (the approximation went bad): fall back to steepest descent.
      resetToIdentity(inverseHessian, n);
      hessianIsIdentity = true;
      for (let i = 0; i < n; i++) direction[i] = -gradient[i];
      slope = dot(direction, gradient);
    }
    const largest = maxAbs(direction);
    if (largest > maxStep) {
      const shrink = maxStep / largest;
      for (let i = 0; i < n; i++) direction[i] *= shrink;
      slope *= shrink;
    }

    // Backtracking line search: halve the step until it decreases the objective enough (or, within
    // rounding, flattens the slope enough); non-finite values count as too far.
    let step = 1;
    let candidateValue = Number.NaN;
    let accepted = false;
    for (let backtrack = 0; backtrack < MAX_BACKTRACKS; backtrack++) {
      for (let i = 0; i < n; i++) candidate[i] = point[i] + step * direction[i];
      candidateValue = objective(candidate, candidateGradient);
      evaluations++;
      if (Number.isFinite(candidateValue) && candidateGradient.every(Number.isFinite)) {
        const sufficientDecrease = candidateValue <= value + ARMIJO_SUFFICIENT_DECREASE * step * slope;
        const approximateWolfe =
          candidateValue <= value + ROUNDING_ALLOWANCE * Math.abs(value) &&
          dot(direction, candidateGradient) <= (2 * ARMIJO_SUFFICIENT_DECREASE - 1) * slope;
        if (sufficientDecrease || approximateWolfe) {
          accepted = true;
          break;
        }
      }
      step *= 0.5;
    }
    if (!accepted) {
      // No progress along a quasi-Newton direction: retry once along the gradient before giving up.
      if (hessianIsIdentity) return { point, value, iterations: iteration, evaluations, converged: false };
      resetToIdentity(inverseHessian, n);
      hessianIsIdentity = true;
      continue;
    }

    for (let i = 0; i < n; i++) {
      stepTaken[i] = candidate[i] - point[i];
      gradientChange[i] = candidateGradient[i] - gradient[i];
    }
    if (maxAbs(stepTaken) <= NEGLIGIBLE_STEP) {
      const converged = maxAbs(candidateGradient) <= gradientTolerance;
      return { point: candidate, value: candidateValue, iterations: iteration + 1, evaluations, converged };
    }
    const curvature = dot(stepTaken, gradientChange);
    // Only update when the curvature condition holds, which keeps the approximation positive definite.
    if (curvature > 1e-12 * Math.sqrt(dot(stepTaken, stepTaken) * dot(gradientChange, gradientChange))) {
      if (hessianIsIdentity) {
        // Scale the identity to the observed curvature before the first update (Nocedal & Wright 6.20).
        const scale = curvature / dot(gradientChange, gradientChange);
        for (let i = 0; i < n; i++) inverseHessian[i * n + i] = scale;
      }
      updateInverseHessian(inverseHessian, n, stepTaken, gradientChange, curvature, hessianTimesChange);
      hessianIsIdentity = false;
    }

    [point, candidate] = [candidate, point];
    [gradient, candidateGradient] = [candidateGradient, gradient];
    value = candidateValue;
    if (maxAbs(point) > divergenceLimit) return { point, value, iterations: iteration + 1, evaluations, converged: false };
  }
  return { point, value, iterations: maxIterations, evaluations, converged: maxAbs(gradient) <= gradientTolerance };
}

/** Central-difference gradient with steps relative to each coordinate; for checking analytic gradients. */
export function numericGradient(f: (point: Float64Array) => number, point: ArrayLike<number>, relativeStep = 1e-6): Float64Array {
  const shifted = Float64Array.from(point);
  const gradient = new Float64Array(point.length);
  for (let i = 0; i < point.length; i++) {
    const h = relativeStep * Math.max(1, Math.abs(point[i]));
    shifted[i] = point[i] + h;
    const up = f(shifted);
    shifted[i] = point[i] - h;
    const down = f(shifted);
    shifted[i] = point[i];
    gradient[i] = (up - down) / (2 * h);
  }
  return gradient;
}

// Writes the inverse of the symmetrised forward-difference Hessian into `inverse` and returns true,
// or returns false when that Hessian is not positive definite (or not finite).
function invertedDifferenceHessian(
  objective: Objective,
  point: Float64Array,
  gradient: Float64Array,
  inverse: Float64Array,
): boolean {
  const n = point.length;
  const hessian = new Float64Array(n * n);
  const shifted = Float64Array.from(point);
  const shiftedGradient = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const h = 1e-5 * Math.max(1, Math.abs(point[i]));
    shifted[i] = point[i] + h;
    objective(shifted, shiftedGradient);
    shifted[i] = point[i];
    for (let j = 0; j < n; j++) hessian[i * n + j] = (shiftedGradient[j] - gradient[j]) / h;
  }
  // Cholesky factor L (lower triangle, row-major) of (H + Hᵀ) / 2.
  const factor = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = (hessian[i * n + j] + hessian[j * n + i]) / 2;
      for (let k = 0; k < j; k++) sum -= factor[i * n + k] * factor[j * n + k];
      if (i === j) {
        if (!(sum > 0)) return false;
        factor[i * n + i] = Math.sqrt(sum);
      } else {
        factor[i * n + j] = sum / factor[j * n + j];
      }
    }
  }
  // H⁻¹ = L⁻ᵀ L⁻¹, column by column: solve L y = eₖ, then Lᵀ x = y.
  const column = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < n; i++) {
      let sum = i === k ? 1 : 0;
      for (let j = 0; j < i; j++) sum -= factor[i * n + j] * column[j];
      column[i] = sum / factor[i * n + i];
    }
    for (let i = n - 1; i >= 0; i--) {
      let sum = column[i];
      for (let j = i + 1; j < n; j++) sum -= factor[j * n + i] * column[j];
      column[i] = sum / factor[i * n + i];
    }
    for (let i = 0; i < n; i++) inverse[i * n + k] = column[i];
  }
  return inverse.every(Number.isFinite);
}

// H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ with ρ = 1 / (yᵀ s), expanded so it costs O(n²).
function updateInverseHessian(
  inverseHessian: Float64Array,
  n: number,
  step: Float64Array,
  gradientChange: Float64Array,
  curvature: number,
  hessianTimesChange: Float64Array,
): void {
  const rho = 1 / curvature;
  multiply(inverseHessian, gradientChange, hessianTimesChange, 1);
  const changeHessianChange = dot(gradientChange, hessianTimesChange);
  const outerScale = rho * rho * changeHessianChange + rho;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      inverseHessian[i * n + j] +=
        outerScale * step[i] * step[j] - rho * (hessianTimesChange[i] * step[j] + step[i] * hessianTimesChange[j]);
    }
  }
}

function resetToIdentity(matrix: Float64Array, n: number): void {
  matrix.fill(0);
  for (let i = 0; i < n; i++) matrix[i * n + i] = 1;
}

function multiply(matrix: Float64Array, vector: Float64Array, out: Float64Array, sign: number): void {
  const n = vector.length;
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < n; j++) sum += matrix[i * n + j] * vector[j];
    out[i] = sign * sum;
  }
}

function dot(u: Float64Array, v: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < u.length; i++) sum += u[i] * v[i];
  return sum;
}

function maxAbs(vector: Float64Array): number {
  let largest = 0;
  for (let i = 0; i < vector.length; i++) largest = Math.max(largest, Math.abs(vector[i]));
  return largest;
}
