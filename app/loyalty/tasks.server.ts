// The worker's loyalty work. Webhooks record tasks in the same transaction as the rows they write
// (app/sync/topics.server.ts); the job system (app/platform/jobs.server.ts) hands each to runLoyaltyTask:
// - "order": the stored order's points are reconciled (reconcileOrder) for its customer;
// - "signup" / "newsletter": the customer is enrolled and gets the bonus of the rule in force.
// Members whose ledger changed, or whose points become available or expire, are reviewed: the
// first-order bonus, expiry, their tier, and whether their metafields need writing.
// Every write goes through the member's locked row (store.server.ts lockMember) and an
// idempotent ledger key, so a task done twice, or by two instances, has one effect.
import db, { type Tx } from "../db.server";
import { log } from "../log.server";
import { shortLeaseMs, type Job, type Outcome, type Queue } from "../platform/jobs.server";
import { balancesAt, expiryEntries, isActivity } from "./balance";
import { birthdayToday, nextBirthdayStart } from "./birthdays";
import { addMonths } from "./dates";
import { recordCashback } from "./cashback.server";
import { bonusEntry, orderState, reconcileOrder } from "./earning";
import type { LedgerEntry } from "./ledger";
import { ruleInForce, type EarningRule, type Tier } from "./program";
import {
  bonusRules,
  customerOrders,
  enrollMember,
  enrollMembers,
  insertEntries,
  loadOrders,
  loadProgram,
  loadRules,
  loadTiers,
  lockMember,
  memberEntries,
  membersEntries,
  multiplierOf,
  purchaseRules,
  reviewSoon,
  type MemberRow,
  type Program,
} from "./store.server";
import { earnedPointItems, evaluateTier, qualifyingValue, spendItem, type QualifyingItem } from "./tiers";

/** A task that failed this often is dead: kept with its last error for the Sync page. */
const MAX_ATTEMPTS = 12;

/** The outbox of loyalty work, run by the job system (docs/decisions/0007, 0021). */
export const loyaltyTaskQueue: Queue = {
  name: "loyalty-tasks",
  table: "LoyaltyTask",
  id: "id",
  shop: "shopDomain",
  lease: "leaseUntil",
  attempts: "attempts",
  lastError: "lastError",
  shops: "outbox",
  maxAttempts: MAX_ATTEMPTS,
  batch: 100,
  leaseMs: shortLeaseMs,
  run: (job) => runLoyaltyTasks([job]),
  runMany: runLoyaltyTasks,
};

/**
 * One shop's tasks, together: its program is read once and its orders' points are reconciled in
 * one transaction (a few statements for the lot, not ten per task), which is what lets a flood of
 * orders through at hundreds a second.
 */
async function runLoyaltyTasks(jobs: Job[]): Promise<Outcome> {
  const tasks = await db.loyaltyTask.findMany({ where: { id: { in: jobs.map((job) => Number(job.id)) } } });
  if (tasks.length === 0) return "done"; // erased meanwhile (customers/redact, shop/redact)
  const { shopDomain } = tasks[0];
  const program = await loadProgram(db, shopDomain);
  // Without a running program there is nothing to earn: the tasks are done.
  if (program?.enabled) {
    const now = new Date();
    const orders = tasks.filter((task) => task.kind === "order").map((task) => task.key);
    if (orders.length) await reconcileStoredOrders(shopDomain, orders, program, now);
    for (const task of tasks.filter((task) => task.kind !== "order")) await runTask(task, program, now);
  }
  // Done for the requests read above; one that came in meanwhile leaves its task to run again.
  await db.loyaltyTask.deleteMany({ where: { OR: tasks.map(({ id, requests }) => ({ id, requests })) } });
  await db.loyaltyTask.updateMany({ where: { id: { in: tasks.map((task) => task.id) } }, data: { leaseUntil: null } });
  return "done";
}

/**
 * Shops without a running program earn nothing: their tasks go in one statement, not two writes
 * each, which on a busy shop would compete with the webhooks for the database.
 */
export async function dropTasksWithoutProgram(): Promise<void> {
  const shops = await db.loyaltyTask.findMany({ distinct: ["shopDomain"], select: { shopDomain: true } });
  if (shops.length === 0) return;
  const running = await db.loyaltyProgram.findMany({
    where: { shopDomain: { in: shops.map((s) => s.shopDomain) }, enabled: true },
    select: { shopDomain: true },
  });
  const idle = shops.map((s) => s.shopDomain).filter((shop) => !running.some((r) => r.shopDomain === shop));
  if (idle.length) await db.loyaltyTask.deleteMany({ where: { shopDomain: { in: idle } } });
}

function runTask(task: { shopDomain: string; kind: string; key: string }, program: Program, now: Date): Promise<void> {
  switch (task.kind) {
    case "order":
      return reconcileStoredOrders(task.shopDomain, [task.key], program, now);
    case "signup":
    case "newsletter":
      return grantOnceBonus(task.shopDomain, task.key, task.kind, program, now);
    default:
      throw new Error(`unknown loyalty task kind ${task.kind}`);
  }
}

/** Brings each order's points to what its stored (newest) state earns. */
async function reconcileStoredOrders(shopDomain: string, orderGids: string[], program: Program, now: Date): Promise<void> {
  await db.$transaction(async (tx: Tx) => {
    // In the order the tasks came in, as one at a time would.
    const position = new Map(orderGids.map((gid, i) => [gid, i]));
    const states = (await loadOrders(tx, shopDomain, orderGids))
      .sort((a, b) => position.get(a.gid)! - position.get(b.gid)!)
      .map((order) => orderState(order, program.settings.purchaseBase))
      .filter((state) => state !== null);
    if (states.length === 0) return;
    const members = await enrollMembers(
      tx,
      shopDomain,
      states.map((state) => state.customerGid),
      program,
      now,
    );
    const earning = [...members.values()].filter((member) => !member.heldOut);
    const ledgers = await membersEntries(
      tx,
      shopDomain,
      earning.map((member) => member.customerGid),
    );
    const rules = await loadRules(tx, shopDomain);
    const tiers = await loadTiers(tx, shopDomain);
    const created: LedgerEntry[] = [];
    const cashbackOrders = [];
    for (const state of states) {
      const member = members.get(state.customerGid)!;
      const entries = ledgers.get(state.customerGid);
      if (member.heldOut || !entries) continue;
      cashbackOrders.push({ state, tierId: member.tierId });
      const changes = reconcileOrder({
        order: state,
        recorded: entries.filter((entry) => entry.orderGid === state.gid),
        rule: ruleInForce(purchaseRules(rules), state.processedAt),
        multiplierBasisPoints: multiplierOf(tiers, member.tierId),
        settings: program.settings,
        availableBalance: balancesAt(entries, now).available,
        now,
      });
      // A member's next order in this batch sees the entries of the one before.
      entries.push(...changes);
      created.push(...changes);
    }
    await insertEntries(tx, shopDomain, created);
    await recordCashback(tx, shopDomain, cashbackOrders, tiers, program.settings.pendingDays);
    // Even with no points to change, an order may change the member's spend toward a tier.
    await reviewSoon(
      tx,
      earning.map((member) => member.id),
      now,
    );
  });
}

async function grantOnceBonus(
  shopDomain: string,
  customerGid: string,
  kind: "signup" | "newsletter",
  program: Program,
  now: Date,
) {
  await db.$transaction(async (tx: Tx) => {
    const member = await enrollMember(tx, shopDomain, customerGid, program, now);
    const rule = ruleInForce(bonusRules(await loadRules(tx, shopDomain), kind), now);
    if (member.heldOut || !rule) return;
    const added = await insertEntries(tx, shopDomain, [
      bonusEntry({ rule, memberGid: customerGid, expiry: program.settings.expiry, now }),
    ]);
    if (added) await reviewSoon(tx, member.id, now);
  });
}

interface ShopProgram {
  program: Program;
  rules: EarningRule[];
  tiers: Tier[];
  timezone: string;
}

async function loadShopProgram(shopDomain: string): Promise<ShopProgram | null> {
  const program = await loadProgram(db, shopDomain);
  if (!program?.enabled) return null;
  const shop = await db.shop.findUniqueOrThrow({ where: { domain: shopDomain }, select: { timezone: true } });
  return { program, rules: await loadRules(db, shopDomain), tiers: await loadTiers(db, shopDomain), timezone: shop.timezone };
}

/** Reviews the members whose review is due; returns how many were looked at. */
export async function reviewDueMembers(now = new Date()): Promise<number> {
  const due = await db.loyaltyMember.findMany({
    where: { reviewAt: { lte: now } },
    orderBy: { reviewAt: "asc" },
    take: 200,
    select: { shopDomain: true, customerGid: true },
  });
  const programs = new Map<string, ShopProgram | null>();
  for (const { shopDomain, customerGid } of due) {
    if (!programs.has(shopDomain)) programs.set(shopDomain, await loadShopProgram(shopDomain));
    try {
      await db.$transaction((tx: Tx) => reviewMember(tx, shopDomain, customerGid, programs.get(shopDomain)!, now));
    } catch (error) {
      // Still due: the next tick tries again.
      log.error("loyalty member review failed", { shop: shopDomain, member: customerGid, error: String(error) });
    }
  }
  return due.length;
}

async function reviewMember(tx: Tx, shopDomain: string, memberGid: string, shop: ShopProgram | null, now: Date): Promise<void> {
  const member = await lockMember(tx, shopDomain, memberGid);
  if (!member?.reviewAt || member.reviewAt > now) return; // another instance did it meanwhile
  if (!shop || member.heldOut) {
    // Enabling the program again makes every member due (admin.server.ts).
    await tx.loyaltyMember.update({ where: { id: member.id }, data: { reviewAt: null } });
    return;
  }
  const { settings } = shop.program;
  const recorded = await memberEntries(tx, shopDomain, memberGid);
  const bonus = [
    ...firstOrderBonus(shop.rules, recorded, memberGid, shop.program, now),
    ...birthdayBonus(shop, member.birthday, recorded, memberGid, now),
  ];
  const expired = expiryEntries(memberGid, [...recorded, ...bonus], settings.expiry, now);
  const entries = [...recorded, ...bonus, ...expired];
  await insertEntries(tx, shopDomain, [...bonus, ...expired]);

  const standing = await reviewTier(tx, member, shop, entries, now);
  const tierName = shop.tiers.find((tier) => tier.id === standing.tierId)?.name ?? null;
  const available = balancesAt(entries, now).available;
  const activity = entries.filter(isActivity).map((entry) => entry.createdAt.getTime());
  await tx.loyaltyMember.update({
    where: { id: member.id },
    data: {
      tierId: standing.tierId,
      tierSince: standing.since,
      lastActivityAt: activity.length ? new Date(Math.max(...activity)) : null,
      reviewAt: nextReviewAt(entries, standing, shop.program, now, nextBirthday(shop, member.birthday, now)),
      needsSync: available !== member.syncedPoints || tierName !== member.syncedTier,
    },
  });
}

/** Granted once the member's first order's points are in (available and not taken back), so a cancelled order never earns it. */
function firstOrderBonus(
  rules: EarningRule[],
  entries: LedgerEntry[],
  memberGid: string,
  program: Program,
  now: Date,
): LedgerEntry[] {
  const rule = ruleInForce(bonusRules(rules, "first_order"), now);
  if (!rule) return [];
  const bonus = bonusEntry({ rule, memberGid, expiry: program.settings.expiry, now });
  if (entries.some((entry) => entry.sourceKey === bonus.sourceKey)) return [];
  const released = new Map<string, number>();
  for (const entry of entries) {
    if (entry.orderGid && entry.availableAt <= now)
      released.set(entry.orderGid, (released.get(entry.orderGid) ?? 0) + entry.points);
  }
  return [...released.values()].some((points) => points > 0) ? [bonus] : [];
}

/**
 * The birthday rule's bonus when today is the member's birthday in the shop's timezone, once a
 * year: the same ledger key as a bonus granted through the API, so the two never both count.
 */
function birthdayBonus(
  shop: ShopProgram,
  birthday: string | null,
  entries: LedgerEntry[],
  memberGid: string,
  now: Date,
): LedgerEntry[] {
  const rule = ruleInForce(bonusRules(shop.rules, "birthday"), now);
  const year = birthday && rule ? birthdayToday(birthday, now, shop.timezone) : null;
  if (!rule || year === null) return [];
  const bonus = bonusEntry({ rule, memberGid, occurrence: String(year), expiry: shop.program.settings.expiry, now });
  return entries.some((entry) => entry.sourceKey === bonus.sourceKey) ? [] : [bonus];
}

/** The member is reviewed again when their next birthday begins, if a birthday rule is in force. */
function nextBirthday(shop: ShopProgram, birthday: string | null, now: Date): Date | null {
  return birthday && ruleInForce(bonusRules(shop.rules, "birthday"), now)
    ? nextBirthdayStart(birthday, now, shop.timezone)
    : null;
}

interface Standing {
  tierId: string | null;
  since: Date | null;
}

async function reviewTier(tx: Tx, member: MemberRow, shop: ShopProgram, entries: LedgerEntry[], now: Date): Promise<Standing> {
  if (shop.tiers.length === 0 && member.tierId === null) return { tierId: null, since: member.tierSince };
  const { metric, window } = shop.program.settings.tierBasis;
  const items =
    metric === "points"
      ? earnedPointItems(entries)
      : (await customerOrders(tx, member.shopDomain, member.customerGid))
          .map(spendItem)
          .filter((item): item is QualifyingItem => item !== null);
  const value = qualifyingValue(items, window, now, shop.timezone);
  const current = member.tierSince === null ? null : { tierId: member.tierId, since: member.tierSince };
  const { tier, since, change } = evaluateTier(current, shop.tiers, value, now, shop.program.settings.tierRetentionMonths);
  // Every tier change writes this row, in the member's transaction: the customers list counts them to notice one.
  if (change) {
    await tx.tierChange.create({
      data: {
        shopDomain: member.shopDomain,
        memberGid: member.customerGid,
        fromTier: change.from,
        toTier: change.to,
        kind: change.kind,
        at: change.at,
      },
    });
  }
  return { tierId: tier?.id ?? null, since };
}

/**
 * The next moment the member's standing can change without a new entry: pending points become
 * available, a batch expires, inactivity runs out, or a tier's retention ends. null: none.
 */
function nextReviewAt(
  entries: LedgerEntry[],
  standing: Standing,
  program: Program,
  now: Date,
  birthday: Date | null,
): Date | null {
  const moments = [...entries.flatMap((entry) => [entry.availableAt, entry.expiresAt]), birthday].filter(
    (at): at is Date => at !== null,
  );
  const { expiry, tierRetentionMonths } = program.settings;
  const activity = entries.filter(isActivity).map((entry) => entry.createdAt.getTime());
  if (expiry.mode === "inactivity" && activity.length) moments.push(addMonths(new Date(Math.max(...activity)), expiry.months));
  if (standing.tierId !== null && standing.since) moments.push(addMonths(standing.since, tierRetentionMonths));
  const future = moments.filter((at) => at > now).map((at) => at.getTime());
  return future.length ? new Date(Math.min(...future)) : null;
}
