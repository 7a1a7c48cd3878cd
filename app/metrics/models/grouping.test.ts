import { describe, expect, it } from "vitest";
import { countDistinctPairs, DistinctValues } from "./grouping";

describe("DistinctValues", () => {
  it("numbers values by first appearance", () => {
    const values = new DistinctValues();
    expect([2.5, 7, 2.5, 0, 7].map((value) => values.indexOf(value))).toEqual([0, 1, 0, 2, 1]);
    expect(values.values).toEqual([2.5, 7, 0]);
  });
});

describe("countDistinctPairs", () => {
  it("counts each (group, key) pair, ordered by group then key", () => {
    const pairs = countDistinctPairs(Int32Array.of(1, 0, 1, 1, 0, 2), Float64Array.of(3.5, 9, 3.5, -1, 9, 0), 3);
    expect(Array.from(pairs.group)).toEqual([0, 1, 1, 2]);
    expect(Array.from(pairs.key)).toEqual([9, -1, 3.5, 0]);
    expect(Array.from(pairs.count)).toEqual([2, 1, 2, 1]);
  });

  it("handles no rows and empty groups", () => {
    const pairs = countDistinctPairs(new Int32Array(0), new Float64Array(0), 2);
    expect(pairs.count.length).toBe(0);
  });
});
