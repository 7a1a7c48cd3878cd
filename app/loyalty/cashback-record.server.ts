// Cashback's share of the order task (decision 27): recorded in the same transaction as the
// order's points, with no call to Shopify, which cashback.server.ts makes later (settleCashback).
import { randomUUID } from "node:crypto";
import type { Tx } from "../platform/db/client.server";
import { addDays } from "./dates";
import type { OrderState } from "./earning";
import type { Tier } from "./program";
import { cashbackOf } from "./store-credit";

/**
 * In the order task's transaction: each order's cashback at its member's tier when first seen,
 * due when its points become available; later, the amount its current state earns at that share
 * (a refund or cancellation lowers it; a credit already issued is then taken back).
 */
export async function recordCashback(
  tx: Tx,
  orders: readonly { shopDomain: string; state: OrderState; tierId: string | null }[],
  tiersOf: ReadonlyMap<string, readonly Tier[]>,
  pendingDaysOf: (shopDomain: string) => number,
): Promise<void> {
  if (orders.length === 0) return;
  // One query for the batch's shops (loyalty tasks run across shops).
  const gidsOf = new Map<string, string[]>();
  for (const { shopDomain, state } of orders) gidsOf.set(shopDomain, [...(gidsOf.get(shopDomain) ?? []), state.gid]);
  const rows = await tx.cashback.findMany({
    where: { OR: [...gidsOf].map(([shopDomain, gids]) => ({ shopDomain, orderGid: { in: gids } })) },
  });
  const byOrder = new Map(rows.map((row) => [`${row.shopDomain} ${row.orderGid}`, row]));
  for (const { shopDomain, state, tierId } of orders) {
    const row = byOrder.get(`${shopDomain} ${state.gid}`);
    const basisPoints = row?.basisPoints ?? tiersOf.get(shopDomain)?.find((tier) => tier.id === tierId)?.cashbackBasisPoints ?? 0;
    const amount = state.cancelled ? 0n : cashbackOf(state.base, basisPoints);
    if (!row) {
      if (amount <= 0n) continue;
      await tx.cashback.create({
        data: {
          id: randomUUID(),
          shopDomain,
          memberGid: state.customerGid,
          orderGid: state.gid,
          basisPoints,
          amount,
          dueAt: addDays(state.processedAt, pendingDaysOf(shopDomain)),
          status: "waiting",
        },
      });
    } else if (amount !== row.amount) {
      // Only a lower amount is taken back once credited; a higher one (an edit adding items) counts while waiting.
      const reverse = ["issued", "reverse_due"].includes(row.status) && amount < row.amount;
      await tx.cashback.update({ where: { id: row.id }, data: { amount, ...(reverse && { status: "reverse_due" }) } });
    }
  }
}
