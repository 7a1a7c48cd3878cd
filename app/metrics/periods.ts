// The period a dashboard shows and the two it is compared with: the same number of days just
// before it, and the same calendar dates a year earlier. Dates are the shop's calendar days; the
// merchant names the last day included, the code works with [from, to).
import { firstDayOfMonth, formatLocalDate, monthOfDay, parseLocalDate, sameDayYearBefore, type LocalDay } from "./calendar";
import type { Period } from "./kpis";

export const DEFAULT_PERIOD_DAYS = 30;

export type MetricsQueryProblem =
  | { code: "badDate"; field: "from" | "to"; text: string }
  | { code: "fromAfterTo"; from: string; to: string }
  | { code: "afterToday"; to: string; today: string }
  | { code: "beforeHistory"; to: string; firstOrder: string }
  | { code: "badPreset"; text: string }
  | { code: "badComparison"; text: string }
  | { code: "lookbackRange"; min: number; max: number; text: string };

/** A bad query or setting: `message` in English for the JSON API and CLI, `problem` for the admin's own words. */
export class MetricsQueryError extends Error {
  constructor(
    message: string,
    readonly problem: MetricsQueryProblem,
  ) {
    super(message);
  }
}

export interface Comparison {
  current: Period;
  previous: Period;
  yearAgo: Period;
}

/** Periods a merchant picks by name, each ending today or at the end of the previous year. */
export const PERIOD_PRESETS = [
  "last30",
  "last90",
  "monthToDate",
  "quarterToDate",
  "yearToDate",
  "last12Months",
  "previousYear",
] as const;
export type PeriodPreset = (typeof PERIOD_PRESETS)[number];

/** A preset's first and last day (both included) on the shop's calendar. */
export function presetDays(preset: PeriodPreset, today: LocalDay): { first: LocalDay; last: LocalDay } {
  const month = monthOfDay(today);
  const yearStart = month - (((month % 12) + 12) % 12);
  switch (preset) {
    case "last30":
      return { first: today - 29, last: today };
    case "last90":
      return { first: today - 89, last: today };
    case "monthToDate":
      return { first: firstDayOfMonth(month), last: today };
    case "quarterToDate":
      return { first: firstDayOfMonth(month - (((month % 3) + 3) % 3)), last: today };
    case "yearToDate":
      return { first: firstDayOfMonth(yearStart), last: today };
    case "last12Months":
      return { first: sameDayYearBefore(today) + 1, last: today };
    case "previousYear":
      return { first: firstDayOfMonth(yearStart - 12), last: firstDayOfMonth(yearStart) - 1 };
  }
}

/** What the KPIs are compared with: both periods (the default), one of them, or none. */
export const COMPARISONS = ["both", "previous", "yearAgo", "none"] as const;
export type ComparisonChoice = (typeof COMPARISONS)[number];
export const DEFAULT_COMPARISON: ComparisonChoice = "both";

/** The `compare` query parameter; absent or empty is the default. */
export function parseComparison(text: string | null | undefined): ComparisonChoice {
  if (!text) return DEFAULT_COMPARISON;
  if (!(COMPARISONS as readonly string[]).includes(text)) {
    throw new MetricsQueryError(`compare must be one of ${COMPARISONS.join(", ")}; got "${text}"`, {
      code: "badComparison",
      text,
    });
  }
  return text as ComparisonChoice;
}

/** Which of the two comparison periods a choice shows. */
export function comparedPeriods(choice: ComparisonChoice): { previous: boolean; yearAgo: boolean } {
  return { previous: choice === "both" || choice === "previous", yearAgo: choice === "both" || choice === "yearAgo" };
}

export interface PeriodQuery {
  from?: string | null;
  to?: string | null;
  /** A PERIOD_PRESETS name; it wins over from and to. */
  preset?: string | null;
}

/**
 * `from`/`to` as typed ("2024-01-31", `to` inclusive), or a preset; the default is the 30 days up
 * to today. A period ending after today, or (when `firstOrder` is known) before the shop's first
 * order, is refused: it would show zeros that read as facts.
 */
export function resolvePeriods(query: PeriodQuery, today: LocalDay, firstOrder?: LocalDay | null): Comparison {
  const parse = (text: string, field: "from" | "to") => {
    try {
      return parseLocalDate(text);
    } catch (error) {
      throw new MetricsQueryError(`${field}: ${(error as Error).message}`, { code: "badDate", field, text });
    }
  };
  let first: LocalDay;
  let last: LocalDay;
  if (query.preset) {
    if (!(PERIOD_PRESETS as readonly string[]).includes(query.preset)) {
      throw new MetricsQueryError(`preset must be one of ${PERIOD_PRESETS.join(", ")}; got "${query.preset}"`, {
        code: "badPreset",
        text: query.preset,
      });
    }
    ({ first, last } = presetDays(query.preset as PeriodPreset, today));
  } else {
    last = query.to ? parse(query.to, "to") : today;
    first = query.from ? parse(query.from, "from") : last - DEFAULT_PERIOD_DAYS + 1;
  }
  if (first > last) {
    const [from, to] = [formatLocalDate(first), formatLocalDate(last)];
    throw new MetricsQueryError(`from (${from}) is after to (${to})`, { code: "fromAfterTo", from, to });
  }
  if (last > today) {
    const [to, todayText] = [formatLocalDate(last), formatLocalDate(today)];
    throw new MetricsQueryError(`to (${to}) is after today (${todayText}) in the shop's timezone`, {
      code: "afterToday",
      to,
      today: todayText,
    });
  }
  if (firstOrder !== undefined && firstOrder !== null && last < firstOrder) {
    const [to, start] = [formatLocalDate(last), formatLocalDate(firstOrder)];
    throw new MetricsQueryError(`to (${to}) is before the shop's first order (${start})`, {
      code: "beforeHistory",
      to,
      firstOrder: start,
    });
  }
  const current = { from: first, to: last + 1 };
  const length = current.to - current.from;
  return {
    current,
    previous: { from: current.from - length, to: current.from },
    yearAgo: { from: sameDayYearBefore(current.from), to: sameDayYearBefore(last) + 1 },
  };
}

/** A period as the merchant reads it: first and last day included. */
export function describePeriod(period: Period): { from: string; to: string; days: number } {
  return { from: formatLocalDate(period.from), to: formatLocalDate(period.to - 1), days: period.to - period.from };
}

export const LOOKBACK_DAYS_RANGE = { min: 30, max: 1095 } as const;

/** The merchant's lookback window W, as typed in the settings form. */
export function parseLookbackDays(text: string | null | undefined): number {
  const days = Number(text);
  if (!text || !Number.isInteger(days) || days < LOOKBACK_DAYS_RANGE.min || days > LOOKBACK_DAYS_RANGE.max) {
    const { min, max } = LOOKBACK_DAYS_RANGE;
    throw new MetricsQueryError(`the lookback window must be a whole number of days from ${min} to ${max}; got "${text ?? ""}"`, {
      code: "lookbackRange",
      min,
      max,
      text: text ?? "",
    });
  }
  return days;
}
