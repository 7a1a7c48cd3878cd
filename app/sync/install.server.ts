import db from "../platform/db/client.server";
import { log } from "../platform/log.server";
import { findShop, forgetShop } from "./shops.server";
import type { AdminClient } from "../platform/shopify/admin-client.server";
import { runBulkExport, startHistoryImport } from "./history-import.server";

const SHOP_QUERY = `#graphql
query ShopBasics {
  shop { id name currencyCode ianaTimezone }
}`;

/** Installs under way on this instance: a page's loaders run in parallel, each may authenticate. */
const installing = new Map<string, Promise<void>>();

/**
 * After Shopify auth: record the shop's Shopify id (compliance bodies must name it), currency and
 * timezone, then start the history import. Only this creates a shop's row: webhooks for a shop
 * without one are ignored (docs/decisions/0003-webhook-pipeline.md).
 * Concurrent calls for one shop share one install.
 */
export function onShopInstalled(shopDomain: string, admin: AdminClient): Promise<void> {
  let running = installing.get(shopDomain);
  if (!running) {
    running = install(shopDomain, admin).finally(() => installing.delete(shopDomain));
    installing.set(shopDomain, running);
  }
  return running;
}

async function install(shopDomain: string, admin: AdminClient): Promise<void> {
  const { shop } = (await admin.request(SHOP_QUERY)).data;
  const details = { shopifyId: shop.id, name: shop.name, currency: shop.currencyCode, timezone: shop.ianaTimezone };
  const before = await db.shop.findUnique({ where: { domain: shopDomain }, select: { installState: true } });
  await db.shop.upsert({
    where: { domain: shopDomain },
    create: { domain: shopDomain, ...details },
    update: { ...details, installState: "installed", uninstalledAt: null },
  });
  forgetShop(shopDomain);
  // A reinstall re-imports: orders changed while the app was away sent no webhooks.
  const reinstalled = before !== null && before.installState !== "installed";
  // An uninstall took the app-data metafields with it: the worker writes the program's again.
  if (reinstalled)
    await db.loyaltyProgram.updateMany({
      where: { shopDomain },
      data: { metafieldStale: true, metafieldRevision: { increment: 1 } },
    });
  const job = reinstalled ? await runBulkExport(admin, shopDomain) : await startHistoryImport(admin, shopDomain);
  log.info("shop installed", { shop: shopDomain, historyImport: job.status });
}

/**
 * Shopify's library stores the session before its afterAuth hook runs, and never runs the hook
 * again while the session is valid: an install whose hook failed (Shopify unreachable, a database
 * too busy for its transaction) would leave the shop without its row, its webhooks ignored. The
 * admin's pages call this on each load: it finishes such an install (one cached row read otherwise).
 */
export async function finishInstall(shopDomain: string, admin: () => Promise<AdminClient>): Promise<void> {
  // The hook of another loader of the same page may still be running: it is not a failed one.
  await installing.get(shopDomain)?.catch(() => undefined);
  if ((await findShop(db, shopDomain))?.installState === "installed") return;
  log.warn("install left unfinished; finishing it", { shop: shopDomain });
  await onShopInstalled(shopDomain, await admin());
}
