// Date arithmetic for the loyalty rules. Day counts are exact 24-hour days; months are calendar
// months in UTC, a day short at most of the shop's own calendar, which is fine for periods of
// whole months (pending points, expiry, tier retention).

const DAY_MS = 86_400_000;

export function addDays(at: Date, days: number): Date {
  return new Date(at.getTime() + days * DAY_MS);
}

/** 31 January + 1 month = 28 (or 29) February: the day clamps to the end of a shorter month. */
export function addMonths(at: Date, months: number): Date {
  const result = new Date(at.getTime());
  const day = at.getUTCDate();
  result.setUTCDate(1);
  result.setUTCMonth(result.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate();
  result.setUTCDate(Math.min(day, lastDay));
  return result;
}
