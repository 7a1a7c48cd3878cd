import { describe, expect, it } from "vitest";
import { currencyExponent, formatMinorUnits, toMinorUnits } from "./money";

describe("toMinorUnits", () => {
  it("uses each currency's number of decimals", () => {
    expect(toMinorUnits("12.30", "EUR")).toBe(1230n);
    expect(toMinorUnits("1000", "JPY")).toBe(1000n);
    expect(toMinorUnits("1.234", "KWD")).toBe(1234n);
  });

  it("pads missing decimals", () => {
    expect(toMinorUnits("12.3", "EUR")).toBe(1230n);
    expect(toMinorUnits("12", "EUR")).toBe(1200n);
    expect(toMinorUnits(".5", "EUR")).toBe(50n);
  });

  it("accepts numbers", () => {
    expect(toMinorUnits(12.3, "EUR")).toBe(1230n);
    expect(toMinorUnits(0, "EUR")).toBe(0n);
    expect(toMinorUnits(1000, "JPY")).toBe(1000n);
  });

  it("keeps the sign of negative amounts", () => {
    expect(toMinorUnits("-12.30", "EUR")).toBe(-1230n);
    expect(toMinorUnits(-7.79, "USD")).toBe(-779n);
  });

  it("rounds extra digits half away from zero", () => {
    expect(toMinorUnits("0.005", "USD")).toBe(1n);
    expect(toMinorUnits("-0.005", "USD")).toBe(-1n);
    expect(toMinorUnits("0.0049", "USD")).toBe(0n);
    expect(toMinorUnits("9.995", "USD")).toBe(1000n);
    expect(toMinorUnits("1000.5", "JPY")).toBe(1001n);
  });

  it("stays exact far beyond 2^53 minor units", () => {
    expect(toMinorUnits("92233720368547758.07", "USD")).toBe(9223372036854775807n);
    expect(toMinorUnits("-92233720368547758.07", "USD")).toBe(-9223372036854775807n);
  });

  it("sums many amounts exactly where floats drift", () => {
    let exact = 0n;
    let float = 0;
    for (let i = 0; i < 10_000; i++) {
      exact += toMinorUnits("0.10", "USD");
      float += 0.1;
    }
    expect(exact).toBe(100_000n);
    expect(float).not.toBe(1000);
  });

  it.each(["", "  ", "abc", "1.2.3", "1e5", "12,50", "-", ".", "+1", "$12"])("rejects %j with a clear message", (text) => {
    expect(() => toMinorUnits(text, "USD")).toThrow(`not a money amount: "${text}"`);
  });

  it("rejects non-finite numbers", () => {
    expect(() => toMinorUnits(Number.NaN, "USD")).toThrow("not a money amount: NaN");
    expect(() => toMinorUnits(Number.POSITIVE_INFINITY, "USD")).toThrow("not a money amount");
  });
});

describe("formatMinorUnits", () => {
  it("formats with the currency's decimals", () => {
    expect(formatMinorUnits(1230n, "EUR")).toBe("12.30");
    expect(formatMinorUnits(5n, "USD")).toBe("0.05");
    expect(formatMinorUnits(-5n, "USD")).toBe("-0.05");
    expect(formatMinorUnits(1000n, "JPY")).toBe("1000");
    expect(formatMinorUnits(1234n, "KWD")).toBe("1.234");
  });

  it.each([
    ["12.30", "EUR"],
    ["-0.01", "EUR"],
    ["0.00", "USD"],
    ["92233720368547758.07", "USD"],
    ["1000", "JPY"],
    ["0.001", "KWD"],
  ])("round trips %s %s", (text, currency) => {
    expect(formatMinorUnits(toMinorUnits(text, currency), currency)).toBe(text);
  });
});

describe("currencyExponent", () => {
  it("knows the decimals of ISO currencies", () => {
    expect(currencyExponent("EUR")).toBe(2);
    expect(currencyExponent("JPY")).toBe(0);
    expect(currencyExponent("KWD")).toBe(3);
  });

  it.each(["EURO", "12", "", "E$"])("throws for the malformed code %j", (code) => {
    expect(() => currencyExponent(code)).toThrow(`unknown currency code: ${code}`);
    expect(() => toMinorUnits("1.00", code)).toThrow(`unknown currency code: ${code}`);
    expect(() => formatMinorUnits(100n, code)).toThrow(`unknown currency code: ${code}`);
  });
});
