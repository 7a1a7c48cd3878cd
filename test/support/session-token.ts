// App Bridge session tokens as Shopify issues them: HS256 JWTs signed with the app's secret.
import { createHmac, randomUUID } from "node:crypto";
import { TEST_API_KEY, TEST_API_SECRET } from "./app-server";

const base64Url = (value: Buffer | string) => Buffer.from(value).toString("base64url");

export function sessionToken(shop: string, options: { secret?: string; expiresInSeconds?: number } = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const header = base64Url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const payload = base64Url(
    JSON.stringify({
      iss: `https://${shop}/admin`,
      dest: `https://${shop}`,
      aud: TEST_API_KEY,
      sub: "42",
      exp: now + (options.expiresInSeconds ?? 60),
      nbf: now - 5,
      iat: now - 5,
      jti: randomUUID(),
      sid: randomUUID(),
    }),
  );
  const signature = createHmac("sha256", options.secret ?? TEST_API_SECRET)
    .update(`${header}.${payload}`)
    .digest();
  return `${header}.${payload}.${base64Url(signature)}`;
}

/** The URL Shopify's admin loads the embedded app with. */
export function embeddedAppUrl(appUrl: string, shop: string, token: string, path = "/app"): string {
  const host = Buffer.from(`admin.shopify.com/store/${shop.split(".")[0]}`).toString("base64url");
  return `${appUrl}${path}?embedded=1&shop=${shop}&host=${host}&id_token=${token}`;
}

/** Shopify's auth ignores requests from bots, and Node's fetch looks like one. */
export const BROWSER_HEADERS = {
  "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36",
};

export interface CustomerAccountTokenOptions {
  secret?: string;
  audience?: string;
  /** Seconds from now; negative for a token already expired. */
  expiresInSeconds?: number;
  /** Seconds from now the token becomes valid; positive for one not valid yet. */
  notBeforeSeconds?: number;
  /** The customer GID; null for a token without `sub` (no customer signed in). */
  customerGid?: string | null;
}

/**
 * A customer account UI extension's session token as Shopify issues it: HS256 with the app's
 * secret, `dest` the shop's bare domain, `sub` the signed-in customer's GID.
 */
export function customerAccountToken(shop: string, options: CustomerAccountTokenOptions = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const header = base64Url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const customerGid = options.customerGid === undefined ? "gid://shopify/Customer/42" : options.customerGid;
  const payload = base64Url(
    JSON.stringify({
      dest: shop,
      aud: options.audience ?? TEST_API_KEY,
      ...(customerGid !== null && { sub: customerGid }),
      exp: now + (options.expiresInSeconds ?? 300),
      nbf: now + (options.notBeforeSeconds ?? -5),
      iat: now - 5,
      jti: randomUUID(),
    }),
  );
  const signature = createHmac("sha256", options.secret ?? TEST_API_SECRET)
    .update(`${header}.${payload}`)
    .digest();
  return `${header}.${payload}.${base64Url(signature)}`;
}
