import { describe, expect, it } from "vitest";
import { BUCKETS, holdoutBucket, isHeldOut } from "./holdout";

const gid = (n: number) => `gid://shopify/Customer/${7_000_000_000 + n}`;
const SALT = "program-salt-1";

describe("holdoutBucket", () => {
  it("is deterministic, in range, and depends on the salt", () => {
    expect(holdoutBucket(gid(1), SALT)).toBe(holdoutBucket(gid(1), SALT));
    const buckets = Array.from({ length: 100 }, (_, i) => holdoutBucket(gid(i), SALT));
    expect(buckets.every((b) => Number.isInteger(b) && b >= 0 && b < BUCKETS)).toBe(true);
    const other = Array.from({ length: 100 }, (_, i) => holdoutBucket(gid(i), "program-salt-2"));
    expect(other.filter((b, i) => b === buckets[i]).length).toBeLessThan(3);
  });

  it("spreads customers uniformly (chi-squared over 20 equal ranges)", () => {
    const counts = new Array(20).fill(0);
    const n = 100_000;
    for (let i = 0; i < n; i++) counts[Math.floor((holdoutBucket(gid(i), SALT) * 20) / BUCKETS)]++;
    const expected = n / 20;
    const chiSquared = counts.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
    expect(chiSquared).toBeLessThan(43.82); // the 99.9th percentile of chi-squared with 19 degrees of freedom
  });
});

describe("isHeldOut", () => {
  const customers = Array.from({ length: 50_000 }, (_, i) => gid(i));
  const share = (percent: number) => customers.filter((c) => isHeldOut(c, SALT, percent)).length / customers.length;

  it("holds out the chosen share", () => {
    expect(share(0)).toBe(0);
    // Binomial standard deviation at 10 % of 50,000 is 0.13 points; 4 of them allowed.
    expect(Math.abs(share(10) - 0.1)).toBeLessThan(0.0054);
    expect(Math.abs(share(2.5) - 0.025)).toBeLessThan(0.0028);
    expect(Math.abs(share(50) - 0.5)).toBeLessThan(0.009);
  });

  it("only adds customers to the holdout when the share goes up", () => {
    const atFive = customers.filter((c) => isHeldOut(c, SALT, 5));
    expect(atFive.every((c) => isHeldOut(c, SALT, 10))).toBe(true);
  });
});
