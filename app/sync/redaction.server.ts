// Redacted customers are remembered by a keyed digest of their GID, never by the GID itself, so
// that the writes of store.server.ts can refuse to bring them back (see docs/compliance.md). The
// key is derived from the app's secret (SHOPIFY_API_SECRET): the database alone, leaked or
// restored, cannot tell whether a given customer was redacted. Rotating the secret forgets the
// digests made before; the key derivation is versioned for that reason.
import { createHmac } from "node:crypto";
import { env } from "../platform/env.server";

let key: Buffer | undefined;

function redactionKey(): Buffer {
  if (!key) {
    const secret = env.SHOPIFY_API_SECRET;
    // Without the key a redacted customer would come back unnoticed: refuse to write instead.
    if (!secret) throw new Error("SHOPIFY_API_SECRET is not set: it keys the digests of redacted customers");
    key = createHmac("sha256", secret).update("comeback/redacted-customer/v1").digest();
  }
  return key;
}

/** HMAC-SHA256 (hex) of a customer GID within a shop: the same customer in two shops gets two digests. */
export function customerDigest(shopDomain: string, customerGid: string): string {
  return createHmac("sha256", redactionKey()).update(`${shopDomain}\n${customerGid}`).digest("hex");
}
