// What an App Proxy request carries before anything is trusted: Shopify adds `shop`,
// `logged_in_customer_id`, `path_prefix`, `timestamp` and `signature` to the storefront's query
// (docs/app-proxy.md). The signature itself is checked by authenticate.public.appProxy; these
// checks decide which 401 a refused request gets and whose points a signed one may touch.

/**
 * How far a request's timestamp may be from our clock, either way. The Shopify library refuses
 * anything beyond 90 seconds too (as a bare 400), so a wider window here would only turn stale
 * requests into "invalid signature" answers.
 */
export const MAX_CLOCK_SKEW_SECONDS = 90;

export type ProxyFreshness = "fresh" | "stale" | "unsigned";

/** "unsigned": no signature, or no timestamp we can read; "stale": signed too long ago or in the future. */
export function proxyFreshness(query: URLSearchParams, now: Date): ProxyFreshness {
  const timestamp = query.getAll("timestamp");
  if (query.getAll("signature").length !== 1 || timestamp.length !== 1 || !/^\d{1,12}$/.test(timestamp[0])) return "unsigned";
  const skew = Math.abs(Math.floor(now.getTime() / 1000) - Number(timestamp[0]));
  return skew > MAX_CLOCK_SKEW_SECONDS ? "stale" : "fresh";
}

/**
 * The signed-in shopper as a customer GID; null for a guest (Shopify sends the parameter empty).
 * The id stays text: Shopify's ids exceed 2^53. Anything but digits is no customer at all.
 */
export function loggedInCustomerGid(query: URLSearchParams): string | null {
  const ids = query.getAll("logged_in_customer_id");
  if (ids.length !== 1 || !/^\d{1,20}$/.test(ids[0])) return null;
  return `gid://shopify/Customer/${ids[0]}`;
}

/** A storefront POST must say it sends JSON: a cross-site form cannot, so no other page can spend a shopper's points. */
export function isJsonRequest(contentType: string | null): boolean {
  return /^application\/json\s*(;|$)/i.test(contentType ?? "");
}

/**
 * The shopper's address as Shopify's proxy forwards it (the first X-Forwarded-For entry; hosts'
 * load balancers append theirs after it), for counting guests; null when there is none.
 */
export function clientAddress(headers: Headers): string | null {
  const first = headers.get("X-Forwarded-For")?.split(",")[0]?.trim();
  return first ? first.slice(0, 64) : null;
}
