import { describe, expect, it } from "vitest";
import { birthdayToday, nextBirthdayStart } from "./birthdays";

describe("birthdays on the shop's calendar", () => {
  it("is today by the shop's clock, not the server's", () => {
    // 13:30 UTC on 14 July is already 15 July in Auckland.
    const now = new Date("2026-07-14T13:30:00Z");
    expect(birthdayToday("07-14", now, "UTC")).toBe(2026);
    expect(birthdayToday("07-14", now, "Pacific/Auckland")).toBeNull();
    expect(birthdayToday("07-15", now, "Pacific/Auckland")).toBe(2026);
    expect(birthdayToday("07-15", now, "UTC")).toBeNull();
  });

  it("celebrates 29 February on 28 February in a common year", () => {
    expect(birthdayToday("02-29", new Date("2027-02-28T12:00:00Z"), "UTC")).toBe(2027);
    expect(birthdayToday("02-29", new Date("2028-02-28T12:00:00Z"), "UTC")).toBeNull();
    expect(birthdayToday("02-29", new Date("2028-02-29T12:00:00Z"), "UTC")).toBe(2028);
  });

  it("finds the next birthday's local midnight, this year or the next", () => {
    expect(nextBirthdayStart("07-14", new Date("2026-07-13T20:00:00Z"), "Europe/Berlin")).toEqual(
      new Date("2026-07-13T22:00:00Z"),
    );
    expect(nextBirthdayStart("07-14", new Date("2026-07-14T10:00:00Z"), "Europe/Berlin")).toEqual(
      new Date("2027-07-13T22:00:00Z"),
    );
    expect(nextBirthdayStart("02-29", new Date("2026-03-01T00:00:00Z"), "UTC")).toEqual(new Date("2027-02-28T00:00:00Z"));
    expect(nextBirthdayStart("01-01", new Date("2026-12-31T12:00:00Z"), "Pacific/Auckland")).toEqual(
      new Date("2027-12-31T11:00:00Z"),
    );
  });
});
