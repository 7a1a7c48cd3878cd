import { describe, expect, it } from "vitest";
import { day, shopWith, type OrderTuple } from "../metrics/test-histories";
import { rateChange, referralRate, referredCohort } from "./rate";

/** Customers 1..n with a first order on `date`; the first `referredCount` came through a referral. */
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
  it("is the share of the period's new customers who came through a referral, with a Wilson interval", () => {
    const { h, referred } = shop([
      { date: "2025-05-10", customers: 80, referred: 8 },
      { date: "2025-06-10", customers: 80, referred: 24 },
    ]);
    const current = referralRate(h, referred, june);
    expect(current).toMatchObject({ newCustomers: 80, referred: 24, rate: 30, enough: true });
    expect(current.ci95![0]).toBeCloseTo(21.06, 2);
    expect(current.ci95![1]).toBeCloseTo(40.77, 2);
    // A customer new in May is not new in June, whatever they order then.
    const previous = referralRate(h, referred, may);
    expect(previous).toMatchObject({ newCustomers: 80, referred: 8, rate: 10 });
    const change = rateChange(current, previous);
    expect(change.change!.lift).toBeCloseTo(20, 6);
    expect(change.verdict).toBe("higher");
  });

  it("says when there is too little data, and has no rate without new customers", () => {
    const { h, referred } = shop([{ date: "2025-06-10", customers: 6, referred: 2 }]);
    const current = referralRate(h, referred, june);
    expect(current.enough).toBe(false);
    expect(rateChange(current, referralRate(h, referred, may))).toEqual({ change: null, verdict: "tooLittleData" });
    expect(referralRate(h, referred, may)).toEqual({ newCustomers: 0, referred: 0, rate: null, ci95: null, enough: false });
  });

  it("compares the referred cohort's repeat rate and revenue per customer with other new customers", () => {
    const { h, referred } = shop([{ date: "2025-06-01", customers: 20, referred: 10, repeat: 15 }]);
    const cohort = referredCohort(h, referred, day("2025-07-01"));
    expect(cohort.referred).toEqual({ customers: 10, repeaters: 10, repeatPurchaseRate: 100, netRevenuePerCustomer: 8000 });
    expect(cohort.others).toEqual({ customers: 10, repeaters: 5, repeatPurchaseRate: 50, netRevenuePerCustomer: 6500 });
    // 10 of 10 repeating leaves no referred customer who did not: too few outcomes for a verdict.
    expect(cohort.verdict).toBe("tooLittleData");
  });
});
