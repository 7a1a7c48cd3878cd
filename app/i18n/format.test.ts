import { describe, expect, it } from "vitest";
import {
  formatApproximateMoney,
  formatDateTime,
  formatDay,
  formatMoney,
  formatNumber,
  formatPercent,
  minorToDecimal,
} from "./format";

// Intl uses a narrow no-break space in some locales; compare with plain spaces.
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");

describe("formatting for the merchant's language", () => {
  it("formats money exactly from minor units, beyond 2^53", () => {
    expect(minorToDecimal(123456n, "EUR")).toBe("1234.56");
    expect(minorToDecimal("-5", "USD")).toBe("-0.05");
    expect(minorToDecimal(1500n, "JPY")).toBe("1500");
    expect(plain(formatMoney(123456n, "EUR", "de"))).toBe("1.234,56 €");
    expect(formatMoney(123456n, "EUR", "en")).toBe("€1,234.56");
    expect(formatMoney(900719925474099312n, "USD", "en")).toBe("$9,007,199,254,740,993.12");
    // Forecasts: three significant digits.
    expect(formatApproximateMoney(12_110_534, "EUR", "en")).toBe("€121,000");
    expect(plain(formatApproximateMoney(12_110_534, "EUR", "de"))).toBe("121.000 €");
    expect(formatApproximateMoney(4_573, "USD", "en")).toBe("$45.73");
    expect(formatApproximateMoney(1_234_567, "JPY", "en")).toBe("¥1,230,000");
  });

  it("formats numbers, percentages and dates per language", () => {
    expect(formatNumber(1234567, "de")).toBe("1.234.567");
    expect(formatNumber(1.3, "de", 2, 2)).toBe("1,30");
    expect(plain(formatPercent(12.345, "de"))).toBe("12,3 %");
    expect(formatPercent(12.345, "en")).toBe("12.3%");
    expect(plain(formatDateTime("2026-03-29T01:30:00Z", "Europe/Berlin", "de"))).toBe("29.03.2026, 03:30");
    expect(formatDay("2026-12-01", "en")).toBe("Dec 1, 2026");
  });
});
