import type { Db, Tx } from "../platform/db/client.server";
import { shopCaches } from "../platform/cache.server";

export type InstallState = "installed" | "uninstalled" | "redacted";

export type ShopRow = NonNullable<Awaited<ReturnType<Tx["shop"]["findUnique"]>>>;

/**
 * Every webhook needs its shop's state and currency. They change on install, uninstall and
 * redaction only, so each instance keeps them for a few seconds: one query less per delivery.
 * This instance forgets a shop as soon as it changes it; another instance may act on an
 * uninstalled shop for at most SHOP_CACHE_MS, long before shop/redact (48 hours later).
 */
const SHOP_CACHE_MS = 5000;
/** Heap bytes of a shop's row: a dozen fields, its domain, name and GID strings. */
const SHOP_ROW_BYTES = 1000;
const shopCache = shopCaches.kind<ShopRow>("shops", { sizeOf: () => SHOP_ROW_BYTES, ttlMs: SHOP_CACHE_MS });

export function forgetShop(domain: string): void {
  shopCache.delete(domain);
}

/**
 * The shop's row, or null for a shop that never installed the app: only the install
 * (install.server.ts) creates it, so a delivery cannot make a shop exist.
 */
export async function findShop(tx: Db | Tx, domain: string): Promise<ShopRow | null> {
  const cached = shopCache.get(domain);
  if (cached) return cached;
  const shop = await tx.shop.findUnique({ where: { domain } });
  if (shop) shopCache.set(domain, shop);
  return shop;
}

/** app/uninstalled: stop all work for the shop. Its data stays until shop/redact (48 h later). */
export async function markUninstalled(tx: Tx, domain: string, at: Date): Promise<void> {
  forgetShop(domain);
  await tx.shop.update({ where: { domain }, data: { installState: "uninstalled", uninstalledAt: at } });
  await tx.session.deleteMany({ where: { shop: domain } });
  await tx.historyImport.updateMany({
    where: { shopDomain: domain, status: { in: ["created", "running", "ready", "importing"] } },
    data: { status: "failed", error: "app uninstalled", finishedAt: at },
  });
}
