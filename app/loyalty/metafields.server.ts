// Writes the member's balance and tier as customer metafields (metafields.ts), which the
// storefront and customer accounts read without calling the app. Members marked by their review
// (tasks.server.ts) are written in batches of metafieldsSet; the tier metafield of a member who
// lost their tier is deleted (metafieldsDelete) in the same batch. The
// shop's query cost budget is respected: a shop that runs low, or is throttled, is left alone
// until its budget has restored.
import db from "../db.server";
import { log } from "../log.server";
import { unauthenticated } from "../shopify.server";
import { balancesAt } from "./balance";
import { memberMetafields, METAFIELDS_DELETE, METAFIELDS_PER_CALL, METAFIELDS_SET, tierMetafieldIdentifier } from "./metafields";
import { entryFromRow, loadTiers } from "./store.server";

/** Metafields per member at most: points and tier. */
const PER_MEMBER = 2;

/** Cost points kept in reserve for the app's other calls (codes, imports). */
const RESERVE = 200;

interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

/** Per instance: when each throttled shop may be called again. */
const pausedUntil = new Map<string, number>();

function pauseFor(shopDomain: string, throttle: ThrottleStatus | undefined, now: number) {
  const missing = throttle ? RESERVE - throttle.currentlyAvailable : RESERVE;
  const seconds = Math.max(1, missing / (throttle?.restoreRate || 50));
  pausedUntil.set(shopDomain, now + seconds * 1000);
}

/** Writes the metafields of members that need it; returns how many members were written. */
export async function syncMetafields(now = new Date()): Promise<number> {
  // An uninstalled shop has no access token; its members are written if it comes back.
  const members = await db.loyaltyMember.findMany({
    where: { needsSync: true, shop: { installState: "installed" } },
    orderBy: { id: "asc" },
    take: 200,
  });
  const byShop = groupBy(members, (member) => member.shopDomain);
  let written = 0;
  for (const [shopDomain, shopMembers] of byShop) {
    if ((pausedUntil.get(shopDomain) ?? 0) > now.getTime()) continue;
    try {
      written += await syncShop(shopDomain, shopMembers, now);
    } catch (error) {
      log.error("metafield sync failed", { shop: shopDomain, error: String(error) });
    }
  }
  return written;
}

type UserErrors = { userErrors: { field: string[] | null; message: string }[] };

interface MetafieldsResponse {
  data?: { metafieldsSet?: UserErrors; metafieldsDelete?: UserErrors };
  extensions?: { cost?: { throttleStatus?: ThrottleStatus } };
}

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

async function syncShop(shopDomain: string, members: MemberRow[], now: Date): Promise<number> {
  const { admin } = await unauthenticated.admin(shopDomain);
  const tiers = await loadTiers(db, shopDomain);
  let written = 0;
  for (let i = 0; i < members.length; i += METAFIELDS_PER_CALL / PER_MEMBER) {
    const batch = members.slice(i, i + METAFIELDS_PER_CALL / PER_MEMBER);
    const rows = await db.ledgerEntry.findMany({ where: { shopDomain, memberGid: { in: batch.map((m) => m.customerGid) } } });
    const entries = groupBy(rows.map(entryFromRow), (entry) => entry.memberGid);
    const values = batch.map((member) => ({
      member,
      points: balancesAt(entries.get(member.customerGid) ?? [], now).available,
      tier: tiers.find((tier) => tier.id === member.tierId)?.name ?? null,
    }));
    const metafields = values.flatMap(({ member, points, tier }) => memberMetafields({ customerGid: member.customerGid, points, tier }));

    const lostTier = values.filter(({ member, tier }) => tier === null && member.syncedTier !== null);

    let body: MetafieldsResponse;
    try {
      body = (await (await admin.graphql(METAFIELDS_SET, { variables: { metafields } })).json()) as MetafieldsResponse;
      if (lostTier.length) {
        const identifiers = lostTier.map(({ member }) => tierMetafieldIdentifier(member.customerGid));
        const deleted = (await (await admin.graphql(METAFIELDS_DELETE, { variables: { metafields: identifiers } })).json()) as MetafieldsResponse;
        body = { data: { ...body.data, ...deleted.data }, extensions: deleted.extensions ?? body.extensions };
      }
    } catch (error) {
      if (!isThrottled(error)) throw error;
      pauseFor(shopDomain, throttleOf(error), now.getTime());
      log.warn("metafield sync throttled", { shop: shopDomain });
      return written;
    }
    const userErrors = [...(body.data?.metafieldsSet?.userErrors ?? []), ...(body.data?.metafieldsDelete?.userErrors ?? [])];
    // Not retried: the next change of the member's balance or tier writes them again.
    if (userErrors.length) log.warn("Shopify refused some metafield changes", { shop: shopDomain, userErrors });
    for (const { member, points, tier } of values) {
      await db.loyaltyMember.update({
        where: { id: member.id },
        data: { needsSync: false, syncedPoints: points, syncedTier: tier, syncedAt: now },
      });
    }
    written += batch.length;
    const throttle = body.extensions?.cost?.throttleStatus;
    if (throttle && throttle.currentlyAvailable < RESERVE) {
      pauseFor(shopDomain, throttle, now.getTime());
      return written;
    }
  }
  return written;
}

/** The GraphQL client throws on top-level errors; Shopify's THROTTLED is one. */
function graphqlErrorBody(error: unknown) {
  return (error as { body?: { errors?: { graphQLErrors?: { extensions?: { code?: string } }[] }; extensions?: { cost?: { throttleStatus?: ThrottleStatus } } } })?.body;
}

function isThrottled(error: unknown): boolean {
  return graphqlErrorBody(error)?.errors?.graphQLErrors?.some((e) => e.extensions?.code === "THROTTLED") ?? false;
}

function throttleOf(error: unknown): ThrottleStatus | undefined {
  return graphqlErrorBody(error)?.extensions?.cost?.throttleStatus;
}
