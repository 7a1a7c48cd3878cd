// Writes the member's balance and tier as customer metafields (metafields.ts), which the
// storefront and customer accounts read without calling the app. Members marked by their review
// (tasks.server.ts) are written in batches of metafieldsSet; the tier metafield of a member who
// lost their tier is deleted (metafieldsDelete) in the same batch. With the program's tierTag
// setting on, a member whose tier changed also gets the new tier's tag (tagsAdd) and loses the
// previous one's (tagsRemove), one call each per member, since both take one resource. The
// shop's query cost budget is respected: a shop that runs low, or is throttled, is left alone
// until its budget has restored. The writes are jobs of the job system (memberMetafieldQueue).
import db from "../platform/db/client.server";
import type { Job, Outcome, Queue } from "../platform/jobs.server";
import { log } from "../platform/log.server";
import { shopCaches } from "../platform/cache.server";
import { ThrottledError, type ThrottleStatus } from "../platform/shopify/admin-client.server";
import { adminClientFor } from "../offline-admin.server";
import { balancesAt } from "./balance";
import {
  memberMetafields,
  METAFIELDS_DELETE,
  METAFIELDS_PER_CALL,
  METAFIELDS_SET,
  TAGS_ADD,
  TAGS_REMOVE,
  tierMetafieldIdentifier,
  tierTagChanges,
} from "./metafields";
import { entryFromRow, loadProgram, loadTiers } from "./store.server";
import { finishTasks, taskRows, taskTable } from "./tasks.server";

/** Metafields per member at most: points and tier. */
const PER_MEMBER = 2;

/** How often the metafield tasks of a shop that is not installed are looked at again. */
const UNINSTALLED_RETRY_MS = 60 * 60_000;

/** Cost points kept in reserve for the app's other calls (codes, imports). */
const RESERVE = 200;

/**
 * Per instance: when each throttled shop may be called again (epoch ms; about 100 bytes each). A
 * pause the budget pushes out costs one call, which Shopify throttles again.
 */
const pauses = shopCaches.kind<number>("metafield pauses", { sizeOf: () => 100 });

/** Leaves the shop alone until its budget has restored RESERVE points; returns when that is (epoch ms). */
export function pauseFor(shopDomain: string, throttle: ThrottleStatus | undefined, now: number): number {
  const missing = throttle ? RESERVE - throttle.currentlyAvailable : RESERVE;
  const seconds = Math.max(1, missing / (throttle?.restoreRate || 50));
  pauses.set(shopDomain, now + seconds * 1000);
  return now + seconds * 1000;
}

/** When the shop may be called again (epoch ms; 0: now). */
export const pausedUntil = (shopDomain: string) => pauses.get(shopDomain) ?? 0;

export const isPaused = (shopDomain: string, now: number) => pausedUntil(shopDomain) > now;

/**
 * Members' metafield writes on the job system (decision 21): a "metafields" task per member whose
 * review found their balance or tier changed (tasks.server.ts), claimed fairly across shops and run
 * a shop's batch at a time. A throttled shop's tasks wait until its budget has restored, without
 * counting an attempt; a failed write is retried with backoff and, after the last attempt, shown
 * on the Sync page. An uninstalled shop has no access token: its members are written if it comes
 * back (its tasks are looked at hourly).
 */
export const memberMetafieldQueue: Queue = {
  ...taskTable,
  name: "member-metafields",
  ready: () => `"kind" = 'metafields'`,
  // One shop's members per run: one read of its tiers and program, metafieldsSet calls of 12 members.
  acrossShops: false,
  batch: 48,
  run: (job) => writeMemberMetafields([job]),
  runMany: writeMemberMetafields,
};

/** One shop's tasks: the members that still need it are written; a throttled shop is looked at again when its budget allows. */
async function writeMemberMetafields(jobs: Job[]): Promise<Outcome> {
  const now = new Date();
  const tasks = await taskRows(jobs);
  if (tasks.length === 0) return "done";
  const shopDomain = tasks[0].shopDomain;
  if (isPaused(shopDomain, now.getTime())) return { retryAt: new Date(pausedUntil(shopDomain)) };
  // Checked here, not in the claim (a lookup per row probed): the members are written if it comes back.
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, select: { installState: true } });
  if (shop?.installState !== "installed") return { retryAt: new Date(now.getTime() + UNINSTALLED_RETRY_MS) };
  const members = await db.loyaltyMember.findMany({
    where: { shopDomain, customerGid: { in: tasks.map((task) => task.key) }, needsSync: true },
    orderBy: { id: "asc" },
  });
  const { throttled } = await syncShop(shopDomain, members, now);
  // Tasks of members written before the throttle find nothing left to do when they run again.
  if (throttled) return { retryAt: new Date(pausedUntil(shopDomain)) };
  return finishTasks(tasks);
}

type UserError = { field?: string[] | null; message: string };

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}

type MemberRow = Awaited<ReturnType<typeof db.loyaltyMember.findMany>>[number];

/** Writes the members' metafields (and tier tags); stops early when the shop's budget runs low. */
async function syncShop(shopDomain: string, members: MemberRow[], now: Date): Promise<{ throttled: boolean }> {
  if (members.length === 0) return { throttled: false };
  const admin = await adminClientFor(shopDomain);
  const tiers = await loadTiers(db, shopDomain);
  const tagTiers = (await loadProgram(db, shopDomain))?.settings.tierTag ?? false;
  for (let i = 0; i < members.length; i += METAFIELDS_PER_CALL / PER_MEMBER) {
    const batch = members.slice(i, i + METAFIELDS_PER_CALL / PER_MEMBER);
    const rows = await db.ledgerEntry.findMany({ where: { shopDomain, memberGid: { in: batch.map((m) => m.customerGid) } } });
    const entries = groupBy(rows.map(entryFromRow), (entry) => entry.memberGid);
    const values = batch.map((member) => ({
      member,
      points: balancesAt(entries.get(member.customerGid) ?? [], now).available,
      tier: tiers.find((tier) => tier.id === member.tierId)?.name ?? null,
    }));
    const metafields = values.flatMap(({ member, points, tier }) =>
      memberMetafields({ customerGid: member.customerGid, points, tier }),
    );

    const lostTier = values.filter(({ member, tier }) => tier === null && member.syncedTier !== null);

    const userErrors: UserError[] = [];
    let throttle: ThrottleStatus | undefined;
    const answered = (answer: {
      data: Record<string, { userErrors: UserError[] } | null | undefined>;
      throttle?: ThrottleStatus;
    }) => {
      userErrors.push(...Object.values(answer.data).flatMap((result) => result?.userErrors ?? []));
      throttle = answer.throttle ?? throttle;
    };
    try {
      answered(await admin.request(METAFIELDS_SET, { metafields }));
      if (lostTier.length) {
        const identifiers = lostTier.map(({ member }) => tierMetafieldIdentifier(member.customerGid));
        answered(await admin.request(METAFIELDS_DELETE, { metafields: identifiers }));
      }
      for (const { member, tier } of tagTiers ? values : []) {
        const { add, remove } = tierTagChanges(member.syncedTier, tier);
        if (add.length) answered(await admin.request(TAGS_ADD, { id: member.customerGid, tags: add }));
        if (remove.length) answered(await admin.request(TAGS_REMOVE, { id: member.customerGid, tags: remove }));
      }
    } catch (error) {
      if (!(error instanceof ThrottledError)) throw error;
      pauseFor(shopDomain, error.throttle, now.getTime());
      log.warn("metafield sync throttled", { shop: shopDomain });
      return { throttled: true };
    }
    // Not retried: the next change of the member's balance or tier writes them again.
    if (userErrors.length) log.warn("Shopify refused some metafield or tag changes", { shop: shopDomain, userErrors });
    for (const { member, points, tier } of values) {
      await db.loyaltyMember.update({
        where: { id: member.id },
        data: { needsSync: false, syncedPoints: points, syncedTier: tier, syncedAt: now },
      });
    }
    if (throttle && throttle.currentlyAvailable < RESERVE) {
      pauseFor(shopDomain, throttle, now.getTime());
      // The members left wait with their tasks until the budget has restored.
      if (i + METAFIELDS_PER_CALL / PER_MEMBER < members.length) return { throttled: true };
    }
  }
  return { throttled: false };
}
