import { describe, expect, it } from "vitest";
import { day, shopWith, type OrderTuple } from "../metrics/test-histories";
import { rateChange, referralRate, referredCohort } from "./rate";

/** Customers with a first order on `date`; the first `referred` came through a referral, the first `repeat` ordered again. */
function shop(groups: { date: string; customers: number; referred: number; repeat?: number }[]) {
  const orders: OrderTuple[] = [];
  const referredIds = new Set<number>();
  let id = 0;
  for (const group of groups) {
    for (let i = 0; i < group.customers; i++) {
      id++;
      orders.push([id, group.date, 5000]);
      if (i < (group.repeat ?? 0)) orders.push([id, "2025-06-20", 3000]);
      if (i < group.referred) referredIds.add(id);
    }
  }
  const facts = shopWith(orders);
  const referred = new Set<number>();
  facts.customerIds.forEach((customerId, index) => referredIds.has(customerId) && referred.add(index));
  return { h: facts.histories(), referred };
}

const june = { from: day("2025-06-01"), to: day("2025-07-01") };
const may = { from: day("2025-05-01"), to: day("2025-06-01") };

describe("the referral rate", () => {
  it("is the share of the period's new customers who came through a referral, with an always-valid interval", () => {
    const { h, referred } = shop([
      { date: "2025-05-10", customers: 200, referred: 20 },
      { date: "2025-06-10", customers: 200, referred: 60 },
    ]);
    const current = referralRate(h, referred, june);
    expect(current).toMatchObject({ newCustomers: 200, referred: 60, rate: 30 });
    expect(current.interval![0]).toBeCloseTo(16.59, 2);
    expect(current.interval![1]).toBeCloseTo(48.02, 2);
    // A customer new in May is not new in June, whatever they order then.
    expect(referralRate(h, referred, may)).toMatchObject({ newCustomers: 200, referred: 20, rate: 10 });
    const change = rateChange(current, referralRate(h, referred, may))!;
    expect(change.difference).toBeCloseTo(20, 6);
    expect(change.differenceInterval[0]).toBeGreaterThan(0);
    expect(change.verdict.kind).toBe("better");
  });

  it("says when there is too little data, and has no rate without new customers", () => {
    const { h, referred } = shop([
      { date: "2025-05-10", customers: 6, referred: 1 },
      { date: "2025-06-10", customers: 6, referred: 2 },
    ]);
    expect(rateChange(referralRate(h, referred, june), referralRate(h, referred, may))!.verdict.kind).toBe("too-little-data");
    const empty = referralRate(h, referred, { from: day("2025-08-01"), to: day("2025-09-01") });
    expect(empty).toEqual({ newCustomers: 0, referred: 0, rate: null, interval: null });
    expect(rateChange(empty, referralRate(h, referred, may))).toBeNull();
  });

  it("compares the referred cohort's repeat rate and revenue per customer with other new customers", () => {
    const { h, referred } = shop([{ date: "2025-06-01", customers: 20, referred: 10, repeat: 15 }]);
    const cohort = referredCohort(h, referred, day("2025-07-01"));
    expect(cohort.referred).toEqual({ customers: 10, repeaters: 10 });
    expect(cohort.others).toEqual({ customers: 10, repeaters: 5 });
    expect(cohort.comparison!.arm).toMatchObject({ rate: 100, revenuePerCustomer: 8000n });
    expect(cohort.comparison!.control).toMatchObject({ rate: 50, revenuePerCustomer: 6500n });
    expect(cohort.comparison!.verdict.kind).toBe("too-little-data");
  });
});
