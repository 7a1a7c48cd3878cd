// Storefront requests as Shopify's App Proxy forwards them: the storefront's path under /proxy,
// with `shop`, `logged_in_customer_id` (empty for a guest), `path_prefix` and `timestamp` added
// and signed. The signature is HMAC-SHA256 (hex) with the app's secret over every query parameter
// but `signature`, each as `key=value` (repeated keys' values joined by commas), sorted by key
// and concatenated with no separator. Also: installing a test shop and calling the admin API, so
// that a test can set up a program and a member before the storefront asks.
import { createHmac } from "node:crypto";
import { TEST_API_SECRET } from "./app-server";
import { BROWSER_HEADERS, embeddedAppUrl, sessionToken } from "./session-token";

export const PROXY_PATH_PREFIX = "/apps/comeback";

export type ProxyParams = Record<string, string | readonly string[]>;

/** Shopify's App Proxy signature of `params` (any `signature` among them is left out). */
export function signProxyQuery(params: ProxyParams, secret = TEST_API_SECRET): string {
  const message = Object.entries(params)
    .filter(([key]) => key !== "signature")
    .map(([key, value]) => `${key}=${[value].flat().join(",")}`)
    .sort()
    .join("");
  return createHmac("sha256", secret).update(message, "utf8").digest("hex");
}

export interface ProxyRequestOptions {
  shop: string;
  /** The shopper's numeric Shopify id; null or absent: a guest. */
  customerId?: string | null;
  /** Unix seconds; now by default. */
  timestamp?: number;
  /** The storefront's own query parameters, signed with Shopify's. */
  query?: Record<string, string>;
  secret?: string;
}

/** The signed query Shopify adds to a proxied request. */
export function proxyQuery({
  shop,
  customerId = null,
  timestamp = Math.floor(Date.now() / 1000),
  query = {},
  secret,
}: ProxyRequestOptions) {
  const params: Record<string, string> = {
    ...query,
    shop,
    logged_in_customer_id: customerId ?? "",
    path_prefix: PROXY_PATH_PREFIX,
    timestamp: String(timestamp),
  };
  return new URLSearchParams({ ...params, signature: signProxyQuery(params, secret) });
}

/** The URL the app receives for the storefront's `/apps/comeback/<path>` (path without a leading slash). */
export function proxyUrl(appUrl: string, path: string, options: ProxyRequestOptions): string {
  return `${appUrl}/proxy/${path}?${proxyQuery(options)}`;
}

/** A proxied request to the running app: GET without a body, POST with a JSON one. */
export function proxyFetch(
  appUrl: string,
  path: string,
  options: ProxyRequestOptions & { body?: unknown; method?: string; headers?: Record<string, string> },
) {
  const method = options.method ?? (options.body === undefined ? "GET" : "POST");
  return fetch(proxyUrl(appUrl, path, options), {
    method,
    headers: { ...options.headers, ...(options.body !== undefined && { "Content-Type": "application/json" }) },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
}

/** Installs the app on `shop` (a USD shop in UTC on the Admin API double) as the embedded admin does. */
export async function installShop(
  appUrl: string,
  adminDoubleUrl: string,
  shop: string,
  details: { currencyCode?: string; ianaTimezone?: string; jsonlFile?: string } = {},
) {
  const configured = await fetch(`${adminDoubleUrl}/_test/shops/${shop}`, {
    method: "PUT",
    body: JSON.stringify({ name: "Storefront Test", currencyCode: "USD", ianaTimezone: "UTC", jsonl: "", ...details }),
  });
  if (!configured.ok) throw new Error(`the Admin API double refused shop ${shop}`);
  const response = await fetch(embeddedAppUrl(appUrl, shop, sessionToken(shop)), {
    redirect: "manual",
    headers: BROWSER_HEADERS,
  });
  if (response.status !== 200) throw new Error(`installing ${shop} answered ${response.status}`);
}

/** The merchant's admin JSON API (/app/api/...) with a valid session token: GET, or POST with a body. */
export function adminCall(appUrl: string, shop: string, path: string, body?: unknown) {
  return fetch(`${appUrl}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { ...BROWSER_HEADERS, "Content-Type": "application/json", Authorization: `Bearer ${sessionToken(shop)}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}
