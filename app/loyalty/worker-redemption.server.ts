// Redemptions the worker issues (decision 21), in a module without the Shopify client, so that the
// webhook path (a referral completing in a member's review) can record one without loading it.
import { randomUUID } from "node:crypto";
import type { Tx } from "../platform/db/client.server";

/** A row still pending this long was abandoned: its process crashed before or while Shopify answered. */
const ABANDONED_MS = 2 * 60_000;

/**
 * The `ready` condition of a queue finishing abandoned rows of `table` (redemptions, referral
 * claims): pending past ABANDONED_MS, in a shop still installed (an uninstalled shop has no token).
 */
export const abandonedPending =
  (table: string) =>
  (bind: (value: unknown) => string): string =>
    `"status" = 'pending' AND "updatedAt" < ${bind(new Date(Date.now() - ABANDONED_MS))}
     AND EXISTS (SELECT 1 FROM "Shop" WHERE "Shop"."domain" = "${table}"."shopDomain" AND "Shop"."installState" = 'installed')`;

/**
 * Records a reward that costs no points and that no shopper is waiting for (a referrer's code or
 * store credit, app/referrals/referrer-reward.server.ts) in the caller's transaction, pending and
 * dated so that abandonedRedemptionQueue issues it at once: the same creation, lookup of a lost
 * answer and retries as a redemption, without calling Shopify inside the transaction. Once per
 * clientKey.
 */
export async function queueWorkerRedemption(
  tx: Tx,
  input: {
    shopDomain: string;
    memberGid: string;
    rewardId: string;
    clientKey: string;
    code: string;
    creditAmount: bigint | null;
    expiresAt: Date;
    now: Date;
  },
): Promise<void> {
  const { shopDomain, clientKey, now, ...rest } = input;
  const existing = await tx.redemption.findUnique({ where: { shopDomain_clientKey: { shopDomain, clientKey } } });
  if (existing) return;
  await tx.redemption.create({
    data: {
      id: randomUUID(),
      shopDomain,
      clientKey,
      ...rest,
      status: "pending",
      points: 0,
      createdAt: now,
      updatedAt: new Date(now.getTime() - ABANDONED_MS),
    },
  });
}
