import { describe, expect, it } from "vitest";
import type { CustomerRow } from "../customers/list";
import { audienceMatcher, audienceRule, parseAudience, selectAudience } from "./audience";

const row = (id: number, fields: Partial<CustomerRow> = {}): CustomerRow => ({
  id,
  gid: `gid://shopify/Customer/${id}`,
  orders: 2,
  netSpend: 10_000,
  lastOrder: "2026-06-01",
  segment: "at_risk",
  pAlive: 0.3,
  predictedClv: 8_000,
  risk: "high",
  nextOrderDue: "2026-08-01",
  overdueDays: 40,
  emailMarketing: true,
  ...fields,
});

describe("audience rules", () => {
  it("selects on churn risk and predicted CLV, every condition holding", () => {
    const rule = audienceRule.parse({ risks: ["high"], predictedClv: { min: 5_000 } });
    const rows = [row(1), row(2, { risk: "low" }), row(3, { predictedClv: 4_999 }), row(4, { predictedClv: null })];
    expect(selectAudience(rows, rule, null)).toEqual(["gid://shopify/Customer/1"]);
  });

  it("reads P(alive), segments, orders, overdue days and consent", () => {
    const rule = audienceRule.parse({
      pAlive: { max: 0.5 },
      segments: ["at_risk", "cant_lose_them"],
      orders: { min: 2, max: 5 },
      overdueDays: { min: 30 },
      emailConsent: true,
    });
    const matches = audienceMatcher(rule, null);
    expect(matches(row(1), 0)).toBe(true);
    expect(matches(row(2, { pAlive: 0.6 }), 0)).toBe(false);
    expect(matches(row(3, { segment: "champions" }), 0)).toBe(false);
    expect(matches(row(4, { orders: 6 }), 0)).toBe(false);
    expect(matches(row(5, { overdueDays: 0 }), 0)).toBe(false);
    expect(matches(row(6, { emailMarketing: false }), 0)).toBe(false);
  });

  it("reads membership, tier and points from the members by row position", () => {
    const rows = [row(1), row(2), row(3), row(4)];
    const members = [
      { tierId: "gold", heldOut: false },
      { tierId: "silver", heldOut: false },
      { tierId: "gold", heldOut: true },
      undefined,
    ];
    const points = new Map([
      [rows[0].gid, 500],
      [rows[1].gid, 50],
    ]);
    const gold = audienceRule.parse({ tiers: ["gold"], points: { min: 100 } });
    expect(selectAudience(rows, gold, { members, points })).toEqual([rows[0].gid]);
    const outsiders = audienceRule.parse({ membership: "not_member" });
    expect(selectAudience(rows, outsiders, { members, points })).toEqual([rows[3].gid]);
    expect(() => audienceMatcher(gold, null)).toThrow(/needs the members/);
  });

  it("leaves out customers already in a campaign or cooling down", () => {
    const rows = [row(1), row(2)];
    expect(selectAudience(rows, audienceRule.parse({}), null, new Set([rows[0].gid]))).toEqual([rows[1].gid]);
  });

  it("refuses unknown fields, reversed ranges and unknown values", () => {
    expect(audienceRule.safeParse({ risk: ["high"] }).success).toBe(false);
    expect(audienceRule.safeParse({ pAlive: { min: 0.8, max: 0.2 } }).success).toBe(false);
    expect(audienceRule.safeParse({ risks: ["extreme"] }).success).toBe(false);
    expect(audienceRule.safeParse({ pAlive: { min: 2 } }).success).toBe(false);
    expect(() => parseAudience('{"orders":{"min":-1}}')).toThrow();
  });
});
