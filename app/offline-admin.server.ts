// The Admin API client for work outside a merchant's request (the worker, the storefront's
// redemptions): the shop's offline session, which shopify-app-remix keeps.
import { unauthenticated } from "./shopify.server";
import { adminClient, type AdminClient } from "./platform/shopify/admin-client.server";

export async function adminClientFor(shop: string): Promise<AdminClient> {
  const { session } = await unauthenticated.admin(shop);
  return adminClient(session);
}
