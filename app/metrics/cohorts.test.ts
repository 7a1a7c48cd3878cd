import { describe, expect, it } from "vitest";
import { monthOfDay } from "./calendar";
import { cohortTable, type CohortRow } from "./cohorts";
import { OrderFacts } from "./order-facts";
import { day, HELSINKI, sampleShop, shopWith } from "./test-histories";

/** As of 15 April 2024 (asOf is exclusive: orders before 16 April are seen). */
const AS_OF = day("2024-04-16");

const cells = (row: CohortRow) => row.cells.map(({ customers, orders, revenue }) => [customers, orders, revenue]);

describe("cohortTable", () => {
  const table = cohortTable(sampleShop().histories(), { asOf: AS_OF });
  const [january, february, march, april] = table.rows;

  it("has one row per month of first counted order, oldest first, in the shop's zone", () => {
    expect(table.rows.map((row) => [row.cohort, row.size])).toEqual([
      ["2024-01", 3],
      ["2024-02", 1],
      ["2024-03", 2], // customer 7 joins with the first order that counts
      ["2024-04", 1],
    ]);
    expect(table.months).toBe(4);
  });

  it("counts distinct customers per month, not cumulatively, with month 0 the whole cohort", () => {
    // [customers, orders, revenue] for months 0-3 of the January cohort.
    expect(cells(january)).toEqual([
      [3, 4, 5_100],
      [1, 1, 1_000], // only customer 2 ordered in February
      [1, 1, 2_000], // only customer 1 ordered in March
      [1, 1, 1_000],
    ]);
    expect(january.cells.map((cell) => cell.month)).toEqual([0, 1, 2, 3]);
    expect(january.cells[0].percent).toBe(100);
    expect(january.cells[1].percent).toBeCloseTo(100 / 3, 12);
    expect(march.cells.map((cell) => cell.percent)).toEqual([100, 50]);
  });

  it("gives the cumulative net revenue per cohort customer", () => {
    // 5100 / 3, 6100 / 3, 8100 / 3, 9100 / 3, rounded to a minor unit.
    expect(january.cells.map((cell) => cell.cumulativeRevenuePerCustomer)).toEqual([1_700, 2_033, 2_700, 3_033]);
    expect(february.cells.map((cell) => cell.cumulativeRevenuePerCustomer)).toEqual([800, 1_200, 1_200]);
    expect(march.cells.map((cell) => cell.cumulativeRevenuePerCustomer)).toEqual([800, 950]);
  });

  it("gives young cohorts only the months already observed", () => {
    expect(february.cells).toHaveLength(3);
    expect(march.cells).toHaveLength(2); // last month's cohort, as of this month
    expect(april.cells).toHaveLength(1);
    expect(cells(february)).toEqual([
      [1, 1, 800],
      [1, 1, 400],
      [0, 0, 0],
    ]);
  });

  it("marks each cohort's April, the month in progress as of 15 April, and nothing once a month is over", () => {
    for (const row of table.rows)
      expect(row.cells.map((cell) => cell.inProgress)).toEqual(row.cells.map((_, k) => k === row.cells.length - 1));
    const endOfMarch = cohortTable(sampleShop().histories(), { asOf: day("2024-04-01") });
    expect(endOfMarch.rows.flatMap((row) => row.cells).some((cell) => cell.inProgress)).toBe(false);
    // Through the last day of April: in progress while that day is today, complete after it.
    const throughApril = (today: string) => cohortTable(sampleShop().histories(), { asOf: day("2024-05-01"), today: day(today) });
    expect(throughApril("2024-04-30").rows.at(-1)!.cells.at(-1)!.inProgress).toBe(true);
    expect(
      throughApril("2024-05-01")
        .rows.flatMap((row) => row.cells)
        .some((cell) => cell.inProgress),
    ).toBe(false);
  });

  it("does not see orders on or after asOf", () => {
    expect(cells(april)).toEqual([[1, 1, 1_000]]);
    const endOfFebruary = cohortTable(sampleShop().histories(), { asOf: day("2024-03-01") });
    expect(endOfFebruary.rows.map((row) => row.cohort)).toEqual(["2024-01", "2024-02"]);
    expect(cells(endOfFebruary.rows[0])).toEqual([
      [3, 4, 5_100],
      [1, 1, 1_000],
    ]);
    expect(endOfFebruary.months).toBe(2);
  });

  it("follows the shop's zone at month boundaries", () => {
    const utcTable = cohortTable(sampleShop("UTC").histories(), { asOf: AS_OF });
    expect(utcTable.rows.map((row) => [row.cohort, row.size])).toEqual([
      ["2024-01", 4],
      ["2024-03", 2],
      ["2024-04", 1],
    ]);
  });
});

describe("cohortTable options", () => {
  const month = (date: string) => monthOfDay(day(date));

  it("keeps the newest cohorts when limited by maxCohorts", () => {
    const table = cohortTable(sampleShop().histories(), { asOf: AS_OF, maxCohorts: 2 });
    expect(table.rows.map((row) => row.cohort)).toEqual(["2024-03", "2024-04"]);
    expect(table.months).toBe(2);
  });

  it("limits the columns to maxMonths", () => {
    const table = cohortTable(sampleShop().histories(), { asOf: AS_OF, maxMonths: 2 });
    expect(table.rows.map((row) => row.cells.length)).toEqual([2, 2, 2, 1]);
    expect(table.months).toBe(2);
  });

  it("selects cohorts by first month, and still shows their months up to asOf", () => {
    const table = cohortTable(sampleShop().histories(), {
      asOf: AS_OF,
      fromMonth: month("2024-02-01"),
      toMonth: month("2024-03-01"),
    });
    expect(table.rows.map((row) => [row.cohort, row.cells.length])).toEqual([
      ["2024-02", 3],
      ["2024-03", 2],
    ]);
  });

  it("skips months in which nobody ordered for the first time", () => {
    const table = cohortTable(
      shopWith([
        [1, "2024-01-10", 100],
        [2, "2024-03-10", 100],
        [1, "2024-02-10", 100],
      ]).histories(),
      {
        asOf: day("2024-04-01"),
      },
    );
    expect(table.rows.map((row) => row.cohort)).toEqual(["2024-01", "2024-03"]);
    expect(cells(table.rows[0])).toEqual([
      [1, 1, 100],
      [1, 1, 100],
      [0, 0, 0],
    ]);
  });

  it("is empty for a shop without counted orders", () => {
    expect(cohortTable(new OrderFacts(HELSINKI).histories(), { asOf: AS_OF })).toEqual({ rows: [], months: 0 });
    expect(cohortTable(sampleShop().histories(), { asOf: day("2023-06-01") })).toEqual({ rows: [], months: 0 });
  });
});
