import type { Db, Tx } from "../db.server";
import { insertRows } from "./sql.server";

export type InstallState = "installed" | "uninstalled" | "redacted";

type ShopRow = NonNullable<Awaited<ReturnType<Tx["shop"]["findUnique"]>>>;

/**
 * Every webhook needs its shop's state and currency. They change on install, uninstall and
 * redaction only, so each instance keeps them for a few seconds: one query less per delivery.
 * This instance forgets a shop as soon as it changes it; another instance may act on an
 * uninstalled shop for at most SHOP_CACHE_MS, long before shop/redact (48 hours later).
 */
const SHOP_CACHE_MS = 5000;
const shopCache = new Map<string, { shop: ShopRow; until: number }>();

export function forgetShop(domain: string): void {
  shopCache.delete(domain);
}

/**
 * The shop's row, created on first contact (a webhook can come before anything else). The insert
 * tolerates a concurrent first contact on another instance.
 */
export async function ensureShop(tx: Db | Tx, domain: string): Promise<ShopRow> {
  const cached = shopCache.get(domain);
  if (cached && cached.until > Date.now()) return cached.shop;
  const shop = await loadOrCreateShop(tx, domain);
  shopCache.set(domain, { shop, until: Date.now() + SHOP_CACHE_MS });
  return shop;
}

async function loadOrCreateShop(tx: Db | Tx, domain: string): Promise<ShopRow> {
  const existing = await tx.shop.findUnique({ where: { domain } });
  if (existing) return existing;
  const now = new Date();
  await insertRows(
    tx,
    "Shop",
    [["domain", "text"], ["installedAt", "time"], ["createdAt", "time"], ["updatedAt", "time"]],
    [[domain, now, now, now]],
    `ON CONFLICT ("domain") DO NOTHING`,
  );
  return tx.shop.findUniqueOrThrow({ where: { domain } });
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
