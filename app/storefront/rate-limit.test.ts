import { describe, expect, it } from "vitest";
import { retryAfterSeconds } from "./rate-limit";

describe("retryAfterSeconds", () => {
  const start = new Date("2026-12-01T10:00:00Z");
  it("rounds the rest of the window up to whole seconds", () => {
    expect(retryAfterSeconds(start, 60_000, new Date(start.getTime() + 10_500))).toBe(50);
    expect(retryAfterSeconds(start, 60_000, start)).toBe(60);
  });

  it("is at least one second, even at or past the window's end", () => {
    expect(retryAfterSeconds(start, 60_000, new Date(start.getTime() + 60_000))).toBe(1);
    expect(retryAfterSeconds(start, 60_000, new Date(start.getTime() + 90_000))).toBe(1);
  });
});
