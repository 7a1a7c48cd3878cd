import { describe, expect, it } from "vitest";
import { applyDebit, balancesAt, expiryEntries, manualEntry, openBatches, redemptionEntry, releaseDue } from "./balance";
import { ledgerEntry, type LedgerEntry } from "./ledger";
import type { ExpirySettings, Reward } from "./program";
import { at } from "./test-helpers";

const MEMBER = "gid://shopify/Customer/7";
const BATCH: ExpirySettings = { mode: "batch", months: 12 };
const INACTIVITY: ExpirySettings = { mode: "inactivity", months: 12 };

/** Purchase points of `points`, available on `availableAt`, expiring 12 months later (batch mode). */
function batch(key: string, points: number, availableAt: string, extra: Partial<LedgerEntry> = {}): LedgerEntry {
  const available = at(availableAt);
  const expires = new Date(available);
  expires.setUTCFullYear(expires.getUTCFullYear() + 1);
  return ledgerEntry({
    sourceKey: key,
    memberGid: MEMBER,
    type: "earn",
    source: "order",
    points,
    reason: "purchase",
    createdAt: new Date(available.getTime() - 14 * 86_400_000),
    availableAt: available,
    expiresAt: expires,
    ...extra,
  });
}

function spend(key: string, points: number, when: string): LedgerEntry {
  return ledgerEntry({
    sourceKey: key,
    memberGid: MEMBER,
    type: "redeem",
    source: "reward",
    points: -points,
    reason: "reward",
    createdAt: at(when),
  });
}

describe("applyDebit", () => {
  it("takes what the balance covers and records the rest as shortfall", () => {
    expect(applyDebit(100, 30)).toEqual({ applied: 30, shortfall: 0 });
    expect(applyDebit(20, 50)).toEqual({ applied: 20, shortfall: 30 });
    expect(applyDebit(0, 5)).toEqual({ applied: 0, shortfall: 5 });
    expect(applyDebit(-3, 5)).toEqual({ applied: 0, shortfall: 5 });
    expect(applyDebit(10, 0)).toEqual({ applied: 0, shortfall: 0 });
  });

  it("rejects negative or fractional debits", () => {
    expect(() => applyDebit(10, -1)).toThrow(RangeError);
    expect(() => applyDebit(10, 1.5)).toThrow(RangeError);
  });
});

describe("balancesAt and releaseDue", () => {
  const ledger = [
    batch("a", 100, "2024-01-01T00:00:00Z"),
    batch("b", 50, "2024-03-01T00:00:00Z"),
    spend("r", 30, "2024-02-01T00:00:00Z"),
  ];

  it("sums available entries; pending ones show apart", () => {
    expect(balancesAt(ledger, at("2024-02-15T00:00:00Z"))).toEqual({ available: 70, pending: 50 });
    expect(balancesAt(ledger, at("2024-03-01T00:00:00Z"))).toEqual({ available: 120, pending: 0 });
  });

  it("counts a debit as spent even when the reader's clock is earlier than the debit's date", () => {
    // Two redemptions racing: the second reads the clock, then waits for the member's lock while the first commits.
    const raced = [batch("a", 100, "2024-01-01T00:00:00Z"), spend("first", 60, "2024-02-01T00:00:01Z")];
    expect(balancesAt(raced, at("2024-02-01T00:00:00Z"))).toEqual({ available: 40, pending: 0 });
  });

  it("releases what became available after `since`, up to and including `now`", () => {
    const released = releaseDue(ledger, at("2024-01-01T00:00:00Z"), at("2024-03-01T00:00:00Z"));
    expect(released.entries.map((entry) => entry.sourceKey)).toEqual(["b", "r"]);
    expect(released.points).toBe(20);
    expect(releaseDue(ledger, at("2024-03-01T00:00:00Z"), at("2024-12-31T00:00:00Z"))).toEqual({ entries: [], points: 0 });
  });
});

describe("openBatches (FIFO)", () => {
  const a = batch("a", 100, "2024-01-01T00:00:00Z"); // expires 2025-01-01
  const b = batch("b", 50, "2024-03-01T00:00:00Z"); // expires 2025-03-01

  it("spends the batch that expires soonest first", () => {
    expect(openBatches([a, b, spend("r", 120, "2024-04-01T00:00:00Z")], at("2024-05-01T00:00:00Z"))).toEqual([
      { expiresAt: at("2025-03-01T00:00:00Z"), points: 30 },
    ]);
  });

  it("spends only what was available when the debit happened", () => {
    // On 1 February only batch a (100) is available: the 30 comes out of it, b stays whole.
    expect(openBatches([a, b, spend("r", 30, "2024-02-01T00:00:00Z")], at("2024-05-01T00:00:00Z"))).toEqual([
      { expiresAt: at("2025-01-01T00:00:00Z"), points: 70 },
      { expiresAt: at("2025-03-01T00:00:00Z"), points: 50 },
    ]);
  });

  it("takes a void out of the batch it corrects, not the oldest", () => {
    const c = batch("c", 80, "2024-05-01T00:00:00Z");
    const voided = ledgerEntry({ ...c, sourceKey: "c-void", type: "void", points: -30, createdAt: at("2024-04-20T00:00:00Z") });
    expect(openBatches([a, c, voided], at("2024-06-01T00:00:00Z"))).toEqual([
      { expiresAt: at("2025-01-01T00:00:00Z"), points: 100 },
      { expiresAt: at("2025-05-01T00:00:00Z"), points: 50 },
    ]);
  });

  it("spends credits that never expire last", () => {
    const forever = batch("f", 40, "2023-06-01T00:00:00Z", { expiresAt: null });
    expect(openBatches([forever, a, spend("r", 60, "2024-02-01T00:00:00Z")], at("2024-03-01T00:00:00Z"))).toEqual([
      { expiresAt: at("2025-01-01T00:00:00Z"), points: 40 },
      { expiresAt: null, points: 40 },
    ]);
  });
});

describe("expiryEntries, batch mode", () => {
  const a = batch("a", 100, "2024-01-01T00:00:00Z");
  const b = batch("b", 50, "2024-03-01T00:00:00Z");

  it("expires what is left of each batch past its date, once", () => {
    const ledger = [a, b, spend("r", 60, "2024-04-01T00:00:00Z")]; // a: 40 left, b: 50
    expect(expiryEntries(MEMBER, ledger, BATCH, at("2024-12-31T23:59:59Z"))).toEqual([]);
    const january = at("2025-01-02T00:00:00Z");
    const expired = expiryEntries(MEMBER, ledger, BATCH, january);
    expect(expired).toEqual([
      {
        sourceKey: `expiry:${MEMBER}:batch:2025-01-01T00:00:00.000Z:1`,
        memberGid: MEMBER,
        type: "expire",
        source: "expiry",
        points: -40,
        shortfall: 0,
        reason: "points expired",
        orderGid: null,
        rule: null,
        rate: null,
        actor: null,
        createdAt: january,
        availableAt: january,
        expiresAt: at("2025-01-01T00:00:00Z"),
      },
    ]);
    expect(expiryEntries(MEMBER, [...ledger, ...expired], BATCH, january)).toEqual([]);
    expect(balancesAt([...ledger, ...expired], january).available).toBe(50);

    // Spending after the expiry comes out of b, and b expires what is left.
    const later = [...ledger, ...expired, spend("r2", 20, "2025-02-01T00:00:00Z")];
    expect(expiryEntries(MEMBER, later, BATCH, at("2025-03-02T00:00:00Z"))).toEqual([
      expect.objectContaining({ sourceKey: `expiry:${MEMBER}:batch:2025-03-01T00:00:00.000Z:1`, points: -30 }),
    ]);
  });

  it("lets points spent before a late expiry run count as spent from the expired batch", () => {
    // The job had not run yet on 5 January: the 120 spent took a's 100 first, so nothing of a is left to expire.
    const ledger = [a, b, spend("r", 120, "2025-01-05T00:00:00Z")];
    expect(expiryEntries(MEMBER, ledger, BATCH, at("2025-01-06T00:00:00Z"))).toEqual([]);
    expect(openBatches(ledger, at("2025-01-06T00:00:00Z"))).toEqual([{ expiresAt: at("2025-03-01T00:00:00Z"), points: 30 }]);
  });

  it("numbers a second expiry of the same batch", () => {
    const partial = ledgerEntry({ ...expiryOf(a, 40), sourceKey: `expiry:${MEMBER}:batch:2025-01-01T00:00:00.000Z:1` });
    expect(expiryEntries(MEMBER, [a, partial], BATCH, at("2025-01-03T00:00:00Z"))).toEqual([
      expect.objectContaining({ sourceKey: `expiry:${MEMBER}:batch:2025-01-01T00:00:00.000Z:2`, points: -60 }),
    ]);
  });

  function expiryOf(credit: LedgerEntry, points: number) {
    return {
      memberGid: MEMBER,
      type: "expire",
      source: "expiry",
      points: -points,
      reason: "points expired",
      createdAt: at("2025-01-02T00:00:00Z"),
      expiresAt: credit.expiresAt,
    } as const;
  }
});

describe("expiryEntries, inactivity mode", () => {
  const purchase = batch("a", 100, "2024-01-24T00:00:00Z", { createdAt: at("2024-01-10T00:00:00Z"), expiresAt: null });

  it("expires the whole available balance M months after the last activity, once", () => {
    const ledger = [purchase, spend("r", 30, "2024-02-01T00:00:00Z")];
    expect(expiryEntries(MEMBER, ledger, INACTIVITY, at("2025-01-31T23:59:59Z"))).toEqual([]);
    const now = at("2025-02-01T00:00:00Z");
    const expired = expiryEntries(MEMBER, ledger, INACTIVITY, now);
    expect(expired).toEqual([
      expect.objectContaining({
        sourceKey: `expiry:${MEMBER}:inactive:2024-02-01T00:00:00.000Z`,
        type: "expire",
        points: -70,
        reason: "no activity for 12 months",
      }),
    ]);
    expect(expiryEntries(MEMBER, [...ledger, ...expired], INACTIVITY, at("2025-06-01T00:00:00Z"))).toEqual([]);
  });

  it("does not count bonuses the member did nothing for as activity", () => {
    const birthday = ledgerEntry({
      sourceKey: "rule:birthday",
      memberGid: MEMBER,
      type: "earn",
      source: "rule",
      points: 20,
      reason: "birthday",
      createdAt: at("2024-12-01T00:00:00Z"),
    });
    expect(expiryEntries(MEMBER, [purchase, birthday], INACTIVITY, at("2025-01-10T00:00:00Z"))).toEqual([
      expect.objectContaining({ points: -120 }),
    ]);
  });

  it("expires nothing without a balance, or when points never expire", () => {
    expect(
      expiryEntries(MEMBER, [purchase, spend("r", 100, "2024-02-01T00:00:00Z")], INACTIVITY, at("2026-01-01T00:00:00Z")),
    ).toEqual([]);
    expect(expiryEntries(MEMBER, [purchase], { mode: "never", months: 12 }, at("2030-01-01T00:00:00Z"))).toEqual([]);
  });
});

describe("manualEntry", () => {
  const now = at("2024-06-01T12:00:00Z");
  const change = {
    memberGid: MEMBER,
    actor: "staff:alice@example.com",
    reason: "parcel lost",
    requestId: "form-1",
    availableBalance: 25,
    expiry: BATCH,
    now,
  };

  it("credits points available at once, with actor and reason", () => {
    expect(manualEntry({ ...change, points: 40 })).toEqual({
      sourceKey: `manual:${MEMBER}:form-1`,
      memberGid: MEMBER,
      type: "adjust",
      source: "manual",
      points: 40,
      shortfall: 0,
      reason: "parcel lost",
      orderGid: null,
      rule: null,
      rate: null,
      actor: "staff:alice@example.com",
      createdAt: now,
      availableAt: now,
      expiresAt: at("2025-06-01T12:00:00Z"),
    });
  });

  it("debits down to zero and records the shortfall", () => {
    expect(manualEntry({ ...change, points: -40 })).toMatchObject({ points: -25, shortfall: 15, expiresAt: null });
  });

  it("needs an actor, a reason and a non-zero whole number", () => {
    expect(() => manualEntry({ ...change, points: 10, reason: " " })).toThrow(RangeError);
    expect(() => manualEntry({ ...change, points: 10, actor: "" })).toThrow(RangeError);
    expect(() => manualEntry({ ...change, points: 0 })).toThrow(RangeError);
  });
});

describe("redemptionEntry", () => {
  const reward: Reward = {
    id: "five-off",
    name: "5.00 EUR off",
    kind: "fixed_amount",
    value: 500n,
    pointsCost: 500,
    validDays: 30,
  };
  const now = at("2024-06-01T12:00:00Z");

  it("debits the reward's cost", () => {
    expect(redemptionEntry({ memberGid: MEMBER, reward, redemptionId: "red-1", availableBalance: 500, now })).toMatchObject({
      sourceKey: "reward:red-1",
      type: "redeem",
      source: "reward",
      points: -500,
      shortfall: 0,
      reason: "5.00 EUR off",
      availableAt: now,
    });
  });

  it("is all or nothing: null when the balance does not cover the cost", () => {
    expect(redemptionEntry({ memberGid: MEMBER, reward, redemptionId: "red-1", availableBalance: 499, now })).toBeNull();
  });
});
