import { describe, expect, it } from "vitest";
import {
  calendarFor,
  firstDayOfMonth,
  formatLocalDate,
  formatMonth,
  isKnownTimeZone,
  monthOfDay,
  parseLocalDate,
  sameDayYearBefore,
} from "./calendar";

const HOUR = 3_600_000;
const utc = (iso: string) => Date.parse(iso);
const localDate = (zone: string, ms: number) => formatLocalDate(calendarFor(zone).dayOf(ms));
const dayLengthHours = (zone: string, date: string) => {
  const calendar = calendarFor(zone);
  const day = parseLocalDate(date);
  return (calendar.startOf(day + 1) - calendar.startOf(day)) / HOUR;
};

const formats = new Map<string, Intl.DateTimeFormat>();

/** Wall-clock date and time of an instant in an IANA zone, by Intl (the reference). */
function wallClock(zone: string, ms: number): { date: string; time: string } {
  let format = formats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-CA", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
    });
    formats.set(zone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(ms).map((part) => [part.type, part.value]));
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

describe("dayOf", () => {
  it("puts an instant on the shop's own calendar date", () => {
    const lateEveningUtc = utc("2024-03-31T21:30:00Z");
    expect(localDate("Europe/Helsinki", lateEveningUtc)).toBe("2024-04-01"); // 00:30 EEST (UTC+3)
    expect(localDate("America/New_York", lateEveningUtc)).toBe("2024-03-31"); // 17:30 EDT
    expect(localDate("UTC", lateEveningUtc)).toBe("2024-03-31");
  });

  it("moves the Helsinki day boundary with daylight saving time", () => {
    // Winter, UTC+2: midnight is 22:00 UTC.
    expect(localDate("Europe/Helsinki", utc("2024-03-30T21:59:59.999Z"))).toBe("2024-03-30");
    expect(localDate("Europe/Helsinki", utc("2024-03-30T22:00:00Z"))).toBe("2024-03-31");
    // 31 March 2024 03:00 EET -> 04:00 EEST at 01:00 UTC; from then on midnight is 21:00 UTC.
    expect(localDate("Europe/Helsinki", utc("2024-03-31T00:59:59Z"))).toBe("2024-03-31");
    expect(localDate("Europe/Helsinki", utc("2024-03-31T01:00:00Z"))).toBe("2024-03-31");
    expect(localDate("Europe/Helsinki", utc("2024-03-31T20:59:59.999Z"))).toBe("2024-03-31");
    expect(localDate("Europe/Helsinki", utc("2024-03-31T21:00:00Z"))).toBe("2024-04-01");
    // 27 October 2024 04:00 EEST -> 03:00 EET: that day ends at 22:00 UTC.
    expect(localDate("Europe/Helsinki", utc("2024-10-26T21:00:00Z"))).toBe("2024-10-27");
    expect(localDate("Europe/Helsinki", utc("2024-10-27T21:59:59.999Z"))).toBe("2024-10-27");
    expect(localDate("Europe/Helsinki", utc("2024-10-27T22:00:00Z"))).toBe("2024-10-28");
  });

  it("agrees with Intl at instants spread over a year in zones with odd offsets and DST rules", () => {
    const zones = ["Europe/Helsinki", "America/Santiago", "Australia/Lord_Howe", "Asia/Kathmandu", "Pacific/Chatham"];
    for (const zone of zones) {
      const calendar = calendarFor(zone);
      const mismatches: string[] = [];
      // Every 3 hours 17 minutes 13 seconds through 2024: drifts through all hours of the day, both sides of each DST change.
      for (let ms = utc("2024-01-01T00:00:00Z"); ms < utc("2025-01-01T00:00:00Z"); ms += 197 * 60_000 + 13_000) {
        const expected = wallClock(zone, ms).date;
        if (formatLocalDate(calendar.dayOf(ms)) !== expected) mismatches.push(new Date(ms).toISOString());
      }
      expect(mismatches, zone).toEqual([]);
    }
  });

  it("handles fixed offsets written as +05:30, -0530, UTC+02:00 and GMT-03:00", () => {
    expect(localDate("+05:30", utc("2023-12-31T18:29:59.999Z"))).toBe("2023-12-31");
    expect(localDate("+05:30", utc("2023-12-31T18:30:00Z"))).toBe("2024-01-01");
    expect(localDate("-0530", utc("2024-01-01T05:29:59.999Z"))).toBe("2023-12-31");
    expect(localDate("-0530", utc("2024-01-01T05:30:00Z"))).toBe("2024-01-01");
    expect(localDate("UTC+02:00", utc("2024-06-30T22:00:00Z"))).toBe("2024-07-01");
    expect(localDate("GMT-03:00", utc("2024-07-01T02:59:59Z"))).toBe("2024-06-30");
    // A fixed offset has no DST: every day is 24 hours, and midnight is always at the same UTC time.
    expect(dayLengthHours("+05:30", "2024-03-31")).toBe(24);
    expect(new Date(calendarFor("+05:30").startOf(parseLocalDate("2024-07-01"))).toISOString()).toBe("2024-06-30T18:30:00.000Z");
  });
});

describe("startOf", () => {
  it("is the instant local midnight begins", () => {
    const start = (zone: string, date: string) => new Date(calendarFor(zone).startOf(parseLocalDate(date))).toISOString();
    expect(start("Europe/Helsinki", "2024-01-15")).toBe("2024-01-14T22:00:00.000Z");
    expect(start("Europe/Helsinki", "2024-07-15")).toBe("2024-07-14T21:00:00.000Z");
    expect(start("America/New_York", "2024-07-15")).toBe("2024-07-15T04:00:00.000Z");
    expect(start("Asia/Kolkata", "2024-07-15")).toBe("2024-07-14T18:30:00.000Z");
    expect(start("UTC", "2024-07-15")).toBe("2024-07-15T00:00:00.000Z");
  });

  it("of dayOf(t) is local midnight of t's date, at or before t", () => {
    const instants = [
      "2024-03-31T21:30:00Z",
      "2024-03-31T00:30:00Z",
      "2024-10-27T00:30:00Z",
      "2024-10-27T23:59:00Z",
      "2024-06-15T12:00:00Z",
    ];
    for (const zone of ["Europe/Helsinki", "America/New_York", "Pacific/Auckland", "Asia/Kolkata"]) {
      const calendar = calendarFor(zone);
      for (const iso of instants) {
        const t = utc(iso);
        const midnight = calendar.startOf(calendar.dayOf(t));
        expect(wallClock(zone, midnight), `${zone} ${iso}`).toEqual({ date: wallClock(zone, t).date, time: "00:00" });
        expect(midnight).toBeLessThanOrEqual(t);
        expect(t - midnight).toBeLessThan(25 * HOUR);
      }
    }
  });

  it("makes DST change days 23 and 25 hours long", () => {
    expect(dayLengthHours("Europe/Helsinki", "2024-03-30")).toBe(24);
    expect(dayLengthHours("Europe/Helsinki", "2024-03-31")).toBe(23);
    expect(dayLengthHours("Europe/Helsinki", "2024-10-27")).toBe(25);
    expect(dayLengthHours("America/New_York", "2024-03-10")).toBe(23);
    expect(dayLengthHours("America/New_York", "2024-11-03")).toBe(25);
    expect(dayLengthHours("Australia/Lord_Howe", "2024-10-06")).toBe(23.5);
  });

  it("brackets exactly the instants dayOf maps to that day, every day of 2024", () => {
    for (const zone of [
      "Europe/Helsinki",
      "America/New_York",
      "Pacific/Auckland",
      "Australia/Lord_Howe",
      "Africa/Cairo",
      "+05:30",
    ]) {
      const calendar = calendarFor(zone);
      const wrong: string[] = [];
      for (let day = parseLocalDate("2024-01-01"); day <= parseLocalDate("2024-12-31"); day++) {
        const start = calendar.startOf(day);
        if (calendar.dayOf(start) !== day || calendar.dayOf(start - 1) !== day - 1) wrong.push(formatLocalDate(day));
      }
      expect(wrong, zone).toEqual([]);
    }
  });

  it("starts a day whose midnight is skipped at the first instant of that day (DST at 00:00 west of UTC)", () => {
    // Chile, 8 September 2024: 24:00 (UTC−4) jumps to 01:00 (UTC−3) at 04:00 UTC, so the day begins at 04:00 UTC.
    const santiago = calendarFor("America/Santiago");
    const sep8 = parseLocalDate("2024-09-08");
    expect(formatLocalDate(santiago.dayOf(santiago.startOf(sep8)))).toBe("2024-09-08");
    expect(new Date(santiago.startOf(sep8)).toISOString()).toBe("2024-09-08T04:00:00.000Z");
    // Cuba, 10 March 2024: 00:00 (UTC−5) jumps to 01:00 (UTC−4) at 05:00 UTC.
    const havana = calendarFor("America/Havana");
    expect(new Date(havana.startOf(parseLocalDate("2024-03-10"))).toISOString()).toBe("2024-03-10T05:00:00.000Z");
  });
});

describe("time zones", () => {
  it("knows IANA zones and fixed offsets, and nothing else", () => {
    expect(isKnownTimeZone("Europe/Helsinki")).toBe(true);
    expect(isKnownTimeZone("UTC")).toBe(true);
    expect(isKnownTimeZone("+05:30")).toBe(true);
    expect(isKnownTimeZone("-0800")).toBe(true);
    expect(isKnownTimeZone("Europe/Helsinky")).toBe(false);
    expect(isKnownTimeZone("Mars/Olympus_Mons")).toBe(false);
  });

  it("refuses to build a calendar for an unknown zone", () => {
    expect(() => calendarFor("Europe/Helsinky")).toThrow(RangeError);
  });

  it("shares one calendar per zone", () => {
    expect(calendarFor("Europe/Helsinki")).toBe(calendarFor("Europe/Helsinki"));
    expect(calendarFor("Europe/Helsinki").zone).toBe("Europe/Helsinki");
  });
});

describe("parseLocalDate", () => {
  it("reads YYYY-MM-DD as days since 1970-01-01", () => {
    expect(parseLocalDate("1970-01-01")).toBe(0);
    expect(parseLocalDate("1970-01-02")).toBe(1);
    expect(parseLocalDate("1969-12-31")).toBe(-1);
    expect(parseLocalDate("2024-03-01") - parseLocalDate("2024-02-28")).toBe(2); // 2024 is a leap year
    expect(formatLocalDate(parseLocalDate("2024-02-29"))).toBe("2024-02-29");
  });

  it("rejects dates that do not exist", () => {
    expect(() => parseLocalDate("2024-02-30")).toThrow(/no such date: "2024-02-30"/);
    expect(() => parseLocalDate("2023-02-29")).toThrow(RangeError);
    expect(() => parseLocalDate("2024-13-01")).toThrow(RangeError);
    expect(() => parseLocalDate("2024-00-10")).toThrow(RangeError);
    expect(() => parseLocalDate("2024-04-31")).toThrow(RangeError);
  });

  it("rejects anything but the YYYY-MM-DD form", () => {
    expect(() => parseLocalDate("2024-1-1")).toThrow(/not a date in YYYY-MM-DD form: "2024-1-1"/);
    for (const text of ["", "2024-01-01T00:00", " 2024-01-01", "2024/01/01", "01-01-2024", "20240101"]) {
      expect(() => parseLocalDate(text), JSON.stringify(text)).toThrow(RangeError);
    }
  });

  it("reads years before 100 as written, not as 19xx", () => {
    // Date.UTC maps years 0-99 to 1900-1999; a date it accepts must still round-trip.
    expect(formatLocalDate(parseLocalDate("0099-12-31"))).toBe("0099-12-31");
  });
});

describe("months", () => {
  it("numbers months since January 1970", () => {
    expect(monthOfDay(parseLocalDate("1970-01-31"))).toBe(0);
    expect(monthOfDay(parseLocalDate("2024-03-31"))).toBe((2024 - 1970) * 12 + 2);
    expect(monthOfDay(parseLocalDate("1969-12-31"))).toBe(-1);
    expect(formatLocalDate(firstDayOfMonth((2024 - 1970) * 12 + 1))).toBe("2024-02-01");
    expect(formatMonth((2024 - 1970) * 12 + 11)).toBe("2024-12");
    expect(formatMonth(-1)).toBe("1969-12");
  });
});

describe("sameDayYearBefore", () => {
  const yearBefore = (date: string) => formatLocalDate(sameDayYearBefore(parseLocalDate(date)));

  it("keeps the calendar date, and falls back from 29 February to the 28th", () => {
    expect(yearBefore("2024-03-15")).toBe("2023-03-15");
    expect(yearBefore("2024-02-29")).toBe("2023-02-28");
    expect(yearBefore("2024-03-01")).toBe("2023-03-01");
    expect(yearBefore("2025-02-28")).toBe("2024-02-28");
    expect(yearBefore("2024-01-01")).toBe("2023-01-01");
    expect(yearBefore("2024-12-31")).toBe("2023-12-31");
  });
});
