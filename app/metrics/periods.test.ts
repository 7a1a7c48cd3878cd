import { describe, expect, it } from "vitest";
import { formatLocalDate } from "./calendar";
import type { Period } from "./kpis";
import {
  comparedPeriods,
  parseComparison,
  DEFAULT_PERIOD_DAYS,
  describePeriod,
  MetricsQueryError,
  PERIOD_PRESETS,
  resolvePeriods,
  parseLookbackDays,
} from "./periods";
import { day } from "./test-histories";

const TODAY = day("2024-03-15");
/** A period as "first day … last day" (both included). */
const shown = (period: Period) => `${formatLocalDate(period.from)} … ${formatLocalDate(period.to - 1)}`;
const resolved = (query: { from?: string | null; to?: string | null; preset?: string | null }, today = TODAY) => {
  const { current, previous, yearAgo } = resolvePeriods(query, today);
  return { current: shown(current), previous: shown(previous), yearAgo: shown(yearAgo) };
};

describe("resolvePeriods", () => {
  it("defaults to the 30 days up to and including today", () => {
    expect(DEFAULT_PERIOD_DAYS).toBe(30);
    const { current } = resolvePeriods({}, TODAY);
    expect(current).toEqual({ from: TODAY - 29, to: TODAY + 1 });
    expect(resolved({})).toEqual({
      current: "2024-02-15 … 2024-03-15",
      previous: "2024-01-16 … 2024-02-14",
      yearAgo: "2023-02-15 … 2023-03-15",
    });
  });

  it("treats null and empty parameters as absent", () => {
    expect(resolved({ from: null, to: null })).toEqual(resolved({}));
    expect(resolved({ from: "", to: "" })).toEqual(resolved({}));
  });

  it("includes both named days and compares with the same length just before", () => {
    const later = day("2024-04-15");
    const { current, previous } = resolvePeriods({ from: "2024-03-01", to: "2024-03-31" }, later);
    expect(current.to - current.from).toBe(31);
    expect(previous.to - previous.from).toBe(31);
    expect(previous.to).toBe(current.from);
    expect(resolved({ from: "2024-03-01", to: "2024-03-31" }, later)).toEqual({
      current: "2024-03-01 … 2024-03-31",
      previous: "2024-01-30 … 2024-02-29",
      yearAgo: "2023-03-01 … 2023-03-31",
    });
  });

  it("takes 30 days up to `to` when only `to` is given, and up to today when only `from` is", () => {
    expect(resolved({ to: "2024-01-31" }).current).toBe("2024-01-02 … 2024-01-31");
    expect(resolved({ from: "2024-03-10" }).current).toBe("2024-03-10 … 2024-03-15");
  });

  it("allows a single day", () => {
    expect(resolved({ from: "2024-03-05", to: "2024-03-05" })).toEqual({
      current: "2024-03-05 … 2024-03-05",
      previous: "2024-03-04 … 2024-03-04",
      yearAgo: "2023-03-05 … 2023-03-05",
    });
  });

  it("finds the year-ago period by calendar date, 29 February falling back to the 28th", () => {
    expect(resolved({ from: "2024-02-29", to: "2024-02-29" }).yearAgo).toBe("2023-02-28 … 2023-02-28");
    expect(resolved({ from: "2024-02-01", to: "2024-02-29" }).yearAgo).toBe("2023-02-01 … 2023-02-28");
    expect(resolved({ from: "2024-02-29", to: "2024-03-01" }).yearAgo).toBe("2023-02-28 … 2023-03-01");
    expect(resolved({ from: "2025-01-01", to: "2025-03-01" }, day("2025-03-01")).yearAgo).toBe("2024-01-01 … 2024-03-01");
  });

  it("refuses `from` after `to` with a clear message", () => {
    expect(() => resolvePeriods({ from: "2024-03-02", to: "2024-03-01" }, TODAY)).toThrow(MetricsQueryError);
    expect(() => resolvePeriods({ from: "2024-03-02", to: "2024-03-01" }, TODAY)).toThrow(
      "from (2024-03-02) is after to (2024-03-01)",
    );
    // Without `to`, a `from` after today is after the default end.
    expect(() => resolvePeriods({ from: "2024-03-16" }, TODAY)).toThrow("from (2024-03-16) is after to (2024-03-15)");
    // The admin words it in the merchant's language from the problem, not from the English message.
    expect(() => resolvePeriods({ from: "2024-03-02", to: "2024-03-01" }, TODAY)).toThrow(
      expect.objectContaining({ problem: { code: "fromAfterTo", from: "2024-03-02", to: "2024-03-01" } }),
    );
  });

  it("refuses malformed dates, naming the parameter", () => {
    const error = (query: { from?: string; to?: string }) => {
      try {
        resolvePeriods(query, TODAY);
      } catch (caught) {
        return caught;
      }
      throw new Error("no error");
    };
    const impossible = error({ from: "2024-02-30" });
    expect(impossible).toBeInstanceOf(MetricsQueryError);
    expect((impossible as Error).message).toBe('from: no such date: "2024-02-30"');
    const sloppy = error({ to: "2024-1-1" });
    expect(sloppy).toBeInstanceOf(MetricsQueryError);
    expect((sloppy as Error).message).toBe('to: not a date in YYYY-MM-DD form: "2024-1-1"');
    expect((sloppy as MetricsQueryError).problem).toEqual({ code: "badDate", field: "to", text: "2024-1-1" });
    expect(error({ from: "yesterday" })).toBeInstanceOf(MetricsQueryError);
  });
});

describe("resolvePeriods with presets and the shop's history", () => {
  it("resolves every preset on the shop's calendar, ending today or with the previous year", () => {
    const current = (preset: string) => resolved({ preset, from: "1999-01-01", to: "1999-01-02" }).current;
    expect(Object.fromEntries(PERIOD_PRESETS.map((preset) => [preset, current(preset)]))).toEqual({
      last30: "2024-02-15 … 2024-03-15",
      last90: "2023-12-17 … 2024-03-15",
      monthToDate: "2024-03-01 … 2024-03-15",
      quarterToDate: "2024-01-01 … 2024-03-15",
      yearToDate: "2024-01-01 … 2024-03-15",
      last12Months: "2023-03-16 … 2024-03-15",
      previousYear: "2023-01-01 … 2023-12-31",
    });
    expect(resolved({ preset: "quarterToDate" }, day("2024-08-20")).current).toBe("2024-07-01 … 2024-08-20");
    expect(() => resolvePeriods({ preset: "forever" }, TODAY)).toThrow(/preset must be one of last30/);
  });

  it("refuses a period that ends after today, naming today", () => {
    const error = (() => {
      try {
        resolvePeriods({ from: "2024-03-01", to: "2024-03-16" }, TODAY);
      } catch (caught) {
        return caught as MetricsQueryError;
      }
    })();
    expect(error?.problem).toEqual({ code: "afterToday", to: "2024-03-16", today: "2024-03-15" });
  });

  it("refuses a period that ends before the shop's first order, naming it; one that reaches into the history is fine", () => {
    const firstOrder = day("2023-06-10");
    expect(() => resolvePeriods({ from: "2023-01-01", to: "2023-06-09" }, TODAY, firstOrder)).toThrow(
      /before the shop's first order \(2023-06-10\)/,
    );
    expect(resolvePeriods({ from: "2023-01-01", to: "2023-06-10" }, TODAY, firstOrder).current.to).toBe(firstOrder + 1);
    expect(resolvePeriods({ from: "2023-01-01", to: "2023-06-09" }, TODAY, null).current.from).toBe(day("2023-01-01"));
  });
});

describe("describePeriod", () => {
  it("shows the first and last day included and the number of days", () => {
    expect(describePeriod({ from: day("2024-02-15"), to: day("2024-03-16") })).toEqual({
      from: "2024-02-15",
      to: "2024-03-15",
      days: 30,
    });
    expect(describePeriod({ from: day("2024-03-05"), to: day("2024-03-06") })).toEqual({
      from: "2024-03-05",
      to: "2024-03-05",
      days: 1,
    });
  });
});

describe("parseLookbackDays", () => {
  it("takes whole days from 30 to 1095 and refuses anything else with a clear message", () => {
    expect(parseLookbackDays("30")).toBe(30);
    expect(parseLookbackDays("365")).toBe(365);
    expect(parseLookbackDays("1095")).toBe(1095);
    for (const bad of ["29", "1096", "90.5", "abc", "", null, "-365"]) {
      expect(() => parseLookbackDays(bad), String(bad)).toThrow(MetricsQueryError);
    }
    expect(() => parseLookbackDays("7")).toThrow(/whole number of days from 30 to 1095; got "7"/);
    expect(() => parseLookbackDays("7")).toThrow(
      expect.objectContaining({ problem: { code: "lookbackRange", min: 30, max: 1095, text: "7" } }),
    );
  });
});

describe("parseComparison", () => {
  it("defaults to both periods and reads each choice", () => {
    expect(parseComparison(null)).toBe("both");
    expect(parseComparison("")).toBe("both");
    expect(parseComparison("yearAgo")).toBe("yearAgo");
    expect(comparedPeriods("previous")).toEqual({ previous: true, yearAgo: false });
    expect(comparedPeriods("yearAgo")).toEqual({ previous: false, yearAgo: true });
    expect(comparedPeriods("none")).toEqual({ previous: false, yearAgo: false });
    expect(comparedPeriods("both")).toEqual({ previous: true, yearAgo: true });
  });

  it("refuses anything else with the text it got", () => {
    expect(() => parseComparison("lastWeek")).toThrow(MetricsQueryError);
    try {
      parseComparison("lastWeek");
    } catch (error) {
      expect((error as MetricsQueryError).problem).toEqual({ code: "badComparison", text: "lastWeek" });
    }
  });
});
