// Money as integer minor units of its currency (cents, yen, fils), so sums are exact.

const exponents = new Map<string, number>();
const knownCurrencies = new Set(Intl.supportedValuesOf("currency"));

/** An ISO 4217 code whose decimals Intl knows. */
export function isCurrencyCode(code: string): boolean {
  return knownCurrencies.has(code);
}

/** Digits after the decimal point in `currency` (2 for EUR, 0 for JPY, 3 for KWD). */
export function currencyExponent(currency: string): number {
  let exponent = exponents.get(currency);
  if (exponent === undefined) {
    try {
      exponent = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      throw new Error(`unknown currency code: ${currency}`);
    }
    exponents.set(currency, exponent);
  }
  return exponent;
}

/**
 * "12.30" EUR -> 1230n. Parses the decimal text itself (no floating point). Extra digits beyond
 * the currency's precision are rounded half away from zero, as Shopify rounds shop money.
 */
export function toMinorUnits(amount: string | number, currency: string): bigint {
  const text = typeof amount === "number" ? numberToPlainText(amount) : amount.trim();
  const match = /^(-?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!match || (match[2] === "" && !match[3])) throw new Error(`not a money amount: "${amount}"`);
  const [, sign, whole, fraction = ""] = match;
  const exponent = currencyExponent(currency);
  const kept = fraction.slice(0, exponent).padEnd(exponent, "0");
  let minor = BigInt((whole || "0") + kept);
  const firstDropped = fraction.charCodeAt(exponent) - 48;
  if (firstDropped >= 5) minor += 1n;
  return sign === "-" ? -minor : minor;
}

/** 1230n EUR -> "12.30": for display and exports. */
export function formatMinorUnits(minor: bigint, currency: string): string {
  const exponent = currencyExponent(currency);
  const negative = minor < 0n;
  const digits = (negative ? -minor : minor).toString().padStart(exponent + 1, "0");
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = exponent ? "." + digits.slice(digits.length - exponent) : "";
  return (negative ? "-" : "") + whole + fraction;
}

function numberToPlainText(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`not a money amount: ${value}`);
  // Up to 20 significant decimals without exponent notation.
  return value.toLocaleString("en-US", { useGrouping: false, maximumFractionDigits: 20 });
}
