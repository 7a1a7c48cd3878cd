import { describe, expect, it } from "vitest";
import { OrderFacts } from "./order-facts";
import {
  frequencyScores,
  quintileScores,
  rfmScores,
  SEGMENT_LABELS,
  SEGMENT_RULES,
  SEGMENTS,
  segmentOf,
  segmentSummary,
  type Segment,
} from "./segments";
import { day, HELSINKI, indexOfCustomer, shopWith, type OrderTuple } from "./test-histories";

const scores = (values: number[], lowerIsBetter = false) => Array.from(quintileScores(Float64Array.from(values), lowerIsBetter));

describe("quintileScores", () => {
  it("scores 1-5 by the share of values below", () => {
    expect(scores([10, 20, 30, 40, 50])).toEqual([1, 2, 3, 4, 5]);
    expect(scores([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    expect(scores([50, 10, 40, 20, 30])).toEqual([5, 1, 4, 2, 3]);
  });

  it("gives tied values the lower score", () => {
    expect(scores([1, 1, 1, 1, 2])).toEqual([1, 1, 1, 1, 5]);
    // Most customers ordered once: all of them get F = 1.
    expect(scores([1, 1, 1, 1, 1, 1, 1, 1, 2, 3])).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 5, 5]);
    expect(scores([7, 7, 7])).toEqual([1, 1, 1]);
  });

  it("scores low values best when lower is better (recency)", () => {
    expect(scores([0, 10, 20, 30, 40], true)).toEqual([5, 4, 3, 2, 1]);
    expect(scores([5, 5, 100, 100, 100], true)).toEqual([4, 4, 1, 1, 1]);
  });

  it("leaves its input alone and copes with no values", () => {
    const values = Float64Array.of(3, 1, 2);
    quintileScores(values);
    expect(Array.from(values)).toEqual([3, 1, 2]);
    expect(quintileScores(new Float64Array(0))).toHaveLength(0);
  });
});

describe("frequencyScores", () => {
  const f = (orders: number[]) => Array.from(frequencyScores(Float64Array.from(orders)));

  it("scores by quintile while the quintiles separate the order counts", () => {
    const orders = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(f(orders)).toEqual(Array.from(quintileScores(Float64Array.from(orders))));
  });

  it("scores by the buckets 1, 2, 3, 4–5, 6+ when most customers ordered once", () => {
    expect(f([1, 1, 1, 1, 1, 1, 1, 2, 3, 4, 5, 6, 9])).toEqual([1, 1, 1, 1, 1, 1, 1, 2, 3, 4, 4, 5, 5]);
    expect(f([])).toEqual([]);
  });
});

describe("recency against the customer's own rhythm", () => {
  it("makes a frequent buyer who missed three of their own gaps, and a month, Can't lose them rather than a Champion", () => {
    const orders: OrderTuple[] = [];
    // 1: ten weekly orders, the last two months before asOf; 2: the same, the last 10 days before.
    for (let k = 0; k < 10; k++) orders.push([1, day("2024-01-01") + 7 * k, 5_000], [2, day("2024-02-20") + 7 * k, 5_000]);
    // Twenty one-time buyers from long ago, so that two months' silence is recent by the shop's quintiles.
    for (let c = 3; c <= 22; c++) orders.push([c, day("2023-01-01") + c, 1_000]);
    const facts = shopWith(orders);
    const rfm = rfmScores(facts.histories(), day("2024-05-06"));
    const of = (customerId: number) => Array.from(rfm.customer).indexOf(indexOfCustomer(facts, customerId));
    expect(rfm.recencyDays[of(1)]).toBe(62);
    expect([rfm.r[of(1)], rfm.segment[of(1)]]).toEqual([2, "cant_lose_them"]);
    expect(rfm.segment[of(2)]).toBe("champions");
  });
});

describe("segments of a shop where most customers bought once", () => {
  it("leaves no named segment empty by construction", () => {
    // 2,000 customers over two years, two thirds of them one-time buyers; a fixed pseudo-random walk.
    let state = 11;
    const random = () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const orders: OrderTuple[] = [];
    const start = day("2023-01-01");
    for (let customer = 1; customer <= 2_000; customer++) {
      const count = random() < 0.66 ? 1 : 2 + Math.floor(-Math.log(1 - random()) * 3);
      let at = start + Math.floor(random() * 700);
      for (let k = 0; k < count && at < start + 730; k++) {
        orders.push([customer, at, 1_000 + Math.floor(random() * 20_000)]);
        at += 1 + Math.floor(random() * 90);
      }
    }
    const summary = segmentSummary(rfmScores(shopWith(orders).histories(), start + 730));
    for (const row of summary) expect(row.customers, row.segment).toBeGreaterThan(0);
  });
});

describe("segmentOf", () => {
  // Rows R = 5 … 1, columns F = 1 … 5, with M low (1-3); R 4-5 × F 4-5 turn champions at M 4-5.
  const GRID: Segment[][] = [
    ["new", "promising", "promising", "loyal", "loyal"],
    ["new", "promising", "promising", "loyal", "loyal"],
    ["needs_attention", "needs_attention", "needs_attention", "loyal", "loyal"],
    ["hibernating", "hibernating", "at_risk", "cant_lose_them", "cant_lose_them"],
    ["lost", "lost", "at_risk", "cant_lose_them", "cant_lose_them"],
  ];

  it("follows the R × F grid for all 25 combinations, with M only separating champions from loyal", () => {
    for (let r = 1; r <= 5; r++) {
      for (let f = 1; f <= 5; f++) {
        const lowM = GRID[5 - r][f - 1];
        const highM = r >= 4 && f >= 4 ? "champions" : lowM;
        for (const m of [1, 2, 3]) expect(segmentOf(r, f, m), `R${r} F${f} M${m}`).toBe(lowM);
        for (const m of [4, 5]) expect(segmentOf(r, f, m), `R${r} F${f} M${m}`).toBe(highM);
      }
    }
  });

  it("reaches every segment", () => {
    const reached = new Set<Segment>();
    for (let r = 1; r <= 5; r++) for (let f = 1; f <= 5; f++) for (let m = 1; m <= 5; m++) reached.add(segmentOf(r, f, m));
    expect([...reached].sort()).toEqual([...SEGMENTS].sort());
  });

  it("matches the rules as written: each combination gets the first segment whose rule covers it", () => {
    // "R 4-5", "F 1", "M 4-5" in the rule text -> allowed ranges; a score the rule does not name is free.
    const ranges = (segment: Segment) => {
      const allowed: Record<string, [number, number]> = { R: [1, 5], F: [1, 5], M: [1, 5] };
      for (const [, score, low, high] of SEGMENT_RULES[segment].matchAll(/\b([RFM]) (\d)(?:-(\d))?/g)) {
        allowed[score] = [Number(low), Number(high ?? low)];
      }
      return allowed;
    };
    const covers = (segment: Segment, scores: Record<string, number>) =>
      Object.entries(ranges(segment)).every(([key, [low, high]]) => scores[key] >= low && scores[key] <= high);

    for (let r = 1; r <= 5; r++) {
      for (let f = 1; f <= 5; f++) {
        for (let m = 1; m <= 5; m++) {
          const byRules = SEGMENTS.find((segment) => covers(segment, { R: r, F: f, M: m }));
          expect(segmentOf(r, f, m), `R${r} F${f} M${m}`).toBe(byRules);
        }
      }
    }
  });

  it("has a label and a rule for every segment", () => {
    for (const segment of SEGMENTS) {
      expect(SEGMENT_LABELS[segment]).toMatch(/\S/);
      expect(SEGMENT_RULES[segment]).toMatch(/\b[RF] \d/);
    }
  });
});

describe("rfmScores", () => {
  const AS_OF = day("2024-06-01");
  const ORDERS: OrderTuple[] = [
    // 1: five recent orders, the biggest spender.
    [1, "2024-05-27", 10_000],
    [1, "2024-05-28", 10_000],
    [1, "2024-05-29", 10_000],
    [1, "2024-05-30", 10_000],
    [1, "2024-05-31", 10_000],
    [1, "2024-06-05", 99_999], // after asOf
    // 2: four orders, small spend.
    [2, "2024-05-22", 250],
    [2, "2024-05-23", 250],
    [2, "2024-05-24", 250],
    [2, "2024-05-25", 250],
    // 3: two orders, middling.
    [3, "2024-05-19", 1_500],
    [3, "2024-05-20", 1_500],
    // 4 and 5: one order each, long ago.
    [4, "2024-01-01", 2_000],
    [5, "2023-06-01", 4_000],
    // 6: first order after asOf; guests never scored.
    [6, "2024-06-02", 500],
    [null, "2024-05-30", 7_000],
  ];
  const facts = shopWith(ORDERS);
  const rfm = rfmScores(facts.histories(), AS_OF);
  const of = (customerId: number) => {
    const i = Array.from(rfm.customer).indexOf(indexOfCustomer(facts, customerId));
    return {
      recency: rfm.recencyDays[i],
      orders: rfm.orders[i],
      spend: rfm.netSpend[i],
      r: rfm.r[i],
      f: rfm.f[i],
      m: rfm.m[i],
      segment: rfm.segment[i],
    };
  };

  it("scores every customer with a counted order before asOf", () => {
    expect(rfm.asOf).toBe(AS_OF);
    const scored = Array.from(rfm.customer, (c) => facts.customerIds[c]).sort();
    expect(scored).toEqual([1, 2, 3, 4, 5]); // not 6, whose first order is after asOf
  });

  it("measures recency in days from the last order to the last day before asOf", () => {
    expect(of(1).recency).toBe(0);
    expect(of(3).recency).toBe(11);
    expect(of(1).orders).toBe(5);
    expect(of(1).spend).toBe(50_000);
  });

  it("scores and segments each customer", () => {
    // Two of five customers ordered once: the quintiles tie, so F is scored by order-count buckets.
    expect(of(1)).toMatchObject({ r: 5, f: 4, m: 5, segment: "champions" });
    expect(of(2)).toMatchObject({ r: 4, f: 4, m: 1, segment: "loyal" });
    expect(of(3)).toMatchObject({ r: 3, f: 2, m: 3, segment: "needs_attention" });
    expect(of(4)).toMatchObject({ r: 2, f: 1, m: 2, segment: "hibernating" });
    expect(of(5)).toMatchObject({ r: 1, f: 1, m: 4, segment: "lost" });
  });

  it("summarises sizes and revenue shares that add up", () => {
    const summary = segmentSummary(rfm);
    expect(summary.map((row) => row.segment)).toEqual([...SEGMENTS]);
    expect(summary.reduce((sum, row) => sum + row.customers, 0)).toBe(5);
    expect(summary.reduce((sum, row) => sum + row.revenue, 0)).toBe(60_000);
    expect(summary.reduce((sum, row) => sum + row.revenueShare!, 0)).toBeCloseTo(100, 10);
    const champions = summary.find((row) => row.segment === "champions")!;
    expect(champions).toMatchObject({ label: "Champions", rule: SEGMENT_RULES.champions, customers: 1, revenue: 50_000 });
    expect(champions.revenueShare).toBeCloseTo((50_000 / 60_000) * 100, 10);
    expect(summary.find((row) => row.segment === "promising")).toMatchObject({ customers: 0, revenue: 0, revenueShare: 0 });
  });

  it("summarises a shop without orders as empty segments with no revenue share", () => {
    const summary = segmentSummary(rfmScores(new OrderFacts(HELSINKI).histories(), AS_OF));
    expect(summary).toHaveLength(SEGMENTS.length);
    for (const row of summary) expect(row).toMatchObject({ customers: 0, revenue: 0, revenueShare: null });
  });
});
