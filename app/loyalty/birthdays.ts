// Birthdays ("MM-DD", no year) on the shop's calendar. The bonus is granted on the day itself in
// the shop's timezone; 29 February is celebrated on 28 February in years without one.
import { calendarFor, type LocalDay } from "../metrics/calendar";

const DAY_MS = 86_400_000;

function birthdayIn(year: number, monthDay: string): LocalDay {
  const [month, day] = monthDay.split("-").map(Number) as [number, number];
  const lastOfMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return Date.UTC(year, month - 1, Math.min(day, lastOfMonth)) / DAY_MS;
}

const yearOf = (day: LocalDay) => new Date(day * DAY_MS).getUTCFullYear();

/** The year of the birthday celebrated today in `zone`, or null when today is not the birthday. */
export function birthdayToday(monthDay: string, now: Date, zone: string): number | null {
  const today = calendarFor(zone).dayOf(now.getTime());
  return birthdayIn(yearOf(today), monthDay) === today ? yearOf(today) : null;
}

/** The instant the next birthday after today begins (its local midnight in `zone`). */
export function nextBirthdayStart(monthDay: string, now: Date, zone: string): Date {
  const calendar = calendarFor(zone);
  const today = calendar.dayOf(now.getTime());
  const thisYear = birthdayIn(yearOf(today), monthDay);
  return new Date(calendar.startOf(thisYear > today ? thisYear : birthdayIn(yearOf(today) + 1, monthDay)));
}
