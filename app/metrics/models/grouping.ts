// Collapsing per-customer rows into distinct values with counts, so the likelihoods loop over
// distinct histories rather than customers.

/** Numbers each distinct value by first appearance. */
export class DistinctValues {
  readonly values: number[] = [];
  private readonly index = new Map<number, number>();

  indexOf(value: number): number {
    let index = this.index.get(value);
    if (index === undefined) {
      index = this.values.length;
      this.index.set(value, index);
      this.values.push(value);
    }
    return index;
  }
}

export interface DistinctPairs {
  group: Int32Array;
  key: Float64Array;
  count: Float64Array;
}

/**
 * The distinct (group, key) pairs among `groups[i], keys[i]` with how often each occurs, ordered by
 * group then key. Groups are small integers below `groupCount`.
 */
export function countDistinctPairs(groups: Int32Array, keys: Float64Array, groupCount: number): DistinctPairs {
  // Counting sort by group, then a native sort of each group's keys.
  const groupStart = new Int32Array(groupCount + 1);
  for (let i = 0; i < groups.length; i++) groupStart[groups[i] + 1]++;
  for (let g = 0; g < groupCount; g++) groupStart[g + 1] += groupStart[g];
  const next = groupStart.slice(0, groupCount);
  const sortedKeys = new Float64Array(keys.length);
  for (let i = 0; i < groups.length; i++) sortedKeys[next[groups[i]]++] = keys[i];

  const group = new Int32Array(keys.length);
  const key = new Float64Array(keys.length);
  const count = new Float64Array(keys.length);
  let pairs = 0;
  for (let g = 0; g < groupCount; g++) {
    const segment = sortedKeys.subarray(groupStart[g], groupStart[g + 1]).sort();
    for (let i = 0; i < segment.length; i++) {
      if (i > 0 && segment[i] === segment[i - 1]) {
        count[pairs - 1]++;
      } else {
        group[pairs] = g;
        key[pairs] = segment[i];
        count[pairs++] = 1;
      }
    }
  }
  return { group: group.slice(0, pairs), key: key.slice(0, pairs), count: count.slice(0, pairs) };
}
