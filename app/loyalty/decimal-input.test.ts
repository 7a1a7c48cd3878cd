import { describe, expect, it } from "vitest";
import { moneyInputText, parseMoney, parseScaled, scaledInputText } from "./decimal-input";

describe("money as the merchant types it", () => {
  it("reads English and German amounts exactly into minor units", () => {
    expect(parseMoney("10.00", "EUR", "en")).toEqual({ ok: true, value: 1000n });
    expect(parseMoney("10,00", "EUR", "de")).toEqual({ ok: true, value: 1000n });
    expect(parseMoney("1,234.56", "USD", "en")).toEqual({ ok: true, value: 123456n });
    expect(parseMoney("1.234,56", "EUR", "de")).toEqual({ ok: true, value: 123456n });
    expect(parseMoney(" 7,5 ", "EUR", "de")).toEqual({ ok: true, value: 750n });
    expect(parseMoney("0.1", "EUR", "en")).toEqual({ ok: true, value: 10n });
    // 0.1 + 0.2 in floats is 0.30000000000000004; here the digits are read as text.
    expect(parseMoney("90071992547409.93", "USD", "en")).toEqual({ ok: true, value: 9007199254740993n });
  });

  it("reads a dot as the decimal point in German, and a comma in English, unless they group thousands", () => {
    expect(parseMoney("10.00", "EUR", "de")).toEqual({ ok: true, value: 1000n });
    expect(parseMoney("10,5", "USD", "en")).toEqual({ ok: true, value: 1050n });
    expect(parseMoney("1.000", "EUR", "de")).toEqual({ ok: true, value: 100000n });
    expect(parseMoney("1,000", "USD", "en")).toEqual({ ok: true, value: 100000n });
    expect(parseMoney("12.345.678,9", "EUR", "de")).toEqual({ ok: true, value: 1234567890n });
  });

  it("follows the currency's decimals, allowing trailing zeros only", () => {
    expect(parseMoney("1500", "JPY", "en")).toEqual({ ok: true, value: 1500n });
    expect(parseMoney("15.5", "JPY", "en")).toEqual({ ok: false, problem: "tooManyDecimals" });
    expect(parseMoney("10.001", "EUR", "en")).toEqual({ ok: false, problem: "tooManyDecimals" });
    expect(parseMoney("10.000", "EUR", "en")).toEqual({ ok: true, value: 1000n });
  });

  it("keeps the sign, for the domain to judge", () => {
    expect(parseMoney("-5", "EUR", "en")).toEqual({ ok: true, value: -500n });
  });

  it("refuses what is not a number", () => {
    for (const text of ["abc", "1.2.3", "10,00,0", "1,2,3", "12a", "-", "1e3", "€10"]) {
      expect(parseMoney(text, "EUR", "de"), text).toEqual({ ok: false, problem: "invalid" });
    }
    expect(parseMoney("  ", "EUR", "en")).toEqual({ ok: false, problem: "empty" });
  });

  it("writes minor units back as an input shows them", () => {
    expect(moneyInputText(1000n, "EUR", "de")).toBe("10,00");
    expect(moneyInputText("123456", "EUR", "en")).toBe("1234.56");
    expect(moneyInputText(1500n, "JPY", "de")).toBe("1500");
  });
});

describe("other decimals (multipliers, percentages)", () => {
  it("scales them exactly and writes them back without trailing zeros", () => {
    expect(parseScaled("1,25", "de", 4)).toEqual({ ok: true, value: 12500n });
    expect(parseScaled("1.5", "en", 4)).toEqual({ ok: true, value: 15000n });
    expect(parseScaled("2.555", "en", 2)).toEqual({ ok: false, problem: "tooManyDecimals" });
    expect(scaledInputText(12500, "de", 4)).toBe("1,25");
    expect(scaledInputText(10000, "en", 4)).toBe("1");
    expect(scaledInputText(250, "en", 2)).toBe("2.5");
    expect(scaledInputText(-5, "en", 2)).toBe("-0.05");
  });
});
