// Numbers, money and dates as the merchant's language writes them. Money arrives in integer minor
// units (bigint or its decimal text) and is formatted from its exact decimal, never through a float.
export function currencyDigits(currency: string): number {
  return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** Minor units as the exact decimal text Intl accepts: 123456n, "EUR" -> "1234.56". */
export function minorToDecimal(minor: bigint | string | number, currency: string): string {
  const value = BigInt(minor);
  const digits = currencyDigits(currency);
  const negative = value < 0n;
  const text = (negative ? -value : value).toString().padStart(digits + 1, "0");
  const whole = digits ? text.slice(0, -digits) : text;
  const fraction = digits ? `.${text.slice(-digits)}` : "";
  return `${negative ? "-" : ""}${whole}${fraction}`;
}

export function formatMoney(minor: bigint | string | number, currency: string, locale: string): string {
  // Intl formats a decimal string exactly (Intl.NumberFormat v3); TypeScript's lib types lag behind.
  return new Intl.NumberFormat(locale, { style: "currency", currency }).format(
    minorToDecimal(minor, currency) as unknown as number,
  );
}

/**
 * A predicted amount from 1,000 up to three significant digits (€121,000 rather than €121,105.34):
 * a forecast's last digits are noise. Smaller amounts as formatMoney.
 */
export function formatApproximateMoney(minor: number, currency: string, locale: string): string {
  const amount = minorToDecimal(minor, currency) as unknown as number;
  if (Math.abs(Number(amount)) < 1000) return formatMoney(minor, currency, locale);
  return new Intl.NumberFormat(locale, { style: "currency", currency, maximumSignificantDigits: 3 }).format(amount);
}

export function formatNumber(
  value: number | bigint,
  locale: string,
  maximumFractionDigits = 0,
  minimumFractionDigits = 0,
): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits, minimumFractionDigits }).format(value);
}

/** `percent` is in percent (12.5 means 12.5 %). */
export function formatPercent(percent: number, locale: string, fractionDigits = 1): string {
  return new Intl.NumberFormat(locale, {
    style: "percent",
    minimumFractionDigits: fractionDigits,
    maximumFractionDigits: fractionDigits,
  }).format(percent / 100);
}

/** An instant shown in the shop's timezone, as the merchant reads times everywhere in Shopify. */
export function formatDateTime(iso: string | Date, timeZone: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone }).format(new Date(iso));
}

/** A calendar day ("2026-11-30"), which has no timezone of its own. */
export function formatDay(day: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" }).format(new Date(`${day}T00:00:00Z`));
}
