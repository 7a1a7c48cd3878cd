// The local demo: the app runs on a seeded demo shop without a Shopify store, so Shopify's
// authentication is bypassed for that shop. It exists only when COMEBACK_DEMO=1, and it fails
// closed: in production (NODE_ENV=production) the app refuses to start with it switched on.

import { env } from "../platform/env.server";

export const DEMO_SHOP = "comeback-demo.myshopify.com";

export function demoModeRequested(): boolean {
  return env.COMEBACK_DEMO;
}

export function assertDemoModeAllowed(): void {
  if (demoModeRequested() && env.NODE_ENV === "production") {
    throw new Error("COMEBACK_DEMO=1 bypasses Shopify authentication and is refused in production (NODE_ENV=production)");
  }
}

/** The demo shop's domain when the demo is on, otherwise null. */
export function demoShop(): string | null {
  assertDemoModeAllowed();
  return demoModeRequested() ? DEMO_SHOP : null;
}
