// Days and months in the shop's own timezone. Every metric works on "local day numbers": whole
// days since 1970-01-01 on the shop's wall calendar, so a midnight order in Helsinki falls on the
// Helsinki date, whatever the server's zone.
//
// Converting a million timestamps through Intl would take seconds, so each zone's UTC offset is
// read once per UTC day (plus a binary search on the days a DST change happens) and cached.

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

export type LocalDay = number;
/** Months since January 1970 on the shop's calendar (year * 12 + month - 1 - 1970 * 12). */
export type MonthIndex = number;

/** A fixed UTC offset written as "+02:00", "-0530" or "UTC". */
function fixedOffsetMinutes(zone: string): number | null {
  if (/^(UTC|GMT|Z)$/i.test(zone)) return 0;
  const match = /^(?:UTC|GMT)?([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (!match) return null;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === "-" ? -minutes : minutes;
}

export function isKnownTimeZone(zone: string): boolean {
  if (fixedOffsetMinutes(zone) !== null) return true;
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The calendar of one timezone: UTC instants to local days, and local dates back to instants. */
export interface ShopCalendar {
  zone: string;
  /** Local day of an instant (ms since the epoch). */
  dayOf(ms: number): LocalDay;
  /** The instant local midnight of `day` begins. */
  startOf(day: LocalDay): number;
}

const calendars = new Map<string, ShopCalendar>();

/**
 * The calendar of an IANA zone (or a fixed offset such as "+02:00"). A zone Intl does not know
 * is an error: the caller decides the fallback (Shopify's timestamps carry an offset).
 */
export function calendarFor(zone: string): ShopCalendar {
  let calendar = calendars.get(zone);
  if (!calendar) {
    const fixed = fixedOffsetMinutes(zone);
    calendar = fixed !== null ? fixedCalendar(zone, fixed) : zoneCalendar(zone);
    calendars.set(zone, calendar);
  }
  return calendar;
}

function fixedCalendar(zone: string, offsetMinutes: number): ShopCalendar {
  const offset = offsetMinutes * MINUTE_MS;
  return {
    zone,
    dayOf: (ms) => Math.floor((ms + offset) / DAY_MS),
    startOf: (day) => day * DAY_MS - offset,
  };
}

function zoneCalendar(zone: string): ShopCalendar {
  const format = new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
  });
  /** Offset (ms) of the zone at an instant: the wall clock read as UTC, minus the instant. */
  const offsetAt = (ms: number): number => {
    const parts: Record<string, number> = {};
    for (const part of format.formatToParts(ms)) if (part.type !== "literal") parts[part.type] = Number(part.value);
    const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute);
    return wall - (ms - (((ms % MINUTE_MS) + MINUTE_MS) % MINUTE_MS));
  };

  // Per UTC day: the offset at its start, and (on a DST day) the instant it changes and the new offset.
  const days = new Map<number, { offset: number; changeAt: number; after: number }>();
  const dayInfo = (utcDay: number) => {
    let info = days.get(utcDay);
    if (!info) {
      const start = utcDay * DAY_MS;
      const offset = offsetAt(start);
      const after = offsetAt(start + DAY_MS - MINUTE_MS);
      let changeAt = Infinity;
      if (after !== offset) {
        // Find the first minute with the new offset.
        let low = start;
        let high = start + DAY_MS - MINUTE_MS;
        while (high - low > MINUTE_MS) {
          const middle = low + Math.floor((high - low) / 2 / MINUTE_MS) * MINUTE_MS;
          if (offsetAt(middle) === offset) low = middle;
          else high = middle;
        }
        changeAt = high;
      }
      info = { offset, changeAt, after };
      days.set(utcDay, info);
    }
    return info;
  };
  const offsetOf = (ms: number) => {
    const info = dayInfo(Math.floor(ms / DAY_MS));
    return ms < info.changeAt ? info.offset : info.after;
  };

  const dayOf = (ms: number) => Math.floor((ms + offsetOf(ms)) / DAY_MS);
  return {
    zone,
    dayOf,
    startOf(day) {
      // Local midnight minus the offset in force then; a second pass settles days a change crosses.
      let start = day * DAY_MS - offsetOf(day * DAY_MS);
      start = day * DAY_MS - offsetOf(start);
      if (dayOf(start) < day) {
        // The clocks jumped over midnight (Santiago, Havana): the day begins at the jump.
        const utcDay = Math.floor(start / DAY_MS);
        const jump = dayInfo(utcDay).changeAt;
        start = jump > start && jump !== Infinity ? jump : dayInfo(utcDay + 1).changeAt;
      }
      return start;
    },
  };
}

/** "2024-03-31" -> local day number; throws on anything that is not a real calendar date. */
export function parseLocalDate(text: string): LocalDay {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) throw new RangeError(`not a date in YYYY-MM-DD form: "${text}"`);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  // setUTCFullYear, unlike Date.UTC, does not read years 0-99 as 1900-1999.
  const check = new Date(0);
  check.setUTCFullYear(year, month - 1, day);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) throw new RangeError(`no such date: "${text}"`);
  return check.getTime() / DAY_MS;
}

export function formatLocalDate(day: LocalDay): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function monthOfDay(day: LocalDay): MonthIndex {
  const date = new Date(day * DAY_MS);
  return (date.getUTCFullYear() - 1970) * 12 + date.getUTCMonth();
}

/**
 * Whether the month of the last day a figure sees (the day before `asOf`, which is exclusive) is
 * still under way: `asOf` does not open the next month, or that last day is today or later.
 */
export function lastMonthInProgress(asOf: LocalDay, today?: LocalDay): boolean {
  return monthOfDay(asOf) === monthOfDay(asOf - 1) || (today !== undefined && today <= asOf - 1);
}

export function firstDayOfMonth(month: MonthIndex): LocalDay {
  return Date.UTC(1970 + Math.floor(month / 12), ((month % 12) + 12) % 12, 1) / DAY_MS;
}

/** "2024-03" for a month index. */
export function formatMonth(month: MonthIndex): string {
  return formatLocalDate(firstDayOfMonth(month)).slice(0, 7);
}

/** The same calendar date a year earlier (29 February falls back to the 28th). */
export function sameDayYearBefore(day: LocalDay): LocalDay {
  const date = new Date(day * DAY_MS);
  const year = date.getUTCFullYear() - 1;
  const month = date.getUTCMonth();
  const lastOfMonth = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return Date.UTC(year, month, Math.min(date.getUTCDate(), lastOfMonth)) / DAY_MS;
}
