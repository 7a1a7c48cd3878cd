// Keyed digests of normalised e-mails, addresses and phones: what the fraud rules compare and
// remember, never the values. The key is derived from the app's secret as the redaction digests'
// is (app/sync/redaction.server.ts), for its own purpose: a digest leaked with the database alone
// cannot be tested against guessed addresses.
import { createHmac } from "node:crypto";
import { env } from "../platform/env.server";

let key: Buffer | undefined;

function digestKey(): Buffer {
  if (!key) {
    const secret = env.SHOPIFY_API_SECRET;
    if (!secret) throw new Error("SHOPIFY_API_SECRET is not set: it keys the referral digests");
    key = createHmac("sha256", secret).update("comeback/referral-digest/v1").digest();
  }
  return key;
}

export type DigestKind = "email" | "address" | "phone";

/** HMAC-SHA256 (hex) of a normalised value within a shop; null stays null. */
export function referralDigest(shopDomain: string, kind: DigestKind, normalised: string | null): string | null {
  if (normalised === null) return null;
  return createHmac("sha256", digestKey()).update(`${shopDomain}\n${kind}\n${normalised}`).digest("hex");
}
