import type { Tx } from "../db.server";
import { insertRows } from "./sql.server";

export type InstallState = "installed" | "uninstalled" | "redacted";

/**
 * The shop's row, created on first contact (a webhook can come before anything else). The insert
 * tolerates a concurrent first contact on another instance.
 */
export async function ensureShop(tx: Tx, domain: string) {
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
  await tx.shop.update({ where: { domain }, data: { installState: "uninstalled", uninstalledAt: at } });
  await tx.session.deleteMany({ where: { shop: domain } });
  await tx.historyImport.updateMany({
    where: { shopDomain: domain, status: { in: ["created", "running", "ready", "importing"] } },
    data: { status: "failed", error: "app uninstalled", finishedAt: at },
  });
}
