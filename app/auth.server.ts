import { demoShop } from "./demo/mode.server";
import { authenticate } from "./shopify.server";

/**
 * The shop an admin request acts for, from a valid Shopify session token. In the local demo
 * (COMEBACK_DEMO=1, never in production) it is the demo shop, without Shopify.
 */
export async function requireShop(request: Request): Promise<{ shop: string; demo: boolean }> {
  const demo = demoShop();
  if (demo) return { shop: demo, demo: true };
  const { session } = await authenticate.admin(request);
  return { shop: session.shop, demo: false };
}
