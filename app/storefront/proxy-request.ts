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

/** The storefront's bodies are a few dozen bytes; reading a larger one stops there with a 413. */
export const MAX_PROXY_BODY_BYTES = 16 * 1024;

/** A storefront POST must say it sends JSON: a cross-site form cannot, so no other page can spend a shopper's points. */
export function isJsonRequest(contentType: string | null): boolean {
  return /^application\/json\s*(;|$)/i.test(contentType ?? "");
}

/**
 * The shopper's address, for counting guests: the X-Forwarded-For entry Shopify's proxy wrote.
 * Shopify writes the address its proxy saw the shopper connect from; anything the shopper's
 * client sent in its own X-Forwarded-For comes before it and can be rotated at will, so it is
 * never used. The proxies of the app's own host (`hostProxies`, e.g. 1 for a load balancer) each
 * append one entry after Shopify's, so Shopify's is counted from the end. A shorter list than
 * that has no client-written entries at all: its first entry is used. null without the header.
 */
export function clientAddress(headers: Headers, hostProxies: number): string | null {
  const entries = (headers.get("X-Forwarded-For") ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (!entries.length) return null;
  return entries[Math.max(0, entries.length - 1 - hostProxies)].slice(0, 64);
}
