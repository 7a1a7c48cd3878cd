// Test-only preload for the app server process (NODE_OPTIONS=--import). Shopify's servers are not
// reachable from tests, so every request to https://<shop>.myshopify.com/... is sent to the local
// Admin API double instead, as if DNS pointed there; the shop's host becomes the first path segment.
import { Agent, setGlobalDispatcher } from "undici";

const double = process.env.SHOPIFY_ADMIN_DOUBLE_URL;
if (!double) throw new Error("SHOPIFY_ADMIN_DOUBLE_URL is not set");
const target = new URL(double);

class ShopifyToDouble extends Agent {
  dispatch(options, handler) {
    const origin = new URL(String(options.origin));
    if (origin.hostname.endsWith(".myshopify.com")) {
      options = { ...options, origin: target.origin, path: `/${origin.host}${options.path}` };
    }
    return super.dispatch(options, handler);
  }
}

setGlobalDispatcher(new ShopifyToDouble());
