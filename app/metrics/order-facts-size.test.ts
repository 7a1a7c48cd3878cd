// The cache budget (docs/decisions/0020) is only as good as the sizes its entries state: order facts,
// the largest kind, must not cost much more heap than byteSize() says.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { OrderFacts } from "./order-facts";
import { orderRow } from "./test-histories";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** Heap and array buffers in use after full collections. */
function bytesInUse(): number {
  gc();
  gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

describe("OrderFacts.byteSize", () => {
  it("is within 1.5 times of the heap the facts hold", () => {
    const orders = 100_000;
    const customers = orders / 5;
    const rows = Array.from({ length: orders }, (_, i) =>
      orderRow({
        id: 1000 + i * 3,
        customerId: 5_000_000 + ((i * 7919) % customers),
        at: `2024-0${1 + (i % 9)}-1${i % 10}`,
        net: 100 + i,
      }),
    );
    const before = bytesInUse();
    const facts = new OrderFacts("Europe/Helsinki");
    for (let i = 0; i < orders; i += 5000) facts.apply(rows.slice(i, i + 5000));
    const measured = bytesInUse() - before;
    expect(facts.size).toBe(orders);
    expect(measured).toBeLessThan(1.5 * facts.byteSize());
    // Not an overcount either: the budget would then hold fewer shops than it could.
    expect(measured).toBeGreaterThan(0.5 * facts.byteSize());
  });
});
