import { describe, expect, it } from "vitest";
import { minimizeBfgs, numericGradient } from "./optimize";

function rosenbrock(point: Float64Array, gradient: Float64Array): number {
  const [x, y] = point;
  gradient[0] = -2 * (1 - x) - 400 * x * (y - x * x);
  gradient[1] = 200 * (y - x * x);
  return (1 - x) ** 2 + 100 * (y - x * x) ** 2;
}

describe("minimizeBfgs", () => {
  it("finds the minimum of a quadratic", () => {
    const result = minimizeBfgs(
      (p, g) => {
        g[0] = 2 * (p[0] - 3);
        g[1] = 20 * (p[1] + 1);
        g[2] = 2 * (p[2] - 0.5) + (p[0] - 3);
        return (p[0] - 3) ** 2 + 10 * (p[1] + 1) ** 2 + (p[2] - 0.5) ** 2 + (p[0] - 3) * (p[2] - 0.5);
      },
      [0, 0, 0],
    );
    expect(result.converged).toBe(true);
    expect(Array.from(result.point)).toEqual([expect.closeTo(3, 8), expect.closeTo(-1, 8), expect.closeTo(0.5, 8)]);
  });

  it("follows the Rosenbrock valley to (1, 1), the same way every time", () => {
    const first = minimizeBfgs(rosenbrock, [-1.2, 1]);
    const second = minimizeBfgs(rosenbrock, [-1.2, 1]);
    expect(first.converged).toBe(true);
    expect(first.point[0]).toBeCloseTo(1, 6);
    expect(first.point[1]).toBeCloseTo(1, 6);
    expect(second).toEqual(first);
  });

  it("reports no convergence when it runs out of iterations", () => {
    const result = minimizeBfgs(rosenbrock, [-1.2, 1], { maxIterations: 3 });
    expect(result.converged).toBe(false);
    expect(result.iterations).toBe(3);
  });

  it("backs off from steps where the objective is not finite", () => {
    // ln-barrier at x = 2: stepping past it gives NaN.
    const result = minimizeBfgs(
      (p, g) => {
        g[0] = -1 + 1 / (2 - p[0]);
        return -p[0] - Math.log(2 - p[0]);
      },
      [0],
      { maxStep: 10 },
    );
    expect(result.converged).toBe(true);
    expect(result.point[0]).toBeCloseTo(1, 8);
  });

  it("converges when rounding noise in the objective exceeds the decrease of a good step", () => {
    // Rosenbrock on top of a large value with 1e-12 relative noise, as when summing many customers'
    // log-likelihoods; the gradient stays exact.
    const result = minimizeBfgs(
      (p, g) => 1000 + rosenbrock(p, g) * (1 + 1e-12 * Math.sin(1e9 * p[0] + 3e8 * p[1])) + 1e-9 * Math.sin(1e9 * p[0]),
      [-1.2, 1],
      { gradientTolerance: 1e-10 },
    );
    expect(result.converged).toBe(true);
    expect(result.point[0]).toBeCloseTo(1, 10);
    expect(result.point[1]).toBeCloseTo(1, 10);
  });

  it("starts from steepest descent where the curvature is negative", () => {
    // x⁴ − 2x² is concave at 0.1, so the finite-difference Hessian cannot serve as a start.
    const result = minimizeBfgs(
      (p, g) => {
        g[0] = 4 * p[0] ** 3 - 4 * p[0];
        return p[0] ** 4 - 2 * p[0] ** 2;
      },
      [0.1],
    );
    expect(result.converged).toBe(true);
    expect(result.point[0]).toBeCloseTo(1, 9);
  });

  it("gives up when a coordinate runs off towards infinity", () => {
    // e^−x has no minimum: x grows without bound.
    const result = minimizeBfgs(
      (p, g) => {
        g[0] = -Math.exp(-p[0]);
        return Math.exp(-p[0]);
      },
      [0],
      { divergenceLimit: 20 },
    );
    expect(result.converged).toBe(false);
    expect(result.point[0]).toBeGreaterThan(20);
    expect(result.iterations).toBeLessThan(50);
  });

  it("refuses a start where the objective is not finite", () => {
    expect(() => minimizeBfgs((p) => Math.log(p[0]), [-1])).toThrow(RangeError);
  });
});

describe("numericGradient", () => {
  it("agrees with the analytic gradient", () => {
    const analytic = new Float64Array(2);
    rosenbrock(Float64Array.of(0.3, -0.4), analytic);
    const numeric = numericGradient((p) => rosenbrock(p, new Float64Array(2)), [0.3, -0.4]);
    expect(numeric[0]).toBeCloseTo(analytic[0], 6);
    expect(numeric[1]).toBeCloseTo(analytic[1], 6);
  });
});
