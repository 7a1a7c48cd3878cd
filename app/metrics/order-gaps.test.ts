import { describe, expect, it } from "vitest";
import { GAP_BUCKET_DAYS, nextOrderDue, quantile, timeBetweenOrders } from "./order-gaps";
import { day, indexOfCustomer, shopWith } from "./test-histories";

describe("timeBetweenOrders", () => {
  const facts = shopWith([
    // 1: 10 days to the second order, 40 to the third, a fourth that no gap counts.
    [1, "2024-01-01", 100],
    [1, "2024-01-11", 100],
    [1, "2024-02-20", 100],
    [1, "2024-03-01", 100],
    // 2: two orders on one day: 0 days; the third comes after asOf.
    [2, "2024-01-05", 100],
    [2, "2024-01-05", 100],
    [2, "2024-07-01", 100],
    // 3: one order; 4: 400 days to the second.
    [3, "2024-01-01", 100],
    [4, "2023-01-01", 100],
    [4, "2024-02-05", 100],
    [null, "2024-01-01", 100],
  ]);
  const [first, second] = timeBetweenOrders(facts.histories(), day("2024-06-01"));

  it("measures first to second and second to third orders in days, before asOf", () => {
    expect(first).toMatchObject({ step: "firstToSecond", customers: 3, median: 10, lowerQuartile: 5, upperQuartile: 205 });
    expect(second).toMatchObject({ step: "secondToThird", customers: 1, median: 40, lowerQuartile: 40, upperQuartile: 40 });
  });

  it("counts every customer once in a histogram of day ranges that covers all gaps", () => {
    expect(first.histogram.map((bar) => [bar.fromDays, bar.toDays])).toEqual([
      [0, 7],
      [8, 14],
      [15, 30],
      [31, 60],
      [61, 90],
      [91, 180],
      [181, 365],
      [366, null],
    ]);
    expect(first.histogram.map((bar) => bar.customers)).toEqual([1, 1, 0, 0, 0, 0, 0, 1]);
    expect(second.histogram.map((bar) => bar.customers)).toEqual([0, 0, 0, 1, 0, 0, 0, 0]);
    expect(first.histogram).toHaveLength(GAP_BUCKET_DAYS.length + 1);
  });

  it("has no quartiles without customers", () => {
    const [none] = timeBetweenOrders(shopWith([[1, "2024-01-01", 100]]).histories(), day("2024-06-01"));
    expect(none).toMatchObject({ customers: 0, median: null, lowerQuartile: null, upperQuartile: null });
  });
});

describe("nextOrderDue", () => {
  const facts = shopWith([
    // 1: purchase days 1 Jan, 11 Jan (two orders), 31 Jan: every 15 days on average, due 15 Feb.
    [1, "2024-01-01", 100],
    [1, "2024-01-11", 100],
    [1, "2024-01-11", 100],
    [1, "2024-01-31", 100],
    // 2: one purchase day: due after the shop's rhythm. 3: a later order after asOf is not known.
    [2, "2024-01-10", 100],
    [3, "2024-01-01", 100],
    [3, "2024-01-21", 100],
    [3, "2024-06-02", 100],
  ]);
  const h = facts.histories();
  const due = (customerId: number, rhythm: number | null = 30) =>
    nextOrderDue(h, indexOfCustomer(facts, customerId), day("2024-06-01"), rhythm);

  it("adds the customer's own mean days between purchase days to their last one", () => {
    expect(due(1)).toBe(day("2024-02-15"));
    expect(due(3)).toBe(day("2024-02-10"));
  });

  it("gives a one-time buyer the shop's rhythm, and nothing when the shop has none", () => {
    expect(due(2, 45.5)).toBe(day("2024-01-10") + 46);
    expect(due(2, null)).toBeNull();
  });
});

describe("quantile", () => {
  it("interpolates as spreadsheets do", () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(quantile([7], 0.75)).toBe(7);
    expect(quantile([], 0.5)).toBeNull();
  });
});
