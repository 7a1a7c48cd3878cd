import { describe, expect, it } from "vitest";
import { DEFAULT_LOOKBACK_DAYS, kpiChanges, median, periodKpis, RATE_KPIS, type Period, type PeriodKpis } from "./kpis";
import { assertExactMoney, OrderFacts, type OrderFactRow } from "./order-facts";
import { day, HELSINKI, orderRow, shopWith, type OrderTuple } from "./test-histories";

const MARCH_2024: Period = { from: day("2024-03-01"), to: day("2024-04-01") };

/**
 * Period March 2024 (A = 1 March, B = 1 April), lookback 365 days, so active at A means an order
 * on 2023-03-02 … 2024-02-29 and active at B an order on 2023-04-02 … 2024-03-31.
 */
const MARCH_SHOP: OrderTuple[] = [
  // 1: retained and returning; second order in March, 55 days after the first.
  [1, "2024-01-15", 10_000],
  [1, "2024-03-10", 5_000],
  // 2: retained, no order in March.
  [2, "2024-02-20", 8_000],
  // 3: last order outside the lookback at A, back in March: reactivated (and returning); gap 413 days.
  [3, "2023-02-01", 3_000],
  [3, "2024-03-20", 4_000],
  // 4: first-time buyer with three March orders; second order 10 days after the first.
  [4, "2024-03-02", 2_000],
  [4, "2024-03-12", 2_000],
  [4, "2024-03-13", 1_000],
  // 5: active at A only: churned.
  [5, "2023-03-15", 6_000],
  // 6: first order after the period: invisible.
  [6, "2024-04-05", 7_000],
  // Guests: one order in March, one before.
  [null, "2024-03-15", 1_500],
  [null, "2024-02-15", 999],
];

describe("periodKpis on a hand-computed shop", () => {
  const kpis = periodKpis(shopWith(MARCH_SHOP).histories(), MARCH_2024);

  it("counts S, E and N, split into first-time and reactivated customers", () => {
    expect(kpis.customersAtStart).toBe(3); // 1, 2, 5
    expect(kpis.customersAtEnd).toBe(4); // 1, 2, 3, 4
    expect(kpis.customersGained).toBe(2); // 3, 4
    expect(kpis.firstTimeCustomers).toBe(1); // 4
    expect(kpis.reactivatedCustomers).toBe(1); // 3
    expect(kpis.retainedCustomers).toBe(2); // 1, 2
    expect(kpis.churnedCustomers).toBe(1); // 5
  });

  it("computes retention as (E − N) / S and churn as its complement", () => {
    expect(kpis.retentionRate).toBeCloseTo(200 / 3, 12);
    expect(kpis.churnRate).toBeCloseTo(100 / 3, 12);
    expect(kpis.retentionRate! + kpis.churnRate!).toBeCloseTo(100, 12);
  });

  it("computes the returning customer rate over customers who ordered in the period", () => {
    expect(kpis.orderingCustomers).toBe(3); // 1, 3, 4
    expect(kpis.returningCustomers).toBe(2); // 1, 3
    expect(kpis.returningCustomerRate).toBeCloseTo(200 / 3, 12);
  });

  it("computes the repeat purchase rate as of the period's end", () => {
    expect(kpis.customersToDate).toBe(5); // 1-5; 6 only orders later
    expect(kpis.repeatCustomers).toBe(3); // 1, 3, 4
    expect(kpis.repeatPurchaseRate).toBe(60);
  });

  it("computes purchase frequency from customers' orders only", () => {
    expect(kpis.orders).toBe(6); // 5 customer orders + 1 guest order
    expect(kpis.customerOrders).toBe(5);
    expect(kpis.purchaseFrequency).toBeCloseTo(5 / 3, 12);
  });

  it("splits net revenue into new, returning and guest, and includes guests in AOV", () => {
    expect(kpis.netRevenue).toBe(15_500);
    expect(kpis.netRevenueNew).toBe(2_000); // customer 4's first order
    expect(kpis.netRevenueReturning).toBe(12_000); // 5000 + 4000 + 2000 + 1000
    expect(kpis.netRevenueGuest).toBe(1_500);
    expect(kpis.averageOrderValue).toBe(2_583); // 15500 / 6 = 2583.33, to a minor unit
  });

  it("takes the median days to a second order that falls in the period", () => {
    expect(kpis.secondOrders).toBe(3);
    expect(kpis.medianDaysToSecondOrder).toBe(55); // of 10, 55, 413
  });

  it("computes historical CLV per customer to date at the period's end", () => {
    // 15000 + 8000 + 7000 + 5000 + 6000 over customers 1-5; guests and customer 6 excluded.
    expect(kpis.historicalClv).toBe(8_200);
  });
});

describe("active customers", () => {
  const W = 10;
  const A = day("2024-03-20");
  const period: Period = { from: A, to: A + 5 };
  const ordersOn = (...days: number[]) => {
    const facts = new OrderFacts(HELSINKI);
    facts.apply(days.map((at, i) => orderRow({ id: i + 1, customerId: i + 1, at, net: 100 })));
    return periodKpis(facts.histories(), period, W);
  };

  it("are those with an order in [t − W, t)", () => {
    expect(ordersOn(A - W).customersAtStart).toBe(1);
    expect(ordersOn(A - W - 1).customersAtStart).toBe(0);
    expect(ordersOn(A - 1).customersAtStart).toBe(1);
    // An order on the period's first day makes the customer active at its end, not its start.
    const onFirstDay = ordersOn(A);
    expect(onFirstDay.customersAtStart).toBe(0);
    expect(onFirstDay.customersAtEnd).toBe(1);
    expect(onFirstDay.firstTimeCustomers).toBe(1);
  });

  it("churn when their last order leaves the window during the period", () => {
    const kpis = ordersOn(A - W, A - 1, A - 6);
    // At B = A + 5 the window is [A − 5, A + 5): only the order on A − 1 is still in it.
    expect(kpis.customersAtStart).toBe(3);
    expect(kpis.customersAtEnd).toBe(1);
    expect(kpis.churnedCustomers).toBe(2);
    expect(kpis.retentionRate).toBeCloseTo(100 / 3, 12);
  });

  it("use a 365-day lookback by default", () => {
    expect(DEFAULT_LOOKBACK_DAYS).toBe(365);
    const facts = shopWith([
      [1, "2023-03-02", 100],
      [2, "2023-03-01", 100],
    ]);
    expect(periodKpis(facts.histories(), MARCH_2024).customersAtStart).toBe(1);
  });
});

describe("customer retention rate", () => {
  it("is (E − N) / S: S = 50,000, N = 1,000, E = 40,000 gives 78 %, not the 81.6 % of an S − N denominator", () => {
    // Period [A, B) of 30 days. 39,000 customers ordered the day before A (still active at B),
    // 11,000 ordered 364 days before A (active at A, gone by B), 1,000 first ordered on A.
    const A = day("2024-06-01");
    const B = A + 30;
    const rows: OrderFactRow[] = [];
    const add = (customerId: number, at: number) => rows.push(orderRow({ id: customerId, customerId, at, net: 1_000 }));
    for (let c = 1; c <= 39_000; c++) add(c, A - 1);
    for (let c = 39_001; c <= 50_000; c++) add(c, A - 364);
    for (let c = 50_001; c <= 51_000; c++) add(c, A);
    const facts = new OrderFacts(HELSINKI);
    facts.apply(rows);

    const kpis = periodKpis(facts.histories(), { from: A, to: B });
    expect(kpis.customersAtStart).toBe(50_000);
    expect(kpis.customersGained).toBe(1_000);
    expect(kpis.customersAtEnd).toBe(40_000);
    expect(kpis.retentionRate).toBe(78);
    expect(kpis.churnRate).toBe(22);
    const slip = (kpis.customersAtEnd / (kpis.customersAtStart - kpis.customersGained)) * 100;
    expect(kpis.retentionRate).not.toBeCloseTo(slip, 0);
  });
});

describe("time zone", () => {
  it("puts an order on the shop's local date before deciding its period", () => {
    // 2024-03-31T21:30Z is 1 April 00:30 in Helsinki but 31 March 17:30 in New York.
    const orders: OrderTuple[] = [[1, "2024-03-31T21:30:00Z", 4_200]];
    expect(periodKpis(shopWith(orders, HELSINKI).histories(), MARCH_2024).netRevenue).toBe(0);
    expect(periodKpis(shopWith(orders, "America/New_York").histories(), MARCH_2024).netRevenue).toBe(4_200);
  });
});

describe("guest orders", () => {
  it("count for revenue and AOV but not for customer metrics", () => {
    const facts = shopWith([
      [null, "2024-03-05", 1_000],
      [null, "2024-03-06", 2_001],
      [1, "2024-03-07", 3_000],
    ]);
    const kpis = periodKpis(facts.histories(), MARCH_2024);
    expect(kpis.netRevenue).toBe(6_001);
    expect(kpis.netRevenueGuest).toBe(3_001);
    expect(kpis.orders).toBe(3);
    expect(kpis.averageOrderValue).toBe(2_000); // 6001 / 3 = 2000.33
    expect(kpis.orderingCustomers).toBe(1);
    expect(kpis.customerOrders).toBe(1);
    expect(kpis.purchaseFrequency).toBe(1);
    expect(kpis.customersToDate).toBe(1);
    expect(kpis.customersAtEnd).toBe(1);
    expect(kpis.historicalClv).toBe(3_000);
  });
});

describe("counted orders", () => {
  const march = (facts: OrderFacts) => periodKpis(facts.histories(), MARCH_2024);
  const base = { customerId: 1, at: "2024-03-10", net: 1_000 } as const;

  it("exclude test, cancelled, deleted and unprocessed orders", () => {
    const facts = new OrderFacts(HELSINKI);
    facts.apply([
      orderRow({ ...base, id: 1 }),
      orderRow({ ...base, id: 2, test: true }),
      orderRow({ ...base, id: 3, cancelled: true }),
      orderRow({ ...base, id: 4, deleted: true }),
      orderRow({ ...base, id: 5, at: null }),
      orderRow({ ...base, id: 6, customerId: 2, cancelled: true }),
    ]);
    const kpis = march(facts);
    expect(kpis.orders).toBe(1);
    expect(kpis.netRevenue).toBe(1_000);
    expect(kpis.customersToDate).toBe(1); // customer 2 has no counted order
    expect(kpis.repeatCustomers).toBe(0);
  });

  it("are replaced when a row with the same id arrives again", () => {
    const facts = new OrderFacts(HELSINKI);
    facts.apply([orderRow({ ...base, id: 1 }), orderRow({ ...base, id: 2, net: 500 })]);
    expect(march(facts).netRevenue).toBe(1_500);

    facts.apply([orderRow({ ...base, id: 2, net: 500, cancelled: true })]); // cancelled later
    expect(march(facts)).toMatchObject({ orders: 1, netRevenue: 1_000, repeatCustomers: 0 });

    facts.apply([orderRow({ ...base, id: 1, net: 700 })]); // refunded in part
    expect(march(facts).netRevenue).toBe(700);

    facts.apply([orderRow({ ...base, id: 3, at: null, net: -200 }), orderRow({ ...base, id: 3, net: 900 })]); // stub, then the order
    expect(march(facts)).toMatchObject({ orders: 2, netRevenue: 1_600 });
    expect(facts.size).toBe(3);
  });
});

describe("money exactness", () => {
  it("accepts integer minor units up to 2^53 − 1 and nothing else", () => {
    expect(assertExactMoney(2 ** 53 - 1)).toBe(2 ** 53 - 1);
    expect(assertExactMoney(-1_230)).toBe(-1_230);
    expect(() => assertExactMoney(2 ** 53)).toThrow(RangeError);
    expect(() => assertExactMoney(12.5)).toThrow(/money out of exact range/);
    expect(() => assertExactMoney(Number.NaN)).toThrow(RangeError);
  });

  it("rejects an order whose net is beyond exact range", () => {
    const facts = new OrderFacts(HELSINKI);
    expect(() => facts.apply([orderRow({ id: 1, customerId: 1, at: "2024-03-10", net: 2 ** 53 })])).toThrow(RangeError);
  });

  it("does not count an order it rejected", () => {
    const facts = new OrderFacts(HELSINKI);
    expect(() => facts.apply([orderRow({ id: 1, customerId: 1, at: "2024-03-10", net: 2 ** 53 })])).toThrow(RangeError);
    const kpis = periodKpis(facts.histories(), MARCH_2024);
    expect(kpis.orders).toBe(0);
    expect(kpis.customersToDate).toBe(0);
  });

  it("throws rather than round a period's revenue beyond 2^53", () => {
    const facts = shopWith([
      [1, "2024-03-05", 2 ** 52],
      [2, "2024-03-06", 2 ** 52],
    ]);
    expect(() => periodKpis(facts.histories(), MARCH_2024)).toThrow(RangeError);
  });
});

describe("edge cases", () => {
  it("gives null rates and averages for a shop without orders", () => {
    const kpis = periodKpis(new OrderFacts(HELSINKI).histories(), MARCH_2024);
    expect(kpis).toMatchObject({
      customersAtStart: 0,
      retentionRate: null,
      churnRate: null,
      returningCustomerRate: null,
      repeatPurchaseRate: null,
      purchaseFrequency: null,
      averageOrderValue: null,
      medianDaysToSecondOrder: null,
      historicalClv: null,
      netRevenue: 0,
    });
  });

  it("refuses a period that does not end after it starts", () => {
    const h = new OrderFacts(HELSINKI).histories();
    expect(() => periodKpis(h, { from: day("2024-03-01"), to: day("2024-03-01") })).toThrow(RangeError);
  });

  it("takes the numeric median of odd and even counts", () => {
    expect(median(Int32Array.of(100, 9, 10))).toBe(10);
    expect(median(Int32Array.of(1, 4, 2, 3))).toBe(2.5);
    expect(median(new Int32Array(0))).toBeNull();
  });
});

describe("kpiChanges", () => {
  const empty = periodKpis(new OrderFacts(HELSINKI).histories(), MARCH_2024);
  const kpis = (values: Partial<PeriodKpis>): PeriodKpis => ({ ...empty, ...values });

  it("reads rates in percentage points and everything else in percent", () => {
    const changes = kpiChanges(
      kpis({ retentionRate: 80, churnRate: 20, netRevenue: 1_200, orders: 30, purchaseFrequency: 1.5 }),
      kpis({ retentionRate: 75, churnRate: 25, netRevenue: 1_000, orders: 40, purchaseFrequency: 1.2 }),
      kpis({ retentionRate: 85, churnRate: 15, netRevenue: -500, orders: 30, purchaseFrequency: 3 }),
    );
    expect(changes.retentionRate).toEqual({ vsPrevious: 5, vsYearAgo: -5 });
    expect(changes.churnRate).toEqual({ vsPrevious: -5, vsYearAgo: 5 });
    expect(changes.netRevenue.vsPrevious).toBeCloseTo(20, 12);
    expect(changes.netRevenue.vsYearAgo).toBeCloseTo(340, 12); // from −500 to 1200, relative to |−500|
    expect(changes.orders).toEqual({ vsPrevious: -25, vsYearAgo: 0 });
    expect(changes.purchaseFrequency.vsPrevious).toBeCloseTo(25, 12);
    expect(changes.purchaseFrequency.vsYearAgo).toBeCloseTo(-50, 12);
  });

  it("is null when the reference is zero or null", () => {
    const changes = kpiChanges(
      kpis({ netRevenue: 1_000, retentionRate: 50, averageOrderValue: 10 }),
      kpis({ netRevenue: 0, retentionRate: null, averageOrderValue: null }),
      kpis({ netRevenue: 0, retentionRate: 0, averageOrderValue: 0 }),
    );
    expect(changes.netRevenue).toEqual({ vsPrevious: null, vsYearAgo: null });
    expect(changes.averageOrderValue).toEqual({ vsPrevious: null, vsYearAgo: null });
    expect(changes.retentionRate.vsPrevious).toBeNull();
    // A rate of 0 % is a value, not a missing one: 50 points up.
    expect(changes.retentionRate.vsYearAgo).toBe(50);
  });

  it("covers every KPI and treats exactly the four rates as rates", () => {
    const changes = kpiChanges(empty, empty, empty);
    expect(Object.keys(changes).sort()).toEqual(Object.keys(empty).sort());
    expect([...RATE_KPIS].sort()).toEqual(["churnRate", "repeatPurchaseRate", "retentionRate", "returningCustomerRate"]);
  });
});
