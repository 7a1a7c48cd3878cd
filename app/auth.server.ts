import { demoShop } from "./demo/mode.server";
import { requireValidShop } from "./platform/http/shop-domain";
import { authenticate } from "./shopify.server";

/**
 * The shop an admin request acts for, from a valid Shopify session token, and the staff member
 * making it (the token's `sub`). In the local demo (COMEBACK_DEMO=1, never in production) it is
 * the demo shop, without Shopify. A `shop` or token `dest` that is no shop domain is a 400.
 */
export async function requireShop(request: Request): Promise<{ shop: string; demo: boolean; user: string | null }> {
  requireValidShop(request);
  const demo = demoShop();
  if (demo) return { shop: demo, demo: true, user: "demo" };
  const { session, sessionToken } = await authenticate.admin(request);
  const user = sessionToken?.sub ? String(sessionToken.sub) : null;
  return { shop: session.shop, demo: false, user };
}
