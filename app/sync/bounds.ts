// What the sync accepts from outside (webhooks, Bulk Operation files, the import CLI): every value
// is checked against these bounds at the door, so that no stored row can later make a metric, a
// list or an export fail. One place, so that every entry point refuses the same things.

/**
 * The largest amount, in minor units, of one money field: 10^11 (a billion in a two-decimal
 * currency). A million such orders still sum exactly in a bigint and stay within a float's
 * integer precision per customer, which the metrics rely on.
 */
export const MAX_MINOR_UNITS = 100_000_000_000n;

export function isMinorUnitsInRange(amount: bigint): boolean {
  return amount <= MAX_MINOR_UNITS && amount >= -MAX_MINOR_UNITS;
}

/** No Shopify shop has records from before this. */
export const EARLIEST_TIME = new Date("1990-01-01T00:00:00Z");

/** How far ahead of this machine's clock a Shopify timestamp may be (clock skew, not more). */
export const FUTURE_TOLERANCE_MS = 24 * 60 * 60 * 1000;

export function isTimeInRange(time: Date, now = Date.now()): boolean {
  const ms = time.getTime();
  return ms >= EARLIEST_TIME.getTime() && ms <= now + FUTURE_TOLERANCE_MS;
}

/**
 * Text that neither database stores faithfully: NUL (PostgreSQL refuses it in text) and UTF-16
 * surrogates without their pair (not valid Unicode; PostgreSQL refuses them too).
 */
export function hasUnstorableText(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}

/**
 * Whether JSON text may decode to text that hasUnstorableText: it holds such a character itself,
 * or an escape of NUL or of a surrogate. When not, its parsed value need not be walked (a webhook's
 * hot path); when so, findUnstorableText names the place, if any.
 */
export function mayDecodeToUnstorableText(json: string): boolean {
  return hasUnstorableText(json) || /\\u(?:0000|d[89a-f])/i.test(json);
}

/** The path of the first string in a parsed JSON value that hasUnstorableText, or null. */
export function findUnstorableText(value: unknown, path = ""): string | null {
  if (typeof value === "string") return hasUnstorableText(value) ? path || "(body)" : null;
  if (typeof value !== "object" || value === null) return null;
  for (const [key, item] of Object.entries(value)) {
    if (hasUnstorableText(key)) return path ? `${path}.(key)` : "(key)";
    const found = findUnstorableText(item, path ? `${path}.${key}` : key);
    if (found) return found;
  }
  return null;
}
