// The customers list's data. Segments, P(alive) and predicted CLV live in memory (the metrics'
// order facts, customerMetrics); names, e-mails and loyalty standing live in the database. The
// list keeps, per shop, one row per listed customer with the in-memory figures (no personal data)
// and the sort orders built from them, rebuilt only when the metrics, the fit, the day or the
// customers change. Every member's standing and balance are cached next to them, per shop, while
// the loyalty tables' versions hold. A request then asks the database only for what its filters
// need (the ids a search matches, those versions) and, for the 50 rows it shows, their names,
// tiers and balances. All of it lives in the instance's cache budget (app/platform/cache.server.ts).
// See docs/decisions/0011-customers-list.md.
import db from "../platform/db/client.server";
import { containsPattern } from "../platform/sql/like";
import { shopFacts } from "../metrics/facts.server";
import { calendarFor, formatLocalDate } from "../metrics/calendar";
import { customerColumns, dayFormatter } from "../metrics/metrics.server";
import { RISK_CODES } from "../metrics/predictions";
import { customerGidParam } from "../loyalty/admin.server";
import { loadTiers } from "../loyalty/store.server";
import { shopCaches } from "../platform/cache.server";
import { heavyWork } from "../platform/heavy.server";
import { PSEUDONYM_PREFIX } from "../sync/compliance.server";
import { dialect } from "../platform/sql/dialect.server";
import { exportFileName, SUBSCRIBED, type MarketingRow } from "./exports";
import {
  allOf,
  displayName,
  matcher,
  pageOf,
  sortedPositions,
  type CustomerRow,
  type Direction,
  type ListContext,
  type ListQuery,
  type MemberStanding,
  type Risk,
  type SortKey,
} from "./list";

interface ShopIndex {
  key: string;
  /** `today`: the shop's calendar day the rows were built on (they are rebuilt each day). */
  shop: { currency: string; timezone: string; today: string };
  rows: CustomerRow[];
  byGid: Map<string, CustomerRow>;
  /** Sort orders by "key:direction", built on first use (points are sorted per request). */
  orders: Map<string, Int32Array>;
  /** Epoch ms before which a change does not start another rebuild (REBUILD_PACE). */
  rebuildAfter: number;
}

/**
 * After a build of T ms, the next one starts no sooner than REBUILD_PACE·T later: a shop whose
 * orders change every second (a large shop on Black Friday, ~2 s per build at 200,000 customers)
 * has its rows rebuilt every ~20 s, not on every page view, and spends at most a tenth of the
 * instance's time and a fraction of its garbage on them; a small shop's list follows within a second.
 */
const REBUILD_PACE = 9;

interface CachedIndex {
  key: string;
  index: Promise<ShopIndex>;
  /** `index` once built. */
  built: ShopIndex | null;
  /** The rebuild under way for a newer key, while `index` keeps answering. */
  next: Promise<ShopIndex> | null;
  /**
   * The rows of the build under way, estimated from the customer count: counted in the budget
   * while they are built, beside the rows that still answer, so other entries make room for them.
   */
  buildingBytes: number;
}

// Heap bytes, measured with 500,000 of each: a row with its GID and date strings and its byGid
// entry; a member's standing with its GID in a Map; a balance by GID; a slot of an array.
const ROW_BYTES = 240;
const STANDING_BYTES = 170;
const BALANCE_BYTES = 100;
const SLOT_BYTES = 8;

const byteLength = (arrays: Iterable<Int32Array>) => [...arrays].reduce((total, array) => total + array.byteLength, 0);

const indexes = shopCaches.kind<CachedIndex>("customer lists", {
  sizeOf: ({ built, buildingBytes }) =>
    buildingBytes + (built ? built.rows.length * ROW_BYTES + byteLength(built.orders.values()) : 0),
});

/**
 * The shop's list rows. A shop's first call waits for them; after a change (an order, a fit, a new
 * day, a customer) the rows are rebuilt in the background and the previous ones answer meanwhile:
 * a rebuild reads every customer (seconds on 200,000), which no page view should wait for on a
 * busy shop. The list is then one rebuild behind; names and erasures are read per page, never from here.
 */
export async function customerIndex(shopDomain: string): Promise<ShopIndex> {
  const { facts } = await shopFacts(shopDomain);
  const [fit, customers] = await Promise.all([
    db.purchaseModelFit.findUnique({ where: { shopDomain }, select: { fittedAt: true } }),
    db.customer.aggregate({ where: { shopDomain }, _count: { _all: true }, _max: { updatedAt: true } }),
  ]);
  // Segments move with the day (recency), the rows with any order, fit or customer change.
  const key = [
    facts.calendar.zone,
    facts.version,
    facts.calendar.dayOf(Date.now()),
    fit?.fittedAt.getTime(),
    customers._count._all,
    customers._max.updatedAt?.getTime(),
  ].join("|");
  const cached = indexes.get(shopDomain);
  if (cached?.key === key) return cached.index;
  const buildingBytes = customers._count._all * ROW_BYTES;
  if (cached && !cached.next && Date.now() >= (cached.built?.rebuildAfter ?? 0)) {
    const next = buildIndex(shopDomain, key);
    cached.next = next;
    cached.buildingBytes = buildingBytes;
    indexes.resize(shopDomain);
    next.then(
      (built) => indexes.set(shopDomain, { key, index: next, built, next: null, buildingBytes: 0 }),
      () => {
        cached.next = null;
        cached.buildingBytes = 0;
        indexes.resize(shopDomain);
      },
    );
  }
  if (cached) return cached.index;
  const entry: CachedIndex = { key, index: buildIndex(shopDomain, key), built: null, next: null, buildingBytes };
  indexes.set(shopDomain, entry);
  entry.index.then(
    (built) => {
      entry.built = built;
      entry.buildingBytes = 0;
      indexes.resize(shopDomain);
    },
    () => indexes.delete(shopDomain),
  );
  return entry.index;
}

/** Customers read per query while the rows are built: each page is garbage of the young generation. */
const CUSTOMER_PAGE = 10_000;

/** One build at a time per instance (heavyWork): two large shops' builds would hold both their rows and columns at once. */
function buildIndex(shopDomain: string, key: string): Promise<ShopIndex> {
  return heavyWork(() => buildRows(shopDomain, key));
}

async function buildRows(shopDomain: string, key: string): Promise<ShopIndex> {
  const started = Date.now();
  const columns = await customerColumns(shopDomain);
  const { shop, facts, scores, predictions } = columns;
  const today = formatLocalDate(calendarFor(shop.timezone).dayOf(Date.now()));
  const day = dayFormatter();
  const rows: CustomerRow[] = [];
  // Deleted and redacted customers are not listed: their personal data is gone, and a pseudonym is nobody to act on.
  for (let after = 0; ;) {
    const customers = await db.customer.findMany({
      where: { shopDomain, deletedAt: null, redactedAt: null, id: { gt: after } },
      select: { id: true, gid: true, marketingConsent: true },
      orderBy: { id: "asc" },
      take: CUSTOMER_PAGE,
    });
    for (const { id, gid, marketingConsent } of customers) {
      const c = facts.customerIndexOf(id);
      const i = c === undefined ? -1 : columns.positionOf[c];
      const p = i < 0 ? -1 : columns.prediction[i];
      const due = i < 0 ? Number.NaN : columns.nextOrderDue[i];
      rows.push({
        id,
        gid,
        orders: i < 0 ? 0 : scores.orders[i],
        netSpend: i < 0 ? 0 : scores.netSpend[i],
        lastOrder: i < 0 ? null : day(columns.lastOrderDay[i]),
        segment: i < 0 ? null : scores.segment[i],
        pAlive: p < 0 ? null : predictions!.pAlive[p],
        predictedClv: p < 0 ? null : predictions!.clv12[p],
        risk: p < 0 ? null : (RISK_CODES[predictions!.risk[p]] as Risk),
        nextOrderDue: Number.isNaN(due) ? null : day(due),
        overdueDays: Number.isNaN(due) ? null : Math.max(0, columns.asOf - 1 - due),
        emailMarketing: marketingConsent === SUBSCRIBED,
      });
    }
    if (customers.length < CUSTOMER_PAGE) break;
    after = customers[customers.length - 1].id;
  }
  const byGid = new Map<string, CustomerRow>();
  for (const row of rows) byGid.set(row.gid, row);
  const finished = Date.now();
  return {
    key,
    shop: { currency: shop.currency, timezone: shop.timezone, today },
    rows,
    byGid,
    orders: new Map(),
    rebuildAfter: finished + REBUILD_PACE * (finished - started),
  };
}

function cachedOrder(shopDomain: string, index: ShopIndex, sort: SortKey, direction: "asc" | "desc"): Int32Array {
  const name = `${sort}:${direction}`;
  let order = index.orders.get(name);
  if (!order) {
    index.orders.set(name, (order = sortedPositions(index.rows, sort, direction)));
    indexes.resize(shopDomain);
  }
  return order;
}

/**
 * Customer ids whose name, e-mail or id matches: every word of the search in the first name, last
 * name or e-mail, literally (a `%` or `_` is no wildcard). SQLite's LIKE ignores ASCII case
 * already; PostgreSQL's ILIKE ignores case too.
 */
async function searchMatches(shopDomain: string, search: string): Promise<Set<number>> {
  const like = dialect.likeIgnoringCase;
  const values: string[] = [shopDomain];
  const p = (value: string) => dialect.param(values.push(value));
  const wordMatches = (word: string) => {
    const pattern = containsPattern(word);
    return `(${["firstName", "lastName", "email"].map((column) => `"${column}" ${like} ${p(pattern)} ESCAPE '\\'`).join(" OR ")})`;
  };
  const byText = search.split(/\s+/).filter(Boolean).map(wordMatches).join(" AND ");
  const gid = customerGidParam(search);
  const byId = gid ? ` OR "gid" = ${p(gid)}` : "";
  const found = await db.$queryRawUnsafe<{ id: number }[]>(
    `SELECT "id" FROM "Customer" WHERE "shopDomain" = ${dialect.param(1)} AND (${byText}${byId})`,
    ...values,
  );
  return new Set(found.map((customer) => Number(customer.id)));
}

/** Members of the shop by customer GID: all of them, or those of `gids`. */
async function memberStandings(shopDomain: string, gids?: string[]): Promise<Map<string, MemberStanding>> {
  const members = await db.loyaltyMember.findMany({
    where: { shopDomain, ...(gids && { customerGid: { in: gids } }) },
    select: { customerGid: true, tierId: true, heldOut: true },
  });
  return new Map(members.map(({ customerGid, ...standing }) => [customerGid, standing]));
}

/**
 * Available points by customer GID, by the ledger's balance rule (app/loyalty/balance.ts
 * balancesAt): entries available by now, and every debit except a void from the moment it is
 * recorded.
 */
async function availablePoints(shopDomain: string, now: Date, gids?: string[]): Promise<Map<string, number>> {
  const sums = await db.ledgerEntry.groupBy({
    by: ["memberGid"],
    where: {
      shopDomain,
      ...(gids && { memberGid: { in: gids } }),
      OR: [{ availableAt: { lte: now } }, { points: { lt: 0 }, type: { not: "void" } }],
    },
    _sum: { points: true },
  });
  return new Map(sums.map((sum) => [sum.memberGid, sum._sum.points ?? 0]));
}

// Every member's standing and every balance, for the loyalty filters and the points sort, cached
// per shop while a version read per request holds (reading them all costs ~0.5 s at 100,000
// members). The versions are counts and newest ids of append-only rows, so they change with every
// committed write, also one committed after a newer id:
// - the ledger is append-only but for erasure: any entry changes its count and newest id;
// - a member is enrolled (count, newest id) in or out of the holdout for good (enrollMember), and
//   changes tier only with a TierChange row (tasks.server.ts reviewTier);
// - customers/redact renames the member and their ledger to a `redacted:` pseudonym in one
//   transaction: the count of pseudonymised members changes; shop/redact deletes them all.
// Balances also change without a write, when pending points become available: cached balances
// hold from the moment they were summed until the earliest availableAt after it.

interface ShopBalances {
  points: Map<string, number>;
  /** Points sort orders of an index by direction, built on first use. */
  orders: WeakMap<ShopIndex, Map<Direction, Int32Array>>;
  /** Bytes of those orders. */
  orderBytes: number;
}

interface ShopStandings {
  byGid: Map<string, MemberStanding>;
  /** The same by row position of an index, built on first use. */
  byPosition: WeakMap<ShopIndex, (MemberStanding | undefined)[]>;
  /** Bytes of those arrays. */
  byPositionBytes: number;
}

const standingsCache = shopCaches.kind<{ version: string; standings: ShopStandings }>("member standings", {
  sizeOf: ({ standings }) => standings.byGid.size * STANDING_BYTES + standings.byPositionBytes,
});

/** Right for a `now` in [from, until): no entry becomes available in between. */
const balancesCache = shopCaches.kind<{ version: string; from: number; until: number; balances: ShopBalances }>(
  "point balances",
  { sizeOf: ({ balances }) => balances.points.size * BALANCE_BYTES + balances.orderBytes },
);

const pseudonymisedMembers = (shopDomain: string) =>
  db.loyaltyMember.count({ where: { shopDomain, customerGid: { startsWith: PSEUDONYM_PREFIX } } });

async function standingsVersion(shopDomain: string): Promise<string> {
  const [members, tierChanges, pseudonymised] = await Promise.all([
    db.loyaltyMember.aggregate({ where: { shopDomain }, _count: { _all: true }, _max: { id: true } }),
    db.tierChange.aggregate({ where: { shopDomain }, _count: { _all: true }, _max: { id: true } }),
    pseudonymisedMembers(shopDomain),
  ]);
  return [members._count._all, members._max.id, tierChanges._count._all, tierChanges._max.id, pseudonymised].join("|");
}

async function ledgerVersion(shopDomain: string): Promise<string> {
  const [entries, pseudonymised] = await Promise.all([
    db.ledgerEntry.aggregate({ where: { shopDomain }, _count: { _all: true }, _max: { id: true } }),
    pseudonymisedMembers(shopDomain),
  ]);
  return [entries._count._all, entries._max.id, pseudonymised].join("|");
}

// Each version is read before the rows it guards: a write in between makes the next request reload.

/** Every member's standing, as of this request. */
async function allStandings(shopDomain: string): Promise<ShopStandings> {
  const version = await standingsVersion(shopDomain);
  const cached = standingsCache.get(shopDomain);
  if (cached?.version === version) return cached.standings;
  const standings: ShopStandings = { byGid: await memberStandings(shopDomain), byPosition: new WeakMap(), byPositionBytes: 0 };
  standingsCache.set(shopDomain, { version, standings });
  return standings;
}

function standingsByPosition(shopDomain: string, index: ShopIndex, standings: ShopStandings): (MemberStanding | undefined)[] {
  let byPosition = standings.byPosition.get(index);
  if (!byPosition) {
    standings.byPosition.set(index, (byPosition = index.rows.map((row) => standings.byGid.get(row.gid))));
    standings.byPositionBytes += byPosition.length * SLOT_BYTES;
    standingsCache.resize(shopDomain);
  }
  return byPosition;
}

/** Every member's available points by GID at `now`, with the points sort orders built from them. */
async function allBalances(shopDomain: string, now: Date): Promise<ShopBalances> {
  const version = await ledgerVersion(shopDomain);
  const at = now.getTime();
  const cached = balancesCache.get(shopDomain);
  if (cached?.version === version && cached.from <= at && at < cached.until) return cached.balances;
  const [points, nextRelease] = await Promise.all([
    availablePoints(shopDomain, now),
    db.ledgerEntry.aggregate({ where: { shopDomain, availableAt: { gt: now } }, _min: { availableAt: true } }),
  ]);
  const balances: ShopBalances = { points, orders: new WeakMap(), orderBytes: 0 };
  const until = nextRelease._min.availableAt?.getTime() ?? Infinity;
  balancesCache.set(shopDomain, { version, from: at, until, balances });
  return balances;
}

function pointsOrder(shopDomain: string, index: ShopIndex, balances: ShopBalances, direction: Direction): Int32Array {
  let orders = balances.orders.get(index);
  if (!orders) balances.orders.set(index, (orders = new Map()));
  let order = orders.get(direction);
  if (!order) {
    orders.set(direction, (order = sortedPositions(index.rows, "points", direction, balances.points)));
    balances.orderBytes += order.byteLength;
    balancesCache.resize(shopDomain);
  }
  return order;
}

interface RequestContext extends ListContext {
  balances?: ShopBalances;
}

/** The database's part of a query: only what its search, filters and sort need. */
async function listContext(shopDomain: string, index: ShopIndex, query: ListQuery, now: Date): Promise<RequestContext> {
  const [matches, standings, balances] = await Promise.all([
    query.search ? searchMatches(shopDomain, query.search) : undefined,
    query.tiers.length || query.membership ? allStandings(shopDomain) : undefined,
    query.sort === "points" ? allBalances(shopDomain, now) : undefined,
  ]);
  return {
    searchMatches: matches,
    members: standings && standingsByPosition(shopDomain, index, standings),
    points: balances?.points,
    balances,
  };
}

function orderFor(shopDomain: string, index: ShopIndex, query: ListQuery, context: RequestContext): Int32Array {
  return context.balances
    ? pointsOrder(shopDomain, index, context.balances, query.direction)
    : cachedOrder(shopDomain, index, query.sort, query.direction);
}

export interface ListedCustomer extends CustomerRow {
  name: string | null;
  email: string | null;
  points: number | null;
  tier: string | null;
  heldOut: boolean;
}

/** One page of the list, with each row's name, e-mail, points and tier. */
export async function listCustomers(shopDomain: string, query: ListQuery, now = new Date()) {
  const index = await customerIndex(shopDomain);
  const context = await listContext(shopDomain, index, query, now);
  const page = pageOf(index.rows, orderFor(shopDomain, index, query, context), matcher(query, context), query.page);
  const ids = page.rows.map((row) => row.id);
  const gids = page.rows.map((row) => row.gid);
  const [people, members, points, tiers] = await Promise.all([
    db.customer.findMany({
      where: { shopDomain, id: { in: ids }, deletedAt: null, redactedAt: null },
      select: { id: true, firstName: true, lastName: true, email: true },
    }),
    memberStandings(shopDomain, gids),
    availablePoints(shopDomain, now, gids),
    tierNames(shopDomain),
  ]);
  const person = new Map(people.map((p) => [p.id, p]));
  // A customer erased since the rows were built is left out (the rows may be one rebuild behind).
  const rows = page.rows
    .filter((row) => person.has(row.id))
    .map((row): ListedCustomer => {
      const who = person.get(row.id)!;
      const member = members.get(row.gid);
      return {
        ...row,
        name: displayName(who),
        email: who.email,
        points: member && !member.heldOut ? (points.get(row.gid) ?? 0) : null,
        tier: member?.tierId && !member.heldOut ? (tiers.get(member.tierId) ?? member.tierId) : null,
        heldOut: member?.heldOut ?? false,
      };
    });
  return { shop: index.shop, ...page, rows, listed: index.rows.length, tiers: [...tiers].map(([id, name]) => ({ id, name })) };
}

async function tierNames(shopDomain: string): Promise<Map<string, string>> {
  return new Map((await loadTiers(db, shopDomain)).map((tier) => [tier.id, tier.name]));
}

/** Every customer matching the query, in its order, with points and tier, for the CSV export. */
export async function exportCustomers(shopDomain: string, query: ListQuery, now = new Date()) {
  const index = await customerIndex(shopDomain);
  const context = await listContext(shopDomain, index, query, now);
  const [rows, erased] = await Promise.all([
    allOf(index.rows, orderFor(shopDomain, index, query, context), matcher(query, context)),
    // The rows may be one rebuild behind an erasure: no erased customer's id leaves in a file.
    db.customer.findMany({
      where: { shopDomain, OR: [{ deletedAt: { not: null } }, { redactedAt: { not: null } }] },
      select: { id: true },
    }),
  ]);
  const gone = new Set(erased.map((customer) => customer.id));
  const [standings, points, tiers] = await Promise.all([
    allStandings(shopDomain),
    context.points ?? allBalances(shopDomain, now).then((balances) => balances.points),
    tierNames(shopDomain),
  ]);
  return {
    shop: index.shop,
    rows: rows
      .filter((row) => !gone.has(row.id))
      .map((row) => {
        const member = standings.byGid.get(row.gid);
        const earning = member && !member.heldOut;
        return {
          ...row,
          points: earning ? (points.get(row.gid) ?? 0) : null,
          tier: earning && member.tierId ? (tiers.get(member.tierId) ?? member.tierId) : null,
        };
      }),
  };
}

/**
 * The marketing export: every customer the query matches, in its order, who is subscribed to
 * e-mail marketing now (read from the database, not the rows, which may be one rebuild behind an
 * unsubscribe) and has an e-mail address; never a deleted or redacted customer.
 */
export async function exportMarketing(shopDomain: string, query: ListQuery, now = new Date()) {
  const index = await customerIndex(shopDomain);
  const context = await listContext(shopDomain, index, query, now);
  const [rows, subscribed] = await Promise.all([
    allOf(index.rows, orderFor(shopDomain, index, query, context), matcher(query, context)),
    db.customer.findMany({
      where: { shopDomain, marketingConsent: SUBSCRIBED, email: { not: null }, deletedAt: null, redactedAt: null },
      select: { id: true, firstName: true, lastName: true, email: true },
    }),
  ]);
  const people = new Map(subscribed.map((person) => [person.id, person]));
  return {
    fileName: exportFileName("marketing", query, index.shop.today),
    rows: rows.flatMap((row): MarketingRow[] => {
      const person = people.get(row.id);
      if (!person) return [];
      const { firstName, lastName, email } = person;
      const { segment, risk, nextOrderDue, overdueDays } = row;
      return [{ firstName, lastName, email: email!, segment, risk, nextOrderDue, overdueDays }];
    }),
  };
}

/**
 * What a campaign's audience rule reads (app/campaigns/audience.ts) besides the rows: every
 * member's standing by row position of `index` and every available balance, from the same caches
 * as the list's filters.
 */
export async function standingsAndBalances(shopDomain: string, index: ShopIndex, now: Date) {
  const [standings, balances] = await Promise.all([allStandings(shopDomain), allBalances(shopDomain, now)]);
  return { members: standingsByPosition(shopDomain, index, standings), points: balances.points };
}
