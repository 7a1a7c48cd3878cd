// Shopify's webhook signature, checked by the app itself rather than by authenticate.webhook: the
// library also reads the shop's offline session from the database on every delivery (this route
// never calls Shopify), parses the body a second time and builds an Admin API client.
import { createHmac, timingSafeEqual } from "node:crypto";

/** Whether `hmac` (X-Shopify-Hmac-Sha256) is the base64 HMAC-SHA256 of the raw body (its bytes, or as UTF-8) under the app's secret. */
export function isSignedBody(body: string | Uint8Array, hmac: string, secret: string): boolean {
  const expected = Buffer.from(createHmac("sha256", secret).update(body).digest("base64"));
  const given = Buffer.from(hmac);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Headers Shopify sends with every webhook, besides the signature and the shop. */
export const REQUIRED_WEBHOOK_HEADERS = ["x-shopify-topic", "x-shopify-api-version", "x-shopify-webhook-id"] as const;

/** A topic header as the app names topics (Shopify's library does the same): `orders/create` is ORDERS_CREATE. */
export function topicKey(header: string): string {
  return header.toUpperCase().replace(/[/.]/g, "_");
}
