// The customers list's query (from the URL, so a reload or a shared link shows the same page),
// its filters, its sort and its pages, over rows already in memory. No database here: the
// *.server.ts side finds the rows and the matches of a search or a loyalty filter.
import { SEGMENTS, type Segment } from "../metrics/segments";
import { json } from "../platform/http/responses";

export const PAGE_SIZE = 50;
export const SORT_KEYS = ["orders", "netSpend", "lastOrder", "pAlive", "predictedClv", "points"] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export const MEMBERSHIPS = ["member", "not_member", "held_out"] as const;
export type Membership = (typeof MEMBERSHIPS)[number];
export const RISKS = ["high", "medium", "low"] as const;
export type Risk = (typeof RISKS)[number];
export type Direction = "asc" | "desc";

export interface ListQuery {
  /** Name, e-mail or customer id; empty: everyone. */
  search: string;
  segments: Segment[];
  tiers: string[];
  membership: Membership | null;
  risks: Risk[];
  sort: SortKey;
  direction: Direction;
  /** 1-based. */
  page: number;
}

export const DEFAULT_QUERY: ListQuery = {
  search: "",
  segments: [],
  tiers: [],
  membership: null,
  risks: [],
  sort: "netSpend",
  direction: "desc",
  page: 1,
};

/** A URL parameter the list does not understand: the page says which, rather than guessing. */
export class ListQueryError extends Error {
  constructor(
    readonly parameter: string,
    readonly value: string,
  ) {
    super(`${parameter}=${value} is not a valid value`);
  }
}

const MAX_SEARCH = 200;

function oneOf<T extends string>(parameter: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw new ListQueryError(parameter, value);
  return value as T;
}

/** Multi-valued filters travel comma-separated (`segment=champions,loyal`). */
const listOf = (params: URLSearchParams, name: string) => (params.get(name) ?? "").split(",").filter((value) => value !== "");

export function parseListQuery(params: URLSearchParams): ListQuery {
  const search = (params.get("q") ?? "").trim();
  if (search.length > MAX_SEARCH) throw new ListQueryError("q", `${search.slice(0, 20)}…`);
  // PostgreSQL text cannot hold NUL: refused here rather than failing the query.
  if (search.includes("\0")) throw new ListQueryError("q", search.replace(/\0/g, "\\0"));
  const page = params.get("page") ?? "1";
  if (!/^[1-9]\d{0,5}$/.test(page)) throw new ListQueryError("page", page);
  const membership = params.get("member");
  return {
    search,
    segments: listOf(params, "segment").map((value) => oneOf("segment", value, SEGMENTS)),
    // Tier ids are the merchant's own; one that no longer exists simply matches nobody.
    tiers: listOf(params, "tier"),
    membership: membership ? oneOf("member", membership, MEMBERSHIPS) : null,
    risks: listOf(params, "risk").map((value) => oneOf("risk", value, RISKS)),
    sort: oneOf("sort", params.get("sort") ?? DEFAULT_QUERY.sort, SORT_KEYS),
    direction: oneOf("direction", params.get("direction") ?? DEFAULT_QUERY.direction, ["asc", "desc"] as const),
    page: Number(page),
  };
}

/** For the list's CSV exports: the query, or a thrown 400 answer naming what is wrong with it. */
export function exportListQuery(request: Request): ListQuery {
  try {
    return parseListQuery(new URL(request.url).searchParams);
  } catch (error) {
    if (error instanceof ListQueryError) throw json({ error: error.message }, 400);
    throw error;
  }
}

/** The query as URL parameters, defaults left out (for links, the CSV export and paging). */
export function listQueryParams(query: ListQuery, changes: Partial<ListQuery> = {}): URLSearchParams {
  const next = { ...query, ...changes };
  const params = new URLSearchParams();
  if (next.search) params.set("q", next.search);
  if (next.segments.length) params.set("segment", next.segments.join(","));
  if (next.tiers.length) params.set("tier", next.tiers.join(","));
  if (next.membership) params.set("member", next.membership);
  if (next.risks.length) params.set("risk", next.risks.join(","));
  if (next.sort !== DEFAULT_QUERY.sort) params.set("sort", next.sort);
  if (next.direction !== DEFAULT_QUERY.direction) params.set("direction", next.direction);
  if (next.page !== 1) params.set("page", String(next.page));
  return params;
}

/** What the list knows of a customer before the page is chosen (no names: those are read for one page only). */
export interface CustomerRow {
  /** Database id of the customer (a search answers with these). */
  id: number;
  gid: string;
  orders: number;
  /** Minor units. */
  netSpend: number;
  /** Shop-calendar day of the last counted order, YYYY-MM-DD; null without one. */
  lastOrder: string | null;
  segment: Segment | null;
  pAlive: number | null;
  /** Minor units; null before a stable fit. */
  predictedClv: number | null;
  risk: Risk | null;
  /** Shop-calendar day the next order is expected by the customer's own rhythm (order-gaps.ts nextOrderDue). */
  nextOrderDue: string | null;
  /** Days since nextOrderDue passed; 0 while it has not. */
  overdueDays: number | null;
  /** Subscribed to e-mail marketing, as last synced: counts for the marketing export's button. */
  emailMarketing: boolean;
}

export interface MemberStanding {
  tierId: string | null;
  heldOut: boolean;
}

/** What the database answered for this request's filters and sort. */
export interface ListContext {
  /** Customer ids matching the search; absent without a search. */
  searchMatches?: ReadonlySet<number>;
  /**
   * Members by row position (undefined: not a member); needed for the tier and membership filters.
   * By position, not GID: a filter looks up every row, 200,000 map lookups cost ~60 ms.
   */
  members?: ReadonlyArray<MemberStanding | undefined>;
  /** Available points by customer GID; needed to sort by points (no entry: 0). */
  points?: ReadonlyMap<string, number>;
}

export interface ListPage {
  rows: CustomerRow[];
  /** Customers matching the filters, over every page. */
  total: number;
  /** Of those, the ones subscribed to e-mail marketing (the marketing export's rows). */
  emailMarketing: number;
  page: number;
  pages: number;
}

/** A row's test; `position` is its place in the rows (as Array.filter passes it). */
export type Matcher = (row: CustomerRow, position: number) => boolean;

export function matcher(query: ListQuery, context: ListContext): Matcher {
  const segments = new Set<string>(query.segments);
  const risks = new Set<string>(query.risks);
  const tiers = new Set(query.tiers);
  const { searchMatches, members } = context;
  if ((tiers.size || query.membership) && !members) throw new Error("the tier and membership filters need the members");
  if (query.search && !searchMatches) throw new Error("a search needs its matches");
  return (row, position) => {
    if (searchMatches && !searchMatches.has(row.id)) return false;
    if (segments.size && !(row.segment && segments.has(row.segment))) return false;
    if (risks.size && !(row.risk && risks.has(row.risk))) return false;
    if (tiers.size || query.membership) {
      const member = members![position];
      if (tiers.size && !(member?.tierId && !member.heldOut && tiers.has(member.tierId))) return false;
      if (query.membership === "member" && !(member && !member.heldOut)) return false;
      if (query.membership === "held_out" && !member?.heldOut) return false;
      if (query.membership === "not_member" && member) return false;
    }
    return true;
  };
}

type Value = (row: CustomerRow) => number | string | null;

function sortValue(key: SortKey, points?: ReadonlyMap<string, number>): Value {
  switch (key) {
    case "orders":
      return (row) => row.orders;
    case "netSpend":
      return (row) => row.netSpend;
    case "lastOrder":
      return (row) => row.lastOrder;
    case "pAlive":
      return (row) => row.pAlive;
    case "predictedClv":
      return (row) => row.predictedClv;
    case "points":
      if (!points) throw new Error("sorting by points needs the balances");
      return (row) => points.get(row.gid) ?? 0;
  }
}

/**
 * Row positions in the order of `key`: customers without a value (no order, no prediction) come
 * last either way, and ties go by customer id, so every page is stable between requests.
 */
export function sortedPositions(
  rows: readonly CustomerRow[],
  key: SortKey,
  direction: Direction,
  points?: ReadonlyMap<string, number>,
): Int32Array {
  const value = sortValue(key, points);
  const values = rows.map(value);
  const sign = direction === "asc" ? 1 : -1;
  const positions = Int32Array.from(rows.keys());
  return positions.sort((a, b) => {
    const x = values[a];
    const y = values[b];
    if (x === null || y === null) return x === y ? rows[a].id - rows[b].id : x === null ? 1 : -1;
    if (x !== y) return (x < y ? -1 : 1) * sign;
    return rows[a].id - rows[b].id;
  });
}

/** One page of the rows in `order` (from sortedPositions) that pass `matches`, and how many pass in all. */
export function pageOf(rows: readonly CustomerRow[], order: Int32Array, matches: Matcher, page: number): ListPage {
  const start = (page - 1) * PAGE_SIZE;
  const selected: CustomerRow[] = [];
  let total = 0;
  let emailMarketing = 0;
  for (const position of order) {
    const row = rows[position];
    if (!matches(row, position)) continue;
    if (total >= start && selected.length < PAGE_SIZE) selected.push(row);
    total++;
    if (row.emailMarketing) emailMarketing++;
  }
  return { rows: selected, total, emailMarketing, page, pages: Math.max(1, Math.ceil(total / PAGE_SIZE)) };
}

/** Every matching row in order, for the CSV export. */
export function allOf(rows: readonly CustomerRow[], order: Int32Array, matches: Matcher): CustomerRow[] {
  const selected: CustomerRow[] = [];
  for (const position of order) if (matches(rows[position], position)) selected.push(rows[position]);
  return selected;
}

/** The numeric part of a Shopify GID, as text (Shopify's ids exceed 2^53). */
export const gidNumber = (gid: string) => gid.slice(gid.lastIndexOf("/") + 1);

/**
 * The resource's page in the Shopify admin, from its GID (`gid://shopify/Order/1` ->
 * `shopify://admin/orders/1`): App Bridge opens `shopify://admin/...` links in the admin around the
 * embedded app, rather than inside its frame. null for a resource the admin has no page for here.
 */
export function adminUrl(gid: string): string | null {
  const match = /^gid:\/\/shopify\/(Order|Customer)\/(\d+)$/.exec(gid);
  return match ? `shopify://admin/${match[1] === "Order" ? "orders" : "customers"}/${match[2]}` : null;
}

/** Name, then e-mail; a customer without either (a guest stub, an erased name) shows as null and the page uses their id. */
export function displayName(customer: {
  firstName: string | null;
  lastName: string | null;
  email: string | null;
}): string | null {
  const name = [customer.firstName, customer.lastName]
    .map((part) => part?.trim())
    .filter(Boolean)
    .join(" ");
  return name || customer.email || null;
}
