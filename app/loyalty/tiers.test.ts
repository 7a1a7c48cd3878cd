import { describe, expect, it } from "vitest";
import { ledgerEntry, type LedgerEntry } from "./ledger";
import type { Tier } from "./program";
import { at } from "./test-helpers";
import { earnedPointItems, evaluateTier, qualifyingValue, spendItem, type QualifyingItem } from "./tiers";
import type { OrderRecord } from "../sync/records";

const item = (iso: string, value: bigint): QualifyingItem => ({ at: at(iso), value });

describe("qualifyingValue", () => {
  // 2024-12-31 12:00 UTC is already 1 January 2025, 01:00, in Auckland (UTC+13 in summer).
  const newYearInAuckland = item("2024-12-31T12:00:00Z", 300n);
  // 2025-01-01 05:00 UTC is still 31 December 2024, 21:00, in Los Angeles (UTC-8).
  const newYearsEveInLosAngeles = item("2025-01-01T05:00:00Z", 50n);
  const items = [
    item("2024-06-01T12:00:00Z", 1000n),
    newYearInAuckland,
    newYearsEveInLosAngeles,
    item("2025-02-01T12:00:00Z", 7n),
  ];
  const now = at("2025-03-01T12:00:00Z");

  it("counts the calendar year on the shop's calendar, across the year boundary", () => {
    expect(qualifyingValue(items, "calendar_year", now, "Pacific/Auckland")).toBe(357n);
    expect(qualifyingValue(items, "calendar_year", now, "UTC")).toBe(57n);
    expect(qualifyingValue(items, "calendar_year", now, "America/Los_Angeles")).toBe(7n);
  });

  it("starts a new year at the shop's midnight", () => {
    const firstOfJanuary = at("2024-12-31T11:00:00Z"); // 00:00 on 1 January in Auckland
    expect(qualifyingValue([item("2024-12-31T10:59:59Z", 5n)], "calendar_year", firstOfJanuary, "Pacific/Auckland")).toBe(0n);
    expect(qualifyingValue([item("2024-12-31T11:00:00Z", 5n)], "calendar_year", firstOfJanuary, "Pacific/Auckland")).toBe(5n);
  });

  it("counts rolling 12 months from the day after the same date a year earlier", () => {
    const march = at("2025-03-15T12:00:00Z");
    const around = [item("2024-03-15T12:00:00Z", 1n), item("2024-03-16T00:00:00Z", 10n), item("2025-03-15T11:00:00Z", 100n)];
    expect(qualifyingValue(around, "rolling_12_months", march, "UTC")).toBe(110n);
    // 10:00 UTC on 15 March is 23:00 in Auckland: the window there starts on 16 March 2024 local,
    // which began at 2024-03-15T11:00Z, so the first item counts there and not in UTC.
    const lateEvening = at("2025-03-15T10:00:00Z");
    expect(qualifyingValue(around, "rolling_12_months", lateEvening, "Pacific/Auckland")).toBe(11n);
    expect(qualifyingValue(around, "rolling_12_months", lateEvening, "UTC")).toBe(10n);
  });

  it("counts everything up to now over the lifetime, and nothing from the future", () => {
    expect(qualifyingValue([...items, item("2025-03-01T12:00:01Z", 99n)], "lifetime", now, "UTC")).toBe(1357n);
  });

  it("never goes below zero", () => {
    expect(qualifyingValue([item("2025-01-05T00:00:00Z", -20n)], "lifetime", now, "UTC")).toBe(0n);
  });
});

describe("earnedPointItems and spendItem", () => {
  const entry = (type: LedgerEntry["type"], source: LedgerEntry["source"], points: number, availableAt: string) =>
    ledgerEntry({
      sourceKey: `${type}-${points}`,
      memberGid: "m",
      type,
      source,
      points,
      reason: "",
      createdAt: at("2024-01-01T00:00:00Z"),
      availableAt: at(availableAt),
    });

  it("counts points earned and taken back, when they become available, not spending or expiry", () => {
    const entries = [
      entry("earn", "order", 100, "2024-01-15T00:00:00Z"),
      entry("void", "refund", -40, "2024-01-15T00:00:00Z"),
      entry("earn", "rule", 20, "2024-01-01T00:00:00Z"),
      entry("deduct", "order", -10, "2024-02-01T00:00:00Z"),
      entry("redeem", "reward", -50, "2024-02-01T00:00:00Z"),
      entry("expire", "expiry", -5, "2024-03-01T00:00:00Z"),
      entry("adjust", "manual", 500, "2024-03-01T00:00:00Z"),
    ];
    expect(earnedPointItems(entries)).toEqual([
      item("2024-01-15T00:00:00Z", 100n),
      item("2024-01-15T00:00:00Z", -40n),
      item("2024-01-01T00:00:00Z", 20n),
      item("2024-02-01T00:00:00Z", -10n),
    ]);
  });

  it("takes an order's net spend on its processed date; cancelled and test orders do not count", () => {
    const order = {
      processedAt: at("2024-05-01T09:00:00Z"),
      currentSubtotalAmount: 4500n,
      cancelledAt: null,
      test: false,
    } as OrderRecord;
    expect(spendItem(order)).toEqual(item("2024-05-01T09:00:00Z", 4500n));
    expect(spendItem({ ...order, cancelledAt: at("2024-05-02T00:00:00Z") })).toBeNull();
    expect(spendItem({ ...order, test: true })).toBeNull();
    expect(spendItem({ ...order, processedAt: null })).toBeNull();
  });
});

describe("evaluateTier", () => {
  const gold: Tier = { id: "gold", name: "Gold", threshold: 2000n, multiplierBasisPoints: 15_000 };
  const silver: Tier = { id: "silver", name: "Silver", threshold: 500n, multiplierBasisPoints: 12_500 };
  const tiers = [gold, silver]; // any order
  const january = at("2024-01-10T00:00:00Z");

  it("promotes as soon as the value reaches a threshold, the threshold itself included", () => {
    expect(evaluateTier(null, tiers, 499n, january, 12)).toEqual({ tier: null, since: january, change: null });
    expect(evaluateTier(null, tiers, 500n, january, 12)).toEqual({
      tier: silver,
      since: january,
      change: { from: null, to: "silver", kind: "promotion", at: january },
    });
    const march = at("2024-03-01T00:00:00Z");
    expect(evaluateTier({ tierId: "silver", since: january }, tiers, 2500n, march, 12)).toEqual({
      tier: gold,
      since: march,
      change: { from: "silver", to: "gold", kind: "promotion", at: march },
    });
  });

  it("keeps a tier and its date while the value still qualifies", () => {
    expect(evaluateTier({ tierId: "gold", since: january }, tiers, 2000n, at("2026-01-01T00:00:00Z"), 12)).toEqual({
      tier: gold,
      since: january,
      change: null,
    });
  });

  it("demotes only after the retention months, straight to the tier the value qualifies for", () => {
    const standing = { tierId: "gold", since: january };
    expect(evaluateTier(standing, tiers, 100n, at("2025-01-09T23:59:59Z"), 12)).toEqual({
      tier: gold,
      since: january,
      change: null,
    });
    const dueDate = at("2025-01-10T00:00:00Z");
    expect(evaluateTier(standing, tiers, 100n, dueDate, 12)).toEqual({
      tier: null,
      since: dueDate,
      change: { from: "gold", to: null, kind: "demotion", at: dueDate },
    });
    expect(evaluateTier(standing, tiers, 600n, dueDate, 12).change).toEqual({
      from: "gold",
      to: "silver",
      kind: "demotion",
      at: dueDate,
    });
  });

  it("demotes at once with no retention", () => {
    expect(evaluateTier({ tierId: "gold", since: january }, tiers, 600n, january, 0).tier).toBe(silver);
  });

  it("places a member whose tier was removed afresh", () => {
    const now = at("2024-02-01T00:00:00Z");
    expect(evaluateTier({ tierId: "platinum", since: january }, tiers, 600n, now, 12).change).toEqual({
      from: "platinum",
      to: "silver",
      kind: "promotion",
      at: now,
    });
    expect(evaluateTier({ tierId: "platinum", since: january }, tiers, 100n, now, 12).change).toEqual({
      from: "platinum",
      to: null,
      kind: "demotion",
      at: now,
    });
  });
});
