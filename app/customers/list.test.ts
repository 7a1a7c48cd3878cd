import { describe, expect, it } from "vitest";
import { parseAdjustment } from "./adjustment";
import {
  adminUrl,
  DEFAULT_QUERY,
  displayName,
  gidNumber,
  ListQueryError,
  listQueryParams,
  matcher,
  PAGE_SIZE,
  pageOf,
  parseListQuery,
  sortedPositions,
  type CustomerRow,
  type ListQuery,
} from "./list";

const BIG = "9007199254740993"; // 2^53 + 1: a double would round it

function row(id: number, fields: Partial<CustomerRow> = {}): CustomerRow {
  return {
    id,
    gid: `gid://shopify/Customer/${id}`,
    orders: 0,
    netSpend: 0,
    lastOrder: null,
    segment: null,
    pAlive: null,
    predictedClv: null,
    risk: null,
    nextOrderDue: null,
    overdueDays: null,
    emailMarketing: false,
    ...fields,
  };
}

const query = (changes: Partial<ListQuery> = {}): ListQuery => ({ ...DEFAULT_QUERY, ...changes });
const ids = (rows: CustomerRow[]) => rows.map((r) => r.id);

describe("the list's URL query", () => {
  it("reads every parameter and writes back only what differs from the defaults", () => {
    const params = new URLSearchParams(
      "q=%20ada%20&segment=champions,loyal&tier=gold&member=member&risk=high&sort=pAlive&direction=asc&page=3",
    );
    const parsed = parseListQuery(params);
    expect(parsed).toEqual({
      search: "ada",
      segments: ["champions", "loyal"],
      tiers: ["gold"],
      membership: "member",
      risks: ["high"],
      sort: "pAlive",
      direction: "asc",
      page: 3,
    });
    expect(listQueryParams(parsed).toString()).toBe(
      "q=ada&segment=champions%2Cloyal&tier=gold&member=member&risk=high&sort=pAlive&direction=asc&page=3",
    );
    expect(parseListQuery(listQueryParams(parsed))).toEqual(parsed);
    expect(parseListQuery(new URLSearchParams())).toEqual(DEFAULT_QUERY);
    expect(listQueryParams(DEFAULT_QUERY).toString()).toBe("");
  });

  it("refuses values it does not know, naming the parameter", () => {
    for (const [search, parameter] of [
      ["sort=name", "sort"],
      ["segment=vip", "segment"],
      ["page=0", "page"],
      ["page=two", "page"],
      ["direction=up", "direction"],
      ["member=yes", "member"],
      ["risk=extreme", "risk"],
      [`q=${"x".repeat(201)}`, "q"],
    ]) {
      expect(() => parseListQuery(new URLSearchParams(search)), search).toThrow(ListQueryError);
      try {
        parseListQuery(new URLSearchParams(search));
      } catch (error) {
        expect((error as ListQueryError).parameter).toBe(parameter);
      }
    }
  });
});

describe("sorting", () => {
  const rows = [
    row(1, { netSpend: 500, pAlive: 0.2, lastOrder: "2026-01-02" }),
    row(2, { netSpend: 900, pAlive: null, lastOrder: "2025-12-31" }),
    row(3, { netSpend: 500, pAlive: 0.9, lastOrder: "2026-03-01" }),
    row(4),
  ];
  const sorted = (key: ListQuery["sort"], direction: "asc" | "desc", points?: Map<string, number>) =>
    [...sortedPositions(rows, key, direction, points)].map((p) => rows[p].id);

  it("orders by the value, ties by customer id, in both directions", () => {
    expect(sorted("netSpend", "desc")).toEqual([2, 1, 3, 4]);
    expect(sorted("netSpend", "asc")).toEqual([4, 1, 3, 2]);
  });

  it("puts customers without a value last whichever the direction", () => {
    expect(sorted("pAlive", "desc")).toEqual([3, 1, 2, 4]);
    expect(sorted("pAlive", "asc")).toEqual([1, 3, 2, 4]);
    expect(sorted("lastOrder", "desc")).toEqual([3, 1, 2, 4]);
  });

  it("sorts by points from the balances given, a customer without any at 0", () => {
    const points = new Map([
      ["gid://shopify/Customer/3", 40],
      ["gid://shopify/Customer/1", 10],
    ]);
    expect(sorted("points", "desc", points)).toEqual([3, 1, 2, 4]);
    expect(() => sorted("points", "desc")).toThrow(/balances/);
  });
});

describe("filters and pages", () => {
  const rows = Array.from({ length: 120 }, (_, i) =>
    row(i + 1, { orders: i, segment: i % 2 ? "champions" : "lost", risk: i % 3 === 0 ? "high" : "low" }),
  );
  const order = sortedPositions(rows, "orders", "desc");

  it("pages of 50 with the total over every page", () => {
    const first = pageOf(rows, order, matcher(query(), {}), 1);
    expect(first.rows).toHaveLength(PAGE_SIZE);
    expect(first.rows[0].id).toBe(120);
    expect(first).toMatchObject({ total: 120, pages: 3, page: 1 });
    const last = pageOf(rows, order, matcher(query(), {}), 3);
    expect(ids(last.rows)).toEqual(Array.from({ length: 20 }, (_, i) => 20 - i));
    expect(pageOf(rows, order, matcher(query(), {}), 4).rows).toEqual([]);
  });

  it("counts, over every page, the matching customers subscribed to e-mail marketing", () => {
    const marketable = rows.map((r) => ({ ...r, emailMarketing: r.id % 4 === 0 }));
    expect(pageOf(marketable, order, matcher(query(), {}), 3).emailMarketing).toBe(30);
    // Champions are the even ids: half of them are multiples of 4.
    expect(pageOf(marketable, order, matcher(query({ segments: ["champions"] }), {}), 1).emailMarketing).toBe(30);
    expect(pageOf(marketable, order, matcher(query({ segments: ["lost"] }), {}), 1).emailMarketing).toBe(0);
  });

  it("combines segment, risk and search", () => {
    const matches = matcher(query({ search: "x", segments: ["champions"], risks: ["high"] }), {
      searchMatches: new Set([4, 5, 10, 16, 22]),
    });
    // Champions are the even ids (odd i), high risk every third i: ids 4, 10, 16, 22 of the matches.
    expect(ids(pageOf(rows, order, matches, 1).rows)).toEqual([22, 16, 10, 4]);
  });

  it("filters by tier and membership; a held-out customer is in no tier", () => {
    const few = rows.slice(0, 5);
    const members = [
      { tierId: "gold", heldOut: false },
      { tierId: null, heldOut: false },
      { tierId: "gold", heldOut: true },
    ];
    const by = (q: Partial<ListQuery>) => ids(few.filter(matcher(query(q), { members })));
    expect(by({ tiers: ["gold"] })).toEqual([1]);
    expect(by({ membership: "member" })).toEqual([1, 2]);
    expect(by({ membership: "held_out" })).toEqual([3]);
    expect(by({ membership: "not_member" })).toEqual([4, 5]);
    expect(() => matcher(query({ tiers: ["gold"] }), {})).toThrow(/members/);
  });
});

describe("who a customer is", () => {
  it("shows the name, else the e-mail, else nothing (the page shows the id)", () => {
    expect(displayName({ firstName: " Ada ", lastName: "Lovelace", email: "ada@example.com" })).toBe("Ada Lovelace");
    expect(displayName({ firstName: null, lastName: null, email: "ada@example.com" })).toBe("ada@example.com");
    expect(displayName({ firstName: "", lastName: null, email: null })).toBeNull();
  });

  it("keeps ids above 2^53 exact", () => {
    expect(gidNumber(`gid://shopify/Customer/${BIG}`)).toBe(BIG);
  });

  it("links orders and customers to their pages in the Shopify admin, by the id in the GID", () => {
    expect(adminUrl(`gid://shopify/Customer/${BIG}`)).toBe(`shopify://admin/customers/${BIG}`);
    expect(adminUrl("gid://shopify/Order/450789469")).toBe("shopify://admin/orders/450789469");
    expect(adminUrl("gid://shopify/Refund/1")).toBeNull();
    expect(adminUrl("gid://shopify/Order/1/../../settings")).toBeNull();
  });
});

describe("the manual adjustment form", () => {
  it("accepts a signed whole number and a reason", () => {
    expect(parseAdjustment({ points: "+50", reason: " goodwill ", requestId: "r1" })).toEqual({
      ok: true,
      points: 50,
      reason: "goodwill",
      requestId: "r1",
    });
    expect(parseAdjustment({ points: "-20", reason: "x", requestId: "r1" })).toMatchObject({ ok: true, points: -20 });
  });

  it("names each bad field", () => {
    expect(parseAdjustment({ points: "0", reason: "", requestId: "r" })).toEqual({
      ok: false,
      errors: { points: "pointsZero", reason: "reasonMissing" },
    });
    expect(parseAdjustment({ points: "1.5", reason: "x", requestId: "" })).toEqual({
      ok: false,
      errors: { points: "pointsInvalid", requestId: "requestMissing" },
    });
    expect(parseAdjustment({ points: null, reason: "x".repeat(201), requestId: "r" })).toEqual({
      ok: false,
      errors: { points: "pointsInvalid", reason: "reasonTooLong" },
    });
    expect(parseAdjustment({ points: "2000000000", reason: "x", requestId: "r" })).toEqual({
      ok: false,
      errors: { points: "pointsTooLarge" },
    });
  });
});
