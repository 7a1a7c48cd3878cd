// The signed survey link: https://<shop>/apps/comeback/survey?t=<token>, for an e-mail (Shopify
// Email or Klaviyo through the "survey ready" Flow trigger) or the storefront's prompt. The token
// names an order, its customer and an expiry, and carries an HMAC-SHA256 over those and the shop,
// keyed with a key derived from the app's secret (link.server.ts). So a link opens only its own
// order's survey, in its own shop, until it expires; changing any part of it breaks the signature.
// No login is needed: the link is the credential, as a "how was your order?" e-mail button is.
import { createHmac, timingSafeEqual } from "node:crypto";

/** The survey page on the shop's domain: the App Proxy (`[app_proxy]` in shopify.app.toml) forwards it to /proxy/survey. */
export const SURVEY_PATH = "/apps/comeback/survey";

export interface SurveyLink {
  shop: string;
  customerGid: string;
  orderGid: string;
  expiresAt: Date;
}

export type LinkRefusal = "invalid_link" | "expired_link";

const ORDER = "gid://shopify/Order/";
const CUSTOMER = "gid://shopify/Customer/";

function signature(key: Buffer, link: SurveyLink, expires: number): string {
  return createHmac("sha256", key)
    .update(`comeback-survey\n${link.shop}\n${link.customerGid}\n${link.orderGid}\n${expires}`)
    .digest("base64url");
}

/** `<order id>.<customer id>.<expiry, Unix seconds>.<signature>`: digits, dots and base64url only. */
export function signLink(key: Buffer, link: SurveyLink): string {
  if (!link.orderGid.startsWith(ORDER) || !link.customerGid.startsWith(CUSTOMER))
    throw new RangeError("not an order and customer GID");
  const expires = Math.floor(link.expiresAt.getTime() / 1000);
  const orderId = link.orderGid.slice(ORDER.length);
  const customerId = link.customerGid.slice(CUSTOMER.length);
  return `${orderId}.${customerId}.${expires}.${signature(key, link, expires)}`;
}

/** The link a token stands for in `shop`, or why it is refused: a bad signature before an expired one. */
export function verifyLink(key: Buffer, shop: string, token: string | null | undefined, now: Date): SurveyLink | LinkRefusal {
  const match = /^(\d{1,20})\.(\d{1,20})\.(\d{1,12})\.([\w-]{43})$/.exec(token ?? "");
  if (!match) return "invalid_link";
  const [, orderId, customerId, expiresText, given] = match;
  const expires = Number(expiresText);
  const link = { shop, orderGid: ORDER + orderId, customerGid: CUSTOMER + customerId, expiresAt: new Date(expires * 1000) };
  const expected = Buffer.from(signature(key, link, expires));
  if (!timingSafeEqual(expected, Buffer.from(given))) return "invalid_link";
  if (link.expiresAt <= now) return "expired_link";
  return link;
}

/** The storefront URL of a survey link. */
export function surveyUrl(shop: string, token: string): string {
  return `https://${shop}${SURVEY_PATH}?t=${token}`;
}
