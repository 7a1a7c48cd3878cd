// Numbers as a merchant types them into the admin, in their language: "10.00" or "1,234.50" in
// English, "10,00" or "1.234,50" in German, read exactly into integers (money into minor units,
// a multiplier into basis points) without ever passing through a float.
import { currencyDigits, minorToDecimal } from "../i18n/format";

export type DecimalProblem = "empty" | "invalid" | "tooManyDecimals";
export type DecimalResult = { ok: true; value: bigint } | { ok: false; problem: DecimalProblem };

/** The locale's decimal and grouping separators ("." and "," in English, "," and "." in German). */
function separators(locale: string): { decimal: string; group: string } {
  const parts = new Intl.NumberFormat(locale).formatToParts(12345.6);
  return { decimal: parts.find((p) => p.type === "decimal")!.value, group: parts.find((p) => p.type === "group")!.value };
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * `text` times 10^fractionDigits, exactly: parseScaled("12,5", "de", 2) is 1250n. Grouping
 * separators are accepted where they belong ("1.234,50" in German). Without the locale's decimal
 * separator, a single grouping separator not followed by exactly three digits is read as the
 * decimal point, so "10.00" means ten in German too. Digits beyond `fractionDigits` must be zeros.
 */
export function parseScaled(text: string, locale: string, fractionDigits: number): DecimalResult {
  const compact = text.replace(/[\s\u00a0\u202f]/g, "");
  if (compact === "") return { ok: false, problem: "empty" };
  const { decimal, group } = separators(locale);
  const match = compact.match(/^([-−]?)(.*)$/)!;
  const negative = match[1] !== "";
  let body = match[2]!;
  // The one place a grouping separator acts as a decimal point: "10.00" typed in German.
  const groups = body.split(group);
  if (!body.includes(decimal) && groups.length === 2 && groups[1]!.length !== 3) body = groups.join(decimal);
  const [whole = "", fraction = "", ...rest] = body.split(decimal);
  if (rest.length > 0) return { ok: false, problem: "invalid" };
  const grouped = new RegExp(`^\\d{1,3}(${escape(group)}\\d{3})+$`);
  if (!/^\d*$/.test(fraction) || !(/^\d+$/.test(whole) || grouped.test(whole) || (whole === "" && fraction !== ""))) {
    return { ok: false, problem: "invalid" };
  }
  const significant = fraction.replace(/0+$/, "");
  if (significant.length > fractionDigits) return { ok: false, problem: "tooManyDecimals" };
  const digits = whole.split(group).join("") + significant.padEnd(fractionDigits, "0");
  const value = BigInt(digits === "" ? "0" : digits);
  return { ok: true, value: negative ? -value : value };
}

/** An amount of `currency` as typed, in minor units: parseMoney("10,00", "EUR", "de") is 1000n. */
export const parseMoney = (text: string, currency: string, locale: string) => parseScaled(text, locale, currencyDigits(currency));

/** `value` / 10^fractionDigits as an input shows it: no grouping, the locale's decimal separator. */
export function scaledInputText(value: bigint | number, locale: string, fractionDigits: number): string {
  const negative = BigInt(value) < 0n;
  const digits = (negative ? -BigInt(value) : BigInt(value)).toString().padStart(fractionDigits + 1, "0");
  const whole = digits.slice(0, digits.length - fractionDigits);
  const fraction = digits.slice(digits.length - fractionDigits).replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${fraction ? separators(locale).decimal + fraction : ""}`;
}

/** Minor units as a money input shows them, every decimal of the currency kept: 1000n, "EUR", "de" -> "10,00". */
export function moneyInputText(minor: bigint | string, currency: string, locale: string): string {
  return minorToDecimal(minor, currency).replace(".", separators(locale).decimal);
}
