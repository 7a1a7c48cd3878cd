// The worker's loyalty work. Webhooks record tasks in the same transaction as the rows they write
// (app/sync/topics.server.ts); the job system (app/platform/jobs.server.ts) hands each to runLoyaltyTask:
// - "order": the stored order's points are reconciled (reconcileOrder) for its customer;
// - "signup" / "newsletter": the customer is enrolled and gets the bonus of the rule in force;
// - "review": the member is reviewed: the first-order bonus, expiry, their tier, and whether their
//   metafields need writing. Whatever changes a member's ledger asks for one (reviewSoon), one task
//   per member however often; a sweep asks for those whose points become available or expire;
// - "metafields": the member's balance and tier are written to Shopify, asked for by a review that
//   found them changed; a queue of its own (metafields.server.ts memberMetafieldQueue).
// Every write goes through the member's locked row (store.server.ts lockMember, lockMembers for a batch) and an
// idempotent ledger key, so a task done twice, or by two instances, has one effect.
import db, { type Db, type Tx } from "../platform/db/client.server";
import { reviveOnRequest, shortLeaseMs, type Job, type Outcome, type Queue } from "../platform/jobs.server";
import { insertRows } from "../platform/sql/rows.server";
import { balancesAt, expiryEntries, isActivity } from "./balance";
import { birthdayToday, nextBirthdayStart } from "./birthdays";
import { addMonths } from "./dates";
import { recordCashback } from "./cashback-record.server";
import { completeReferrals, referralsOfOrders, settleReferral } from "../referrals/reconcile.server";
import { bonusEntry, orderState, reconcileOrder } from "./earning";
import type { LedgerEntry } from "./ledger";
import { ruleInForce, type EarningRule, type Tier } from "./program";
import {
  bonusRules,
  customerOrders,
  enrollMember,
  enrollMembers,
  insertEntries,
  insertShopsEntries,
  loadOrders,
  loadPrograms,
  loadRules,
  loadShopsRules,
  loadShopsTiers,
  lockMembers,
  memberKey,
  membersEntries,
  multiplierOf,
  purchaseRules,
  type MemberRow,
  type Program,
} from "./store.server";
import { earnedPointItems, evaluateTier, qualifyingValue, spendItem, type QualifyingItem } from "./tiers";

/** A task that failed this often is dead: kept with its last error for the Sync page. */
const MAX_ATTEMPTS = 12;

/** The columns the job system reads of LoyaltyTask; every queue over the table starts from these. */
export const taskTable = {
  table: "LoyaltyTask",
  id: "id",
  shop: "shopDomain",
  lease: "leaseUntil",
  attempts: "attempts",
  lastError: "lastError",
  shops: "outbox",
  maxAttempts: MAX_ATTEMPTS,
  acrossShops: true,
  leaseMs: shortLeaseMs,
} as const;

/** The outbox of loyalty work, run by the job system (docs/decisions/0007, 0021): orders and bonuses. */
export const loyaltyTaskQueue: Queue = {
  ...taskTable,
  name: "loyalty-tasks",
  ready: () => `"kind" NOT IN ('review', 'metafields')`,
  batch: 200,
  run: (job) => runLoyaltyTasks([job]),
  runMany: runLoyaltyTasks,
};

/**
 * Members' reviews, in the same table: a queue of their own, so that a flood of reviews (one per
 * member whose ledger changed) takes its turn beside orders' points instead of before them.
 */
export const memberReviewQueue: Queue = {
  ...taskTable,
  name: "member-reviews",
  ready: () => `"kind" = 'review'`,
  batch: 50,
  run: (job) => runReviewTasks([job]),
  runMany: runReviewTasks,
};

export const taskRows = (jobs: Job[]) => db.loyaltyTask.findMany({ where: { id: { in: jobs.map((job) => Number(job.id)) } } });

/** Done for the requests read before the work; one that came in meanwhile leaves its task to run again. */
export async function finishTasks(tasks: readonly { id: number; requests: number }[]): Promise<Outcome> {
  await db.loyaltyTask.deleteMany({ where: { OR: tasks.map(({ id, requests }) => ({ id, requests })) } });
  await db.loyaltyTask.updateMany({ where: { id: { in: tasks.map((task) => task.id) } }, data: { leaseUntil: null } });
  return "done";
}

/**
 * A claim's tasks, of all its shops together: the programs are read in one query and the orders'
 * points reconciled in one transaction (about ten statements for the lot, not ten per task or per
 * shop). With hundreds of shops, a claim holds one or two tasks of each; run shop by shop, they
 * went at about 75 a second.
 */
async function runLoyaltyTasks(jobs: Job[]): Promise<Outcome> {
  const tasks = await taskRows(jobs);
  if (tasks.length === 0) return "done"; // erased meanwhile (customers/redact, shop/redact)
  const programs = await loadPrograms(
    db,
    tasks.map((task) => task.shopDomain),
  );
  // Without a running program there is nothing to earn: those tasks are done.
  const running = tasks.filter((task) => programs.get(task.shopDomain)?.enabled);
  const now = new Date();
  const orders = running.filter((task) => task.kind === "order").map((task) => [task.shopDomain, task.key] as const);
  if (orders.length) {
    await reconcileStoredOrders(orders, programs, now);
    await settleReferrals(orders, now);
  }
  for (const task of running.filter((task) => task.kind !== "order")) await runTask(task, programs.get(task.shopDomain)!, now);
  return finishTasks(tasks);
}

/** Review tasks: each member in a transaction of its own, under the member's lock. */
async function runReviewTasks(jobs: Job[]): Promise<Outcome> {
  const tasks = await taskRows(jobs);
  // Reviews run with the program off too: they clear the member's review date (reviewMember).
  await reviewMembers(tasks, new Date());
  return finishTasks(tasks);
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
  // Reviews stay: with the program off they clear the member's review date; so do metafield
  // writes, which bring the storefront's copy of a balance up to date whatever the program's state.
  if (idle.length)
    await db.loyaltyTask.deleteMany({ where: { shopDomain: { in: idle }, kind: { notIn: ["review", "metafields"] } } });
}

function runTask(task: { shopDomain: string; kind: string; key: string }, program: Program, now: Date): Promise<void> {
  switch (task.kind) {
    case "order":
      return reconcileStoredOrders([[task.shopDomain, task.key]], new Map([[task.shopDomain, program]]), now);
    case "signup":
    case "newsletter":
      return grantOnceBonus(task.shopDomain, task.key, task.kind, program, now);

    default:
      throw new Error(`unknown loyalty task kind ${task.kind}`);
  }
}

/**
 * The referrals of these orders (a friend's order carrying their code): checked by the fraud rules,
 * rewarded, or taken back after a refund, each on its referrer's lock (app/referrals/reconcile.server.ts).
 */
async function settleReferrals(orders: readonly (readonly [string, string])[], now: Date): Promise<void> {
  for (const { id, shopDomain } of await referralsOfOrders(orders)) {
    await db.$transaction(async (tx: Tx) => {
      const changed = await settleReferral(tx, shopDomain, id, now);
      if (changed !== null) await reviewSoon(tx, changed, now);
    });
  }
}

/** Brings each order's (`[shopDomain, gid]`) points to what its stored (newest) state earns. */
async function reconcileStoredOrders(
  orders: readonly (readonly [string, string])[],
  programs: Map<string, Program>,
  now: Date,
): Promise<void> {
  await db.$transaction(async (tx: Tx) => {
    // In the order the tasks came in, as one at a time would.
    const position = new Map(orders.map(([shop, gid], i) => [memberKey(shop, gid), i]));
    const states = (await loadOrders(tx, orders))
      .sort((a, b) => position.get(memberKey(a.shopDomain, a.order.gid))! - position.get(memberKey(b.shopDomain, b.order.gid))!)
      .map(({ shopDomain, order }) => ({ shopDomain, state: orderState(order, programs.get(shopDomain)!.settings.purchaseBase) }))
      .filter((item): item is { shopDomain: string; state: NonNullable<typeof item.state> } => item.state !== null);
    if (states.length === 0) return;
    const members = await enrollMembers(
      tx,
      states.map(({ shopDomain, state }) => ({ shopDomain, customerGid: state.customerGid, program: programs.get(shopDomain)! })),
      now,
    );
    const earning = [...members.values()].filter((member) => !member.heldOut);
    const ledgers = await membersEntries(
      tx,
      earning.map((member) => [member.shopDomain, member.customerGid] as const),
    );
    const shops = [...new Set(states.map(({ shopDomain }) => shopDomain))];
    const rules = await loadShopsRules(tx, shops);
    const tiers = await loadShopsTiers(tx, shops);
    const created: { shopDomain: string; entry: LedgerEntry }[] = [];
    const cashbackOrders = [];
    for (const { shopDomain, state } of states) {
      const member = members.get(memberKey(shopDomain, state.customerGid))!;
      const entries = ledgers.get(memberKey(shopDomain, state.customerGid));
      if (member.heldOut || !entries) continue;
      cashbackOrders.push({ shopDomain, state, tierId: member.tierId });
      const changes = reconcileOrder({
        order: state,
        recorded: entries.filter((entry) => entry.orderGid === state.gid),
        rule: ruleInForce(purchaseRules(rules.get(shopDomain)!), state.processedAt),
        multiplierBasisPoints: multiplierOf(tiers.get(shopDomain)!, member.tierId),
        settings: programs.get(shopDomain)!.settings,
        availableBalance: balancesAt(entries, now).available,
        now,
      });
      // A member's next order in this batch sees the entries of the one before.
      entries.push(...changes);
      created.push(...changes.map((entry) => ({ shopDomain, entry })));
    }
    await insertShopsEntries(tx, created);
    await recordCashback(tx, cashbackOrders, tiers, (shop) => programs.get(shop)!.settings.pendingDays);
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

/** The running programs of these shops, with their rules, tiers and time zones: four queries for them all. */
async function loadShopPrograms(shopDomains: readonly string[]): Promise<Map<string, ShopProgram>> {
  const shops = [...new Set(shopDomains)];
  const programs = await loadPrograms(db, shops);
  const running = shops.filter((shop) => programs.get(shop)?.enabled);
  if (running.length === 0) return new Map();
  const [rules, tiers, zones] = [
    await loadShopsRules(db, running),
    await loadShopsTiers(db, running),
    await db.shop.findMany({ where: { domain: { in: running } }, select: { domain: true, timezone: true } }),
  ];
  return new Map(
    zones.map(({ domain, timezone }) => [
      domain,
      { program: programs.get(domain)!, rules: rules.get(domain)!, tiers: tiers.get(domain)!, timezone },
    ]),
  );
}

const TASK_COLUMNS = [
  ["shopDomain", "text"],
  ["kind", "text"],
  ["key", "text"],
  ["createdAt", "time"],
] as const;

/**
 * The worker looks at the members again now (their ledger changed): their review date is now, and
 * each has a "review" task, one per member however often asked (a dead one is revived).
 */
export async function reviewSoon(tx: Db | Tx, memberIds: number | number[], now: Date): Promise<void> {
  const ids = [memberIds].flat();
  if (ids.length === 0) return;
  await tx.loyaltyMember.updateMany({ where: { id: { in: ids } }, data: { reviewAt: now } });
  const members = await tx.loyaltyMember.findMany({
    where: { id: { in: ids } },
    select: { shopDomain: true, customerGid: true },
  });
  await requestReviews(tx, members, now);
}

function requestReviews(tx: Db | Tx, members: readonly { shopDomain: string; customerGid: string }[], now: Date) {
  return requestMemberTasks(tx, "review", members, now);
}

/** One task of `kind` per member however often asked; a request during a run leaves it to run again, a dead one is revived. */
function requestMemberTasks(
  tx: Db | Tx,
  kind: "review" | "metafields",
  members: readonly { shopDomain: string; customerGid: string }[],
  now: Date,
) {
  return insertRows(
    tx,
    "LoyaltyTask",
    [...TASK_COLUMNS],
    members.map((member) => [member.shopDomain, kind, member.customerGid, now]),
    `ON CONFLICT ("shopDomain", "kind", "key") DO UPDATE SET "requests" = "LoyaltyTask"."requests" + 1, ${reviveOnRequest(loyaltyTaskQueue)}`,
  );
}

/**
 * The sweep behind the review tasks: members whose review date has come (points becoming
 * available or expiring, a tier's retention ending, a birthday) get a review task, unless they
 * have one. Returns how many were asked for.
 */
export async function requestDueReviews(now = new Date()): Promise<number> {
  const due = await db.loyaltyMember.findMany({
    where: { reviewAt: { lte: now } },
    orderBy: { reviewAt: "asc" },
    take: 1000,
    select: { shopDomain: true, customerGid: true },
  });
  if (due.length === 0) return 0;
  // A dead review task does not count: asking again revives it.
  const waiting = await db.loyaltyTask.findMany({
    where: {
      kind: "review",
      attempts: { lt: MAX_ATTEMPTS },
      OR: due.map(({ shopDomain, customerGid }) => ({ shopDomain, key: customerGid })),
    },
    select: { shopDomain: true, key: true },
  });
  const asked = new Set(waiting.map((task) => memberKey(task.shopDomain, task.key)));
  const missing = due.filter((member) => !asked.has(memberKey(member.shopDomain, member.customerGid)));
  if (missing.length) await requestReviews(db, missing, now);
  return missing.length;
}

/**
 * Reviews these members (review tasks' shop and key, of one shop or many) in one transaction: they
 * are locked and their ledgers read in one statement each, their new entries and metafield tasks
 * written in one each. One transaction per member took about eight round trips each, and on
 * Black Friday the reviews fell minutes behind the orders' points.
 */
async function reviewMembers(tasks: readonly { shopDomain: string; key: string }[], now: Date): Promise<void> {
  const programs = await loadShopPrograms(tasks.map((task) => task.shopDomain));
  await db.$transaction(async (tx: Tx) => {
    const members = await lockMembers(
      tx,
      tasks.map((task) => [task.shopDomain, task.key] as const),
    );
    // Another instance may have reviewed some meanwhile.
    const due = [...members.values()].filter((member) => member.reviewAt && member.reviewAt <= now);
    // Without a running program, or held out, there is nothing to review: the date is cleared
    // (enabling the program again makes every member due, admin.server.ts).
    const idle = due.filter((member) => !programs.has(member.shopDomain) || member.heldOut);
    if (idle.length)
      await tx.loyaltyMember.updateMany({ where: { id: { in: idle.map((member) => member.id) } }, data: { reviewAt: null } });
    const reviewed = due.filter((member) => !idle.includes(member));
    const ledgers = await membersEntries(
      tx,
      reviewed.map((member) => [member.shopDomain, member.customerGid] as const),
    );
    const added: { shopDomain: string; entry: LedgerEntry }[] = [];
    const changed: MemberRow[] = [];
    for (const member of reviewed) {
      const recorded = ledgers.get(memberKey(member.shopDomain, member.customerGid))!;
      const review = await reviewMember(tx, member, programs.get(member.shopDomain)!, recorded, now);
      added.push(...review.added.map((entry) => ({ shopDomain: member.shopDomain, entry })));
      if (review.needsSync) changed.push(member);
    }
    await insertShopsEntries(tx, added);
    // The members' metafields are written by their own queue (metafields.server.ts).
    await requestMemberTasks(tx, "metafields", changed, now);
  });
}

/** Reviews the members whose review is due, at once (the local demo's seeding); returns how many were looked at. */
export async function reviewDueMembers(now = new Date()): Promise<number> {
  const due = await db.loyaltyMember.findMany({
    where: { reviewAt: { lte: now } },
    orderBy: { reviewAt: "asc" },
    take: 200,
    select: { shopDomain: true, customerGid: true },
  });
  await reviewMembers(
    due.map(({ shopDomain, customerGid }) => ({ shopDomain, key: customerGid })),
    now,
  );
  return due.length;
}

/**
 * One locked member's review, given their recorded entries: the entries it adds (a bonus, expiry)
 * are returned to be written with the others', as is whether their metafields need writing.
 */
async function reviewMember(
  tx: Tx,
  member: MemberRow,
  shop: ShopProgram,
  recorded: LedgerEntry[],
  now: Date,
): Promise<{ added: LedgerEntry[]; needsSync: boolean }> {
  const { shopDomain, customerGid: memberGid } = member;
  const { settings } = shop.program;
  const bonus = [
    ...firstOrderBonus(shop.rules, recorded, memberGid, shop.program, now),
    ...birthdayBonus(shop, member.birthday, recorded, memberGid, now),
  ];
  const expired = expiryEntries(memberGid, [...recorded, ...bonus], settings.expiry, now);
  const entries = [...recorded, ...bonus, ...expired];
  // Referrals whose reward became available are completed (and Flow's "referral completed" queued).
  const referralDue = await completeReferrals(tx, shopDomain, memberGid, entries, now);

  const standing = await reviewTier(tx, member, shop, entries, now);
  const tierName = shop.tiers.find((tier) => tier.id === standing.tierId)?.name ?? null;
  const available = balancesAt(entries, now).available;
  const activity = entries.filter(isActivity).map((entry) => entry.createdAt.getTime());
  const needsSync = available !== member.syncedPoints || tierName !== member.syncedTier;
  await tx.loyaltyMember.update({
    where: { id: member.id },
    data: {
      tierId: standing.tierId,
      tierSince: standing.since,
      lastActivityAt: activity.length ? new Date(Math.max(...activity)) : null,
      reviewAt: earliest(
        nextReviewAt(entries, standing, shop.program, now, nextBirthday(shop, member.birthday, now)),
        referralDue,
      ),
      needsSync,
    },
  });
  return { added: [...bonus, ...expired], needsSync };
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

/** The earlier of two optional dates. */
function earliest(a: Date | null, b: Date | null): Date | null {
  if (!a || !b) return a ?? b;
  return a < b ? a : b;
}
