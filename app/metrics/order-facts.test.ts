import { describe, expect, it } from "vitest";
import { periodKpis } from "./kpis";
import { OrderFacts } from "./order-facts";
import { day, HELSINKI, orderRow, shopWith } from "./test-histories";

const FEBRUARY = { from: day("2024-02-01"), to: day("2024-03-01") };

describe("OrderFacts snapshots", () => {
  it("restore the same figures and keep taking changes by order id", () => {
    const facts = new OrderFacts(HELSINKI);
    facts.apply([
      orderRow({ id: 10, customerId: 1, at: "2023-06-10", net: 10_000 }),
      orderRow({ id: 20, customerId: 1, at: "2024-02-05", net: 5_000 }),
      orderRow({ id: 30, customerId: 2, at: "2024-02-10", net: 4_000 }),
      orderRow({ id: 40, customerId: null, at: "2024-02-11", net: 1_000 }),
    ]);
    // An order whose id is below the last one lands outside the sorted slots.
    facts.apply([orderRow({ id: 25, customerId: 3, at: "2024-02-12", net: 2_000 })]);
    const restored = OrderFacts.fromSnapshot(HELSINKI, facts.toSnapshot())!;
    expect(periodKpis(restored.histories(), FEBRUARY)).toEqual(periodKpis(facts.histories(), FEBRUARY));

    // Replacing a sorted-slot order and a later-slot order, and adding a new one.
    const changes = [
      orderRow({ id: 20, customerId: 1, at: "2024-02-05", net: 5_000, cancelled: true }),
      orderRow({ id: 25, customerId: 3, at: "2024-02-12", net: 2_500 }),
      orderRow({ id: 50, customerId: 4, at: "2024-02-20", net: 700 }),
    ];
    facts.apply(changes);
    restored.apply(changes);
    expect(restored.size).toBe(6);
    expect(periodKpis(restored.histories(), FEBRUARY)).toEqual(periodKpis(facts.histories(), FEBRUARY));
    expect(periodKpis(restored.histories(), FEBRUARY)).toMatchObject({ orders: 4, netRevenue: 4_000 + 1_000 + 2_500 + 700 });
  });

  it("refuses bytes that are not a snapshot", () => {
    expect(OrderFacts.fromSnapshot(HELSINKI, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]))).toBeNull();
    const cut = shopWith([[1, "2024-02-05", 5_000]])
      .toSnapshot()
      .subarray(0, 20);
    expect(() => OrderFacts.fromSnapshot(HELSINKI, cut)).toThrow(/truncated/);
  });
});

describe("OrderFacts.apply", () => {
  it("keeps its version (and its derived tables) when re-read rows did not change", () => {
    const rows = [
      orderRow({ id: 1, customerId: 1, at: "2024-02-05", net: 5_000 }),
      orderRow({ id: 2, customerId: null, at: "2024-02-06", net: 900 }),
    ];
    const facts = new OrderFacts(HELSINKI);
    facts.apply(rows);
    const histories = facts.histories();
    facts.apply(rows);
    expect(facts.histories()).toBe(histories);
    facts.apply([orderRow({ id: 2, customerId: null, at: "2024-02-06", net: 800 })]);
    expect(facts.histories()).not.toBe(histories);
  });
});

describe("OrderFacts.histories", () => {
  it("keeps what the model thread reads in shared memory, so that the thread gets it without a copy", () => {
    const facts = new OrderFacts(HELSINKI);
    facts.apply([orderRow({ id: 1, customerId: 1, at: "2024-02-05", net: 5_000 })]);
    const { start, days, net } = facts.histories();
    for (const array of [start, days, net]) expect(array.buffer).toBeInstanceOf(SharedArrayBuffer);
    const received = structuredClone({ days });
    days[0] += 1;
    expect(received.days[0]).toBe(days[0]);
  });
});

describe("OrderFacts.byteSize", () => {
  it("counts its arrays at full capacity and its maps by entry, as they grow", () => {
    const facts = new OrderFacts(HELSINKI);
    const empty = facts.byteSize();
    expect(empty).toBe(1024 * (4 + 4 + 4 + 8 + 1));
    facts.apply(
      Array.from({ length: 2_000 }, (_, i) => orderRow({ id: i + 1, customerId: i % 500, at: "2024-02-05", net: 100 })),
    );
    // Twice the capacity; 500 customers in a map and an array; no order out of id order.
    expect(facts.byteSize()).toBe(2 * empty + 500 * (30 + 8));
    facts.apply([orderRow({ id: 0, customerId: 1, at: "2024-02-05", net: 100 })]);
    expect(facts.byteSize()).toBe(2 * empty + 500 * (30 + 8) + 30);
    expect(OrderFacts.fromSnapshot(HELSINKI, facts.toSnapshot())!.byteSize()).toBeLessThanOrEqual(facts.byteSize());
  });
});
