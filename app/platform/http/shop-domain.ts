// Which shop a request names, checked before Shopify's library sees it: the library throws (and
// the app answered 500) on a `shop` that is not a shop domain or a session token whose `dest` is
// not a URL. A request naming anything but `<name>.myshopify.com` is a 400 instead.
import { json } from "./responses";

/** A shop's permanent domain, as Shopify names every shop: one DNS label, then `.myshopify.com`. */
const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]{0,62}\.myshopify\.com$/i;

export function isShopDomain(text: string | null | undefined): text is string {
  return typeof text === "string" && SHOP_DOMAIN.test(text);
}

/**
 * The shop a login form or link names: as the Shopify library reads it, `https://` and a trailing
 * slash dropped and a bare name completed with `.myshopify.com`; null when it names no shop.
 */
export function loginShop(input: string): string | null {
  const bare = input
    .trim()
    .replace(/^https?:\/\//, "")
    .replace(/\/$/, "");
  const domain = bare.includes(".") ? bare : `${bare}.myshopify.com`;
  return isShopDomain(domain) ? domain : null;
}

/**
 * The session token's payload (App Bridge's `Authorization: Bearer`, or `id_token` when the admin
 * loads the app), decoded but NOT verified; null without a token or when it is not a JWT, which
 * the library then refuses as a bad token.
 */
function sessionTokenPayload(request: Request, url: URL): Record<string, unknown> | null {
  const token = request.headers.get("Authorization")?.replace(/^Bearer /, "") ?? url.searchParams.get("id_token");
  const payload = token?.split(".")[1];
  if (!payload) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    return parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Why a request's shop is refused: its `shop` parameter or its session token's `dest` is no shop domain; null when fine. */
export function shopProblem(request: Request): "shop" | "dest" | null {
  const url = new URL(request.url);
  const shops = url.searchParams.getAll("shop");
  if (shops.length > 1 || (shops.length === 1 && !isShopDomain(shops[0]))) return "shop";
  const payload = sessionTokenPayload(request, url);
  if (payload) {
    const dest = typeof payload.dest === "string" && /^https:\/\/([^/]+)$/.exec(payload.dest);
    if (!dest || !isShopDomain(dest[1])) return "dest";
  }
  return null;
}

/** Throws a 400 Response when the request names something other than a shop domain (see shopProblem). */
export function requireValidShop(request: Request): void {
  const problem = shopProblem(request);
  if (problem) {
    throw json(
      {
        error:
          problem === "shop"
            ? "shop must be a <name>.myshopify.com domain"
            : "the session token's dest must be https://<name>.myshopify.com",
      },
      400,
    );
  }
}
