// Writes the program's storefront copy (program-metafield.ts) to Shopify from the worker, never
// from the save request: a save must not wait for, or fail with, Shopify. saveProgram marks the
// program stale and bumps its revision; each tick claims stale programs with a lease, writes the
// metafield (currentAppInstallation, then metafieldsSet, which overwrites: writing twice is
// harmless) and clears the mark only if no save came in meanwhile. A stale program is a job of the
// job system (app/platform/jobs.server.ts): a failure retries with its backoff; a throttled shop
// waits until its query budget has restored.
import db from "../platform/db/client.server";
import { log } from "../platform/log.server";
import { METAFIELDS_SET } from "../loyalty/metafields";
import { isPaused, pausedUntil, pauseFor } from "../loyalty/metafields.server";
import { loadProgram, loadRules, loadTiers } from "../loyalty/store.server";
import { ThrottledError } from "../platform/shopify/admin-client.server";
import { adminClientFor } from "../offline-admin.server";
import { leaseMs, type Job, type Outcome, type Queue } from "../platform/jobs.server";
import { CURRENT_APP_INSTALLATION_QUERY, programMetafield, programMetafieldValue } from "./program-metafield";

/** A program whose metafield failed this often is left alone until its next save (dead). */
const MAX_ATTEMPTS = 12;

/** One job per program: a shop has one row, so the job's id is its shop. */
export const programMetafieldQueue: Queue = {
  name: "program-metafields",
  table: "LoyaltyProgram",
  id: "shopDomain",
  shop: "shopDomain",
  lease: "metafieldLeaseUntil",
  attempts: "metafieldAttempts",
  lastError: "metafieldError",
  // An uninstalled shop has no access token; its program is written if it comes back.
  ready: () =>
    `"metafieldStale" AND EXISTS (SELECT 1 FROM "Shop" WHERE "Shop"."domain" = "LoyaltyProgram"."shopDomain" AND "Shop"."installState" = 'installed')`,
  shops: "filter",
  maxAttempts: MAX_ATTEMPTS,
  batch: 10,
  leaseMs,
  run: syncProgramMetafield,
};

async function syncProgramMetafield({ shopDomain }: Job): Promise<Outcome> {
  const now = new Date();
  if (isPaused(shopDomain, now.getTime())) return { retryAt: new Date(pausedUntil(shopDomain)) };
  const { metafieldRevision } = await db.loyaltyProgram.findUniqueOrThrow({ where: { shopDomain } });
  try {
    await writeProgramMetafield(shopDomain, now);
  } catch (error) {
    // Throttled: not a failed attempt; the shop's budget restores.
    if (!(error instanceof ThrottledError)) throw error;
    log.warn("program metafield throttled", { shop: shopDomain });
    return { retryAt: new Date(pauseFor(shopDomain, error.throttle, now.getTime())) };
  }
  // Cleared for the revision read before writing; a save since then leaves it stale for the next turn.
  const cleared = await db.loyaltyProgram.updateMany({
    where: { shopDomain, metafieldRevision },
    data: {
      metafieldStale: false,
      metafieldAttempts: 0,
      metafieldError: null,
      metafieldSyncedAt: now,
      metafieldLeaseUntil: null,
    },
  });
  if (cleared.count === 0) await db.loyaltyProgram.update({ where: { shopDomain }, data: { metafieldLeaseUntil: null } });
  return "done";
}

async function writeProgramMetafield(shopDomain: string, now: Date): Promise<void> {
  const [program, rules, tiers, shop] = await Promise.all([
    loadProgram(db, shopDomain),
    loadRules(db, shopDomain),
    loadTiers(db, shopDomain),
    db.shop.findUniqueOrThrow({ where: { domain: shopDomain }, select: { currency: true } }),
  ]);
  if (!program) return;
  const admin = await adminClientFor(shopDomain);
  const ownerId = (await admin.request(CURRENT_APP_INSTALLATION_QUERY)).data.currentAppInstallation.id;
  const value = programMetafieldValue({
    enabled: program.enabled,
    settings: program.settings,
    rules,
    tiers,
    currency: shop.currency,
    now,
  });
  const { metafieldsSet } = (await admin.request(METAFIELDS_SET, { metafields: [programMetafield(ownerId, value)] })).data;
  if (!metafieldsSet || metafieldsSet.userErrors.length) {
    const reasons = metafieldsSet?.userErrors.map((e) => e.message).join("; ");
    throw new Error(`Shopify refused the program metafield: ${reasons || "no answer to metafieldsSet"}`);
  }
}
