// The demo shop's loyalty program: launched three months ago with a purchase rule, two bonus rules,
// three tiers and three rewards. Everything goes through the program's own code: saveProgram sets
// it up, the orders placed since the launch earn as if their webhooks had come in (reconcileOrder),
// and the worker's reviews release points, grant bonuses and place members in tiers. A few manual adjustments (adjustPoints) give some ledgers a staff entry.
import db, { type Tx } from "../platform/db/client.server";
import { adjustPoints, saveProgram, type ProgramInput } from "../loyalty/admin.server";
import { addDays, addMonths } from "../loyalty/dates";
import { orderState, reconcileOrder } from "../loyalty/earning";
import type { LedgerEntry } from "../loyalty/ledger";
import { NO_MULTIPLIER, ruleInForce } from "../loyalty/program";
import { enrollMember, insertEntries, loadProgram, loadRules, orderRecord, purchaseRules } from "../loyalty/store.server";
import { reviewDueMembers } from "../loyalty/tasks.server";

const LAUNCHED_MONTHS_AGO = 3;
/** Review passes are bounded: a review that keeps failing must not hang the demo's start. */
const MAX_PASSES = 500;

export function demoProgram(launch: Date): ProgramInput {
  return {
    enabled: true,
    settings: {
      pendingDays: 14,
      holdoutPercent: 10,
      expiry: { mode: "inactivity", months: 12 },
      tierBasis: { metric: "points", window: "rolling_12_months" },
      tierRetentionMonths: 6,
    },
    rules: [
      { id: "purchase", kind: "purchase", points: 1, perAmount: 100n, effectiveFrom: launch.toISOString() },
      { id: "first-order", kind: "first_order", points: 50, effectiveFrom: launch.toISOString() },
      { id: "newsletter", kind: "newsletter", points: 25, effectiveFrom: launch.toISOString() },
    ],
    tiers: [
      { id: "bronze", name: "Bronze", threshold: 0n, multiplierBasisPoints: 10_000 },
      { id: "silver", name: "Silver", threshold: 150n, multiplierBasisPoints: 12_500 },
      { id: "gold", name: "Gold", threshold: 400n, multiplierBasisPoints: 15_000 },
    ],
    rewards: [
      { id: "five-off", name: "€5 off", kind: "fixed_amount", value: 500n, pointsCost: 100, validDays: 30 },
      { id: "free-shipping", name: "Free shipping", kind: "free_shipping", pointsCost: 150, validDays: 30 },
      {
        id: "ten-percent",
        name: "10 % off",
        kind: "percentage",
        percent: 10,
        pointsCost: 250,
        validDays: 30,
        minimumOrder: 3000n,
      },
    ],
  };
}

/** Seeds the program once; a shop that has one already is left as it is (a second `npm run demo`). */
export async function seedDemoLoyalty(
  shopDomain: string,
  now = new Date(),
): Promise<{ members: number; entries: number } | null> {
  if (await db.loyaltyProgram.findUnique({ where: { shopDomain } })) return null;
  const launch = addMonths(now, -LAUNCHED_MONTHS_AGO);
  await saveProgram(shopDomain, demoProgram(launch), launch);
  const program = (await loadProgram(db, shopDomain))!;
  const purchase = purchaseRules(await loadRules(db, shopDomain));

  // What the worker does for each order task (tasks.server.ts), for all orders since the launch in
  // one transaction: the worker's one transaction per order takes half a minute here. Members join
  // with their first order since the launch; no one has a tier yet, so no multiplier applies.
  const orders = await db.order.findMany({
    where: { shopDomain, customerId: { not: null }, processedAt: { gte: launch } },
    include: { customer: { select: { gid: true } }, refunds: true },
    orderBy: { processedAt: "asc" },
  });
  await db.$transaction(
    async (tx: Tx) => {
      const heldOut = new Map<string, boolean>();
      const entries: LedgerEntry[] = [];
      for (const row of orders) {
        const order = orderState(orderRecord(row), program.settings.purchaseBase);
        if (!order) continue;
        if (!heldOut.has(order.customerGid)) {
          heldOut.set(
            order.customerGid,
            (await enrollMember(tx, shopDomain, order.customerGid, program, order.processedAt)).heldOut,
          );
        }
        if (heldOut.get(order.customerGid)) continue;
        const rule = ruleInForce(purchase, order.processedAt);
        entries.push(
          ...reconcileOrder({
            order,
            recorded: [],
            rule,
            multiplierBasisPoints: NO_MULTIPLIER,
            settings: program.settings,
            availableBalance: 0,
            now,
          }),
        );
      }
      await insertEntries(tx, shopDomain, entries);
      await tx.loyaltyMember.updateMany({ where: { shopDomain }, data: { reviewAt: now } });
    },
    { timeout: 120_000 },
  );

  // Goodwill credits a staff member gave a month after the launch, to every 25th member.
  const members = await db.loyaltyMember.findMany({
    where: { shopDomain, heldOut: false },
    select: { customerGid: true },
    orderBy: { id: "asc" },
  });
  const credited = addDays(launch, 30);
  for (const [index, { customerGid }] of members.entries()) {
    if (index % 25 !== 0) continue;
    await adjustPoints(
      shopDomain,
      "demo",
      { customerGid, points: 40, reason: "Goodwill: delayed delivery", requestId: `demo-goodwill-${index}` },
      credited,
    );
  }
  // The worker's reviews: first-order bonuses, tiers, what the metafields need.
  for (let pass = 0; pass < MAX_PASSES && (await reviewDueMembers(now)) > 0; pass++);
  return {
    members: await db.loyaltyMember.count({ where: { shopDomain } }),
    entries: await db.ledgerEntry.count({ where: { shopDomain } }),
  };
}
