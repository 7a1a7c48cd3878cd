// The period a dashboard shows and the two it is compared with: the same number of days just
// before it, and the same calendar dates a year earlier. Dates are the shop's calendar days; the
// merchant names the last day included, the code works with [from, to).
import { formatLocalDate, parseLocalDate, sameDayYearBefore, type LocalDay } from "./calendar";
import type { Period } from "./kpis";

export const DEFAULT_PERIOD_DAYS = 30;

export type MetricsQueryProblem =
  | { code: "badDate"; field: "from" | "to"; text: string }
  | { code: "fromAfterTo"; from: string; to: string }
  | { code: "lookbackRange"; min: number; max: number; text: string };

/** A bad query or setting: `message` in English for the JSON API and CLI, `problem` for the admin's own words. */
export class MetricsQueryError extends Error {
  constructor(message: string, readonly problem: MetricsQueryProblem) {
    super(message);
  }
}

export interface Comparison {
  current: Period;
  previous: Period;
  yearAgo: Period;
}

/** `from`/`to` as typed ("2024-01-31", `to` inclusive); the default is the 30 days up to today. */
export function resolvePeriods(query: { from?: string | null; to?: string | null }, today: LocalDay): Comparison {
  const parse = (text: string, field: "from" | "to") => {
    try {
      return parseLocalDate(text);
    } catch (error) {
      throw new MetricsQueryError(`${field}: ${(error as Error).message}`, { code: "badDate", field, text });
    }
  };
  const last = query.to ? parse(query.to, "to") : today;
  const first = query.from ? parse(query.from, "from") : last - DEFAULT_PERIOD_DAYS + 1;
  if (first > last) {
    const [from, to] = [formatLocalDate(first), formatLocalDate(last)];
    throw new MetricsQueryError(`from (${from}) is after to (${to})`, { code: "fromAfterTo", from, to });
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
