// Work that holds a large shop's data several times over for a moment (building its customers
// list, fitting its purchase models, exporting every customer): one at a time per instance, so
// that the peaks of two large shops never add up on one heap (docs/decisions/0020-one-cache-budget.md).
// A request waits for its turn; webhooks and small reads never do. Not reentrant: wrap the outer
// call only, never work that a wrapped call makes.
import pLimit from "p-limit";

const oneAtATime = pLimit(1);

export function heavyWork<T>(work: () => Promise<T>): Promise<T> {
  return oneAtATime(work);
}
