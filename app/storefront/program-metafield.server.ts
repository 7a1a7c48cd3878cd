// Writes the program's storefront copy (program-metafield.ts) to Shopify from the worker, never
// from the save request: a save must not wait for, or fail with, Shopify. saveProgram marks the
// program stale and bumps its revision; each tick claims stale programs with a lease, writes the
// metafield (currentAppInstallation, then metafieldsSet, which overwrites: writing twice is
// harmless) and clears the mark only if no save came in meanwhile. A failure retries with the
// webhooks' backoff; a throttled shop waits until its query budget has restored.
import db from "../db.server";
import { log } from "../log.server";
import { METAFIELDS_SET } from "../loyalty/metafields";
import { isPaused, isThrottled, pauseFor, throttleOf } from "../loyalty/metafields.server";
import { loadProgram, loadRules, loadTiers } from "../loyalty/store.server";
import { unauthenticated } from "../shopify.server";
import { leaseMs } from "../sync/lease";
import { nextAttemptAt } from "../sync/webhooks.server";
import { CURRENT_APP_INSTALLATION_QUERY, programMetafield, programMetafieldValue } from "./program-metafield";

type Answer = {
  data?: { currentAppInstallation?: { id: string }; metafieldsSet?: { userErrors?: { message: string }[] } };
  errors?: unknown;
};

/** Writes the metafield of every stale program whose shop is installed; returns how many were written. */
export async function syncProgramMetafields(now = new Date()): Promise<number> {
  const stale = await db.loyaltyProgram.findMany({
    where: { metafieldStale: true, shop: { installState: "installed" }, OR: leaseFree(now) },
    select: { shopDomain: true, metafieldRevision: true, metafieldAttempts: true },
    take: 20,
  });
  let written = 0;
  for (const { shopDomain, metafieldRevision, metafieldAttempts } of stale) {
    if (isPaused(shopDomain, now.getTime())) continue;
    const claim = await db.loyaltyProgram.updateMany({
      where: { shopDomain, OR: leaseFree(now) },
      data: { metafieldLeaseUntil: new Date(now.getTime() + leaseMs()) },
    });
    if (claim.count !== 1) continue;
    try {
      await writeProgramMetafield(shopDomain, now);
      // Cleared for the revision read before writing; a save since then leaves it stale for the next tick.
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
      written++;
    } catch (error) {
      const throttled = isThrottled(error);
      const retryAt = throttled
        ? new Date(pauseFor(shopDomain, throttleOf(error), now.getTime()))
        : nextAttemptAt(metafieldAttempts);
      const message = error instanceof Error ? error.message : String(error);
      log.warn("program metafield not written", { shop: shopDomain, throttled, error: message });
      await db.loyaltyProgram.update({
        where: { shopDomain },
        data: {
          metafieldLeaseUntil: retryAt,
          metafieldError: message.slice(0, 2000),
          ...(!throttled && { metafieldAttempts: { increment: 1 } }),
        },
      });
    }
  }
  return written;
}

/** Programs nobody holds: never claimed, or their lease (or retry delay) has run out. */
const leaseFree = (now: Date) => [{ metafieldLeaseUntil: null }, { metafieldLeaseUntil: { lt: now } }];

async function writeProgramMetafield(shopDomain: string, now: Date): Promise<void> {
  const [program, rules, tiers, shop] = await Promise.all([
    loadProgram(db, shopDomain),
    loadRules(db, shopDomain),
    loadTiers(db, shopDomain),
    db.shop.findUniqueOrThrow({ where: { domain: shopDomain }, select: { currency: true } }),
  ]);
  if (!program) return;
  const { admin } = await unauthenticated.admin(shopDomain);
  const call = async (query: string, variables?: Record<string, unknown>) =>
    (await (await admin.graphql(query, { variables })).json()) as Answer;
  const installation = await call(CURRENT_APP_INSTALLATION_QUERY);
  const ownerId = installation.data?.currentAppInstallation?.id as string | undefined;
  if (!ownerId) throw new Error(`Shopify named no app installation: ${JSON.stringify(installation).slice(0, 300)}`);
  const value = programMetafieldValue({
    enabled: program.enabled,
    settings: program.settings,
    rules,
    tiers,
    currency: shop.currency,
    now,
  });
  const answer = await call(METAFIELDS_SET, { metafields: [programMetafield(ownerId, value)] });
  const userErrors = (answer.data?.metafieldsSet?.userErrors ?? []) as { message: string }[];
  if (!answer.data?.metafieldsSet || userErrors.length) {
    throw new Error(
      `Shopify refused the program metafield: ${userErrors.map((e) => e.message).join("; ") || JSON.stringify(answer).slice(0, 300)}`,
    );
  }
}
