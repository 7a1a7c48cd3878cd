import { describe, expect, it } from "vitest";
import { addDays, addMonths } from "./dates";
import { at } from "./test-helpers";

describe("addDays and addMonths", () => {
  it("adds exact days", () => {
    expect(addDays(at("2024-03-01T10:00:00Z"), 14)).toEqual(at("2024-03-15T10:00:00Z"));
  });

  it("adds calendar months, keeping the time and clamping to the end of a shorter month", () => {
    expect(addMonths(at("2024-01-31T08:30:00Z"), 1)).toEqual(at("2024-02-29T08:30:00Z"));
    expect(addMonths(at("2023-01-31T08:30:00Z"), 1)).toEqual(at("2023-02-28T08:30:00Z"));
    expect(addMonths(at("2024-02-29T00:00:00Z"), 12)).toEqual(at("2025-02-28T00:00:00Z"));
    expect(addMonths(at("2024-11-15T00:00:00Z"), 3)).toEqual(at("2025-02-15T00:00:00Z"));
    expect(addMonths(at("2024-03-31T00:00:00Z"), -1)).toEqual(at("2024-02-29T00:00:00Z"));
  });
});
