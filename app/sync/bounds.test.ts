// The sync's input bounds.
import { expect, it } from "vitest";
import { findUnstorableText, hasUnstorableText, isMinorUnitsInRange, isTimeInRange, mayDecodeToUnstorableText } from "./bounds";
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

it("tells JSON text that cannot decode to unstorable text, so that its value need not be walked", () => {
  const unstorable = ['{"a": "x\\u0000"}', '{"a": "\\uD83D"}', '{"\\udc00": 1}', '{"a": "\ud800"}'];
  for (const json of unstorable) {
    expect(mayDecodeToUnstorableText(json), json).toBe(true);
    expect(findUnstorableText(JSON.parse(json)), json).not.toBeNull();
  }
  expect(mayDecodeToUnstorableText('{"a": "\u0000"}')).toBe(true); // not JSON either: JSON.parse refuses it
  // A false alarm costs only the walk: an escaped pair is valid Unicode.
  expect(mayDecodeToUnstorableText('{"a": "\\ud83d\\ude00"}')).toBe(true);
  expect(findUnstorableText(JSON.parse('{"a": "\\ud83d\\ude00"}'))).toBeNull();
  expect(mayDecodeToUnstorableText('{"a": "ok 😀 \\u00e9 \\n", "n": 0}')).toBe(false);
});
