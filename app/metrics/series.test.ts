import { describe, expect, it } from "vitest";
import { cohortTable } from "./cohorts";
import { OrderFacts } from "./order-facts";
import { monthlyRevenue, retentionCurve } from "./series";
import { day, HELSINKI, sampleShop } from "./test-histories";

const histories = () => sampleShop().histories();

const rows = (series: ReturnType<typeof monthlyRevenue>) =>
  series.map((m) => [m.month, m.netRevenueNew, m.netRevenueReturning, m.netRevenueGuest]);

describe("monthlyRevenue", () => {
  it("splits each month's net revenue into first orders, later orders and guests, in the shop's zone", () => {
    expect(rows(monthlyRevenue(histories(), { asOf: day("2024-04-16"), months: 6 }))).toEqual([
      ["2023-11", 0, 0, 0],
      ["2023-12", 0, 0, 0],
      ["2024-01", 4_600, 500, 10_000],
      ["2024-02", 800, 1_000, 0],
      ["2024-03", 1_600, 2_400, 0],
      ["2024-04", 1_000, 1_300, 0], // up to 15 April: not the order of 20 April, nor the guest's of the 30th
    ]);
  });

  it("counts a later order as returning even when the first order is before the first month shown", () => {
    expect(rows(monthlyRevenue(histories(), { asOf: day("2024-03-01"), months: 1 }))).toEqual([["2024-02", 800, 1_000, 0]]);
  });

  it("marks the last month while it is under way, and not once it is over", () => {
    const inProgress = (asOf: string, today?: string) =>
      monthlyRevenue(histories(), { asOf: day(asOf), months: 2, today: today === undefined ? undefined : day(today) }).map(
        (m) => m.inProgress,
      );
    expect(inProgress("2024-04-16")).toEqual([false, true]);
    expect(inProgress("2024-05-01", "2024-05-01")).toEqual([false, false]);
    // Through 30 April while it is 30 April: the day, and so the month, is not over.
    expect(inProgress("2024-05-01", "2024-04-30")).toEqual([false, true]);
  });

  it("is all zeros for a shop without orders", () => {
    expect(rows(monthlyRevenue(new OrderFacts(HELSINKI).histories(), { asOf: day("2024-04-16"), months: 2 }))).toEqual([
      ["2024-03", 0, 0, 0],
      ["2024-04", 0, 0, 0],
    ]);
  });
});

describe("retentionCurve", () => {
  const curve = (asOf: string) =>
    retentionCurve(cohortTable(histories(), { asOf: day(asOf) })).map((p) => [p.month, Number(p.percent.toFixed(2)), p.cohorts]);

  it("weighs cohorts by size and leaves out the month in progress", () => {
    // As of 15 April: January's cohort (3) has months 0-2 complete, February's (1) 0-1, March's (2) 0.
    expect(curve("2024-04-16")).toEqual([
      [0, 100, 3],
      [1, 50, 2], // customer 2 of January in February, customer 4 of February in March: 2 of 4
      [2, 33.33, 1], // customer 1 of January in March
    ]);
  });

  it("includes the last month once it is over", () => {
    expect(curve("2024-05-01")).toEqual([
      [0, 100, 4],
      [1, 50, 3], // January 1 of 3, February 1 of 1, March 1 of 2 (customer 5 in April)
      [2, 25, 2], // January 1 of 3, February 0 of 1
      [3, 33.33, 1],
    ]);
  });

  it("leaves out April on its last day, while it is still today", () => {
    const lastDay = retentionCurve(cohortTable(histories(), { asOf: day("2024-05-01"), today: day("2024-04-30") }));
    expect(lastDay.map((p) => [p.month, Number(p.percent.toFixed(2)), p.cohorts])).toEqual(curve("2024-04-16"));
  });

  it("is empty without cohorts", () => {
    expect(retentionCurve({ rows: [], months: 0 })).toEqual([]);
  });
});
