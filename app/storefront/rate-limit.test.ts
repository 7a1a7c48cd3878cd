import { describe, expect, it } from "vitest";
import { retryAfterSeconds, WindowCounter } from "./rate-limit";

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

describe("WindowCounter", () => {
  const rule = { limit: 3, windowMs: 60_000 };
  const t0 = Date.parse("2026-12-01T10:00:00Z");

  it("allows `limit` requests per key and window, then says how long to wait; a new window starts afresh", () => {
    const counter = new WindowCounter(rule);
    expect([0, 1, 2].map((i) => counter.spend("a", t0 + i))).toEqual([null, null, null]);
    expect(counter.spend("a", t0 + 20_000)).toBe(40);
    expect(counter.spend("b", t0 + 20_000)).toBeNull();
    expect(counter.spend("a", t0 + 60_000)).toBeNull();
  });

  it("keeps at most maxKeys windows, dropping ended ones and then the oldest", () => {
    const counter = new WindowCounter(rule, 2);
    for (let i = 0; i < 4; i++) counter.spend("old", t0);
    counter.spend("other", t0 + 1);
    counter.spend("new", t0 + 2);
    expect(counter.size).toBe(2);
    // "old" was the oldest and went: its count starts over.
    expect(counter.spend("old", t0 + 3)).toBeNull();
    expect(counter.size).toBe(2);
    counter.spend("late", t0 + 120_000);
    expect(counter.size).toBe(1);
  });
});
