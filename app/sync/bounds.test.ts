// The sync's input bounds.
import { expect, it } from "vitest";
import { findUnstorableText, hasUnstorableText, isMinorUnitsInRange, isTimeInRange } from "./bounds";
it("accepts only values both databases and the metrics can hold", () => {
  expect(hasUnstorableText("ok 😀")).toBe(false);
  expect(hasUnstorableText("a\u0000b")).toBe(true);
  expect(hasUnstorableText("a\ud800b")).toBe(true);
  expect(hasUnstorableText("a\udc00")).toBe(true);
  expect(findUnstorableText({ a: [{ b: "x\ud83d" }] })).toBe("a.0.b");
  expect(isMinorUnitsInRange(90_000_000_000_000n)).toBe(false);
  expect(isTimeInRange(new Date("1989-12-31T23:59:59Z"))).toBe(false);
  expect(isTimeInRange(new Date(Date.now() + 2 * 86400000))).toBe(false);
  expect(isTimeInRange(new Date())).toBe(true);
});
