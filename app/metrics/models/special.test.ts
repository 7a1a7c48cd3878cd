import { describe, expect, it } from "vitest";
import { digamma, hypergeometric2F1, lnBeta, lnGamma, lnGammaRatio } from "./special";

// Reference values from mpmath at 30 digits.
describe("lnGamma", () => {
  it("matches ln √π at 1/2 and ln((n−1)!) at integers", () => {
    expect(lnGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14);
    expect(lnGamma(1)).toBeCloseTo(0, 14);
    expect(lnGamma(2)).toBeCloseTo(0, 14);
    let logFactorial = 0;
    for (let n = 2; n <= 60; n++) {
      expect(lnGamma(n)).toBeCloseTo(logFactorial, 12);
      logFactorial += Math.log(n);
    }
  });

  it("matches reference values from tiny to large arguments", () => {
    const cases: [number, number][] = [
      [1e-8, 18.4206807381802088844527450222],
      [0.1, 2.2527126517342059020062379569],
      [1 / 3, 0.985420646927767127141440978359],
      [2.5, 0.284682870472919159632494669683],
      [7.3, 7.14789252302224869210373015929],
      [10, 12.8018274800814696112077178746],
      [100, 359.13420536957539877604401046],
    ];
    for (const [x, expected] of cases) expect(lnGamma(x)).toBeCloseTo(expected, 13);
    expect(lnGamma(1e6) / 12815504.569147611659976971785).toBeCloseTo(1, 15);
  });

  it("is NaN outside its domain", () => {
    expect(lnGamma(0)).toBeNaN();
    expect(lnGamma(-1.5)).toBeNaN();
  });
});

describe("lnGammaRatio", () => {
  it("matches ln Γ(x + d) − ln Γ(x) to within rounding of the result, also for large x", () => {
    const cases: [number, number, number][] = [
      [1000.5, 3.7, 25.56553125924898928801522138531412439386],
      [1384.12, 3.73, 26.98209361061306210715316523144626031031],
      [12.5, 0.243, 0.6063450846254601984838947657991472226141],
      [2.426, 50, 153.8564620196130269652517550227083115188],
      [0.243, 219, 959.4225727175279278686785524995119725634],
      [1e6, 0.5, 6.90775515398213705205918269738642437348],
    ];
    for (const [x, d, expected] of cases) expect(Math.abs(lnGammaRatio(x, d) / expected - 1)).toBeLessThan(2e-15);
  });
});

describe("digamma", () => {
  it("matches reference values", () => {
    const cases: [number, number][] = [
      [0.5, -1.963510026021423479440976333],
      [1, -0.577215664901532860606512090082],
      [2, 0.422784335098467139393487909918],
      [2.5, 0.703156640645243187225690333668],
      [7.3, 1.91782033563798607229146772371],
      [10, 2.25175258906672110764745616389],
      [100, 4.60016185273808740019860558558],
      [1e6, 13.8155100579641907707746154031],
    ];
    for (const [x, expected] of cases) expect(digamma(x)).toBeCloseTo(expected, 13);
    expect(digamma(1e-8) / -100000000.577215646359936229317).toBeCloseTo(1, 15);
  });

  it("is the derivative of lnGamma", () => {
    for (const x of [0.3, 1.7, 12.5]) {
      const h = 1e-5;
      expect(digamma(x)).toBeCloseTo((lnGamma(x + h) - lnGamma(x - h)) / (2 * h), 8);
    }
  });
});

describe("lnBeta", () => {
  it("matches closed forms", () => {
    expect(lnBeta(1, 1)).toBeCloseTo(0, 14);
    expect(lnBeta(0.5, 0.5)).toBeCloseTo(Math.log(Math.PI), 14);
    expect(lnBeta(2, 3)).toBeCloseTo(Math.log(1 / 12), 14);
    expect(lnBeta(1, 7.5)).toBeCloseTo(-Math.log(7.5), 14);
  });
});

describe("hypergeometric2F1", () => {
  const relative = (actual: number, expected: number) => Math.abs(actual / expected - 1);

  it("matches 2F1(1, 1; 2; z) = −ln(1 − z) / z up to z = 0.999", () => {
    for (const z of [0.01, 0.3, 0.5, 0.7, 0.9, 0.99, 0.999]) {
      expect(relative(hypergeometric2F1(1, 1, 2, z), -Math.log1p(-z) / z)).toBeLessThan(1e-13);
    }
  });

  it("matches other closed forms", () => {
    for (const y of [0.2, 0.6, 0.95]) {
      const z = y * y;
      expect(relative(hypergeometric2F1(0.5, 1, 1.5, z), Math.atanh(y) / y)).toBeLessThan(1e-13);
      expect(relative(hypergeometric2F1(0.5, 0.5, 1.5, z), Math.asin(y) / y)).toBeLessThan(1e-13);
      // 2F1(a, b; b; z) = (1 − z)^−a, which takes Euler's transformation (c − a − b < 0).
      expect(relative(hypergeometric2F1(2.7, 1.3, 1.3, z), Math.pow(1 - z, -2.7))).toBeLessThan(1e-13);
    }
    expect(hypergeometric2F1(1, 1, 2, 0)).toBe(1);
    // A non-positive integer a ends the series: 2F1(−2, b; c; z) = 1 − 2bz/c + b(b+1)z²/(c(c+1)).
    expect(hypergeometric2F1(-2, 3, 4, 0.5)).toBeCloseTo(1 - (2 * 3 * 0.5) / 4 + (3 * 4 * 0.25) / (4 * 5), 15);
  });

  it("matches reference values, including large ones and negative parameters", () => {
    const cases: [number, number, number, number, number][] = [
      [0.5, 1, 1.5, 0.81, 1.63579943287024481932877473425],
      [1.976, -0.207, 2.219, 0.99, 0.550812771867190257598217851287],
      [2.243, 4.426, 5.219, 0.47, 3.25296120883215710070200224301],
      [3.5, 2.1, 1.2, 0.95, 1375851.3380293175565076467901],
      [30, 40, 20, 0.9, 2.69787332287634134335731951307e52],
      [0.4, -0.7, -0.489, 0.6, 1.49671454689104101705358670158],
    ];
    for (const [a, b, c, z, expected] of cases) expect(relative(hypergeometric2F1(a, b, c, z), expected)).toBeLessThan(1e-12);
  });

  it("rejects arguments outside its domain", () => {
    expect(() => hypergeometric2F1(1, 1, 2, 1)).toThrow(RangeError);
    expect(() => hypergeometric2F1(1, 1, 2, -0.1)).toThrow(RangeError);
    expect(() => hypergeometric2F1(1, 1, 0, 0.5)).toThrow(RangeError);
    expect(() => hypergeometric2F1(1, 1, -2, 0.5)).toThrow(RangeError);
    expect(() => hypergeometric2F1(1, 1, 2, 1 - 1e-9)).toThrow(/did not converge/);
  });
});
