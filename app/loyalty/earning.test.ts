import { describe, expect, it } from "vitest";
import { balancesAt } from "./balance";
import {
  bonusEntry,
  orderState,
  purchaseBase,
  purchasePoints,
  reconcileOrder,
  type OrderState,
  type ReconcileInput,
} from "./earning";
import { ledgerEntry, requestedPoints, type LedgerEntry } from "./ledger";
import { reviseRule, type BonusRule, type PurchaseBaseSettings } from "./program";
import { at, ONE_PER_TEN_EUR, SETTINGS_BATCH, SETTINGS_NEVER, seededRandom } from "./test-helpers";
import { toMinorUnits } from "../platform/money";
import type { OrderRecord } from "../sync/records";

const ORDER = "gid://shopify/Order/1";
const MEMBER = "gid://shopify/Customer/7";
const PROCESSED = at("2024-03-01T10:00:00Z");
const AVAILABLE = at("2024-03-15T10:00:00Z"); // + 14 pending days
const WHILE_PENDING = at("2024-03-05T00:00:00Z");
const AFTER_AVAILABLE = at("2024-04-01T00:00:00Z");
const DAY_MS = 86_400_000;

function orderRecord(overrides: Partial<OrderRecord> = {}): OrderRecord {
  return {
    gid: ORDER,
    name: "#1001",
    processedAt: PROCESSED,
    createdAt: PROCESSED,
    updatedAt: PROCESSED,
    cancelledAt: null,
    test: false,
    sourceName: "web",
    financialStatus: "paid",
    currency: "EUR",
    presentmentCurrency: "EUR",
    // 120.00 of goods less a 20.00 discount, 4.95 shipping, 19.00 tax.
    totalAmount: 14395n,
    subtotalAmount: 10000n,
    currentSubtotalAmount: 10000n,
    discountAmount: 2000n,
    shippingAmount: 495n,
    taxAmount: 1900n,
    refundedAmount: 0n,
    customer: { gid: MEMBER, createdAt: null },
    refunds: [],
    ...overrides,
  };
}

const NET_ONLY: PurchaseBaseSettings = { includeShipping: false, includeTax: false, discountsReduce: true };
const EVERYTHING: PurchaseBaseSettings = { includeShipping: true, includeTax: true, discountsReduce: false };

describe("purchaseBase", () => {
  it("is the current subtotal after discounts by default", () => {
    expect(purchaseBase(orderRecord(), NET_ONLY)).toBe(10000n);
  });

  it("adds the discount back, shipping and tax as the merchant chooses", () => {
    expect(purchaseBase(orderRecord(), { ...NET_ONLY, discountsReduce: false })).toBe(12000n);
    expect(purchaseBase(orderRecord(), { ...NET_ONLY, includeShipping: true })).toBe(10495n);
    expect(purchaseBase(orderRecord(), { ...NET_ONLY, includeTax: true })).toBe(11900n);
    expect(purchaseBase(orderRecord(), EVERYTHING)).toBe(14395n);
  });

  it("does not subtract refunds twice: the current subtotal already went down", () => {
    const refunded = orderRecord({ currentSubtotalAmount: 6000n, refundedAmount: 4760n });
    expect(purchaseBase(refunded, NET_ONLY)).toBe(6000n);
  });

  it("keeps discount, shipping and tax in proportion to the subtotal kept", () => {
    // 60 % of the goods kept: (2000 + 495 + 1900) x 6000 / 10000 = 2637.
    expect(purchaseBase(orderRecord({ currentSubtotalAmount: 6000n }), EVERYTHING)).toBe(8637n);
    expect(purchaseBase(orderRecord({ currentSubtotalAmount: 0n }), EVERYTHING)).toBe(0n);
  });

  it("counts the original extras in full when an edit raised the subtotal", () => {
    expect(purchaseBase(orderRecord({ currentSubtotalAmount: 15000n }), EVERYTHING)).toBe(19395n);
  });

  it("counts extras of a fully discounted order (subtotal 0) as they are", () => {
    const free = orderRecord({ subtotalAmount: 0n, currentSubtotalAmount: 0n, discountAmount: 5000n });
    expect(purchaseBase(free, NET_ONLY)).toBe(0n);
    expect(purchaseBase(free, { ...NET_ONLY, discountsReduce: false, includeShipping: true })).toBe(5495n);
  });
});

describe("purchasePoints", () => {
  it("floors a fractional rate: 1 point per 10.00 EUR", () => {
    const rate = { points: 1, perAmount: toMinorUnits("10.00", "EUR") };
    expect(purchasePoints(toMinorUnits("19.99", "EUR"), rate)).toBe(1);
    expect(purchasePoints(toMinorUnits("99.99", "EUR"), rate)).toBe(9);
    expect(purchasePoints(toMinorUnits("100.00", "EUR"), rate)).toBe(10);
  });

  it("works in a 0-decimal and a 3-decimal currency", () => {
    expect(purchasePoints(toMinorUnits("12345", "JPY"), { points: 1, perAmount: toMinorUnits("100", "JPY") })).toBe(123);
    // 1 point per 1.000 KWD: 12.345 KWD is 12345 fils.
    expect(purchasePoints(toMinorUnits("12.345", "KWD"), { points: 1, perAmount: toMinorUnits("1", "KWD") })).toBe(12);
    expect(purchasePoints(toMinorUnits("0.999", "KWD"), { points: 1, perAmount: 1000n })).toBe(0);
  });

  it("applies a tier multiplier before flooring", () => {
    // 99.99 EUR at 1 per 10.00 is 9.999 points; x1.25 = 12.49875 -> 12 (not floor(9.999) x 1.25 = 11).
    expect(purchasePoints(9999n, { points: 1, perAmount: 1000n }, 12500)).toBe(12);
    expect(purchasePoints(1999n, { points: 3, perAmount: 100n })).toBe(59);
  });

  it("gives nothing for a zero or negative base", () => {
    expect(purchasePoints(0n, { points: 1, perAmount: 100n })).toBe(0);
    expect(purchasePoints(-500n, { points: 1, perAmount: 100n })).toBe(0);
  });

  it("stays exact beyond 2^53 minor units and throws rather than round points", () => {
    expect(purchasePoints(900_719_925_474_099_199n, { points: 1, perAmount: 100n })).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => purchasePoints(900_719_925_474_099_200n, { points: 1, perAmount: 100n })).toThrow(RangeError);
  });
});

describe("orderState", () => {
  it("reads a synced order", () => {
    const state = orderState(orderRecord({ cancelledAt: at("2024-03-02T00:00:00Z"), refunds: [refund()] }), NET_ONLY);
    expect(state).toEqual({
      gid: ORDER,
      customerGid: MEMBER,
      processedAt: PROCESSED,
      cancelled: true,
      refunded: true,
      base: 10000n,
    });
  });

  it("is null for orders that earn nothing: test orders, guests, stubs", () => {
    expect(orderState(orderRecord({ test: true }), NET_ONLY)).toBeNull();
    expect(orderState(orderRecord({ customer: null }), NET_ONLY)).toBeNull();
    expect(orderState(orderRecord({ processedAt: null }), NET_ONLY)).toBeNull();
  });

  function refund() {
    return { gid: "gid://shopify/Refund/1", orderGid: ORDER, processedAt: PROCESSED, amount: 100n, lineSubtotalAmount: 100n };
  }
});

const state = (base: bigint, extra: Partial<OrderState> = {}): OrderState => ({
  gid: ORDER,
  customerGid: MEMBER,
  processedAt: PROCESSED,
  cancelled: false,
  refunded: false,
  base,
  ...extra,
});

function reconcile(
  order: OrderState,
  recorded: readonly LedgerEntry[],
  now: Date,
  extra: Partial<ReconcileInput> = {},
): LedgerEntry[] {
  return reconcileOrder({
    order,
    recorded,
    now,
    rule: ONE_PER_TEN_EUR,
    multiplierBasisPoints: 10_000,
    settings: SETTINGS_NEVER,
    availableBalance: 1_000_000,
    ...extra,
  });
}

/** The earn entry of a 100.00 EUR order (10 points), as first sight records it. */
const earned = (extra: Partial<ReconcileInput> = {}) => reconcile(state(10000n), [], WHILE_PENDING, extra);

describe("reconcileOrder: first sight", () => {
  it("records one pending earn entry with the rule and rate", () => {
    expect(earned()).toEqual([
      {
        sourceKey: `order:${ORDER}:earn`,
        memberGid: MEMBER,
        type: "earn",
        source: "order",
        points: 10,
        shortfall: 0,
        reason: "purchase",
        orderGid: ORDER,
        rule: { id: "rule-purchase", version: 1 },
        rate: { points: 1, perAmount: 1000n, multiplierBasisPoints: 10_000 },
        actor: null,
        createdAt: PROCESSED,
        availableAt: AVAILABLE,
        expiresAt: null,
      },
    ]);
    expect(balancesAt(earned(), WHILE_PENDING)).toEqual({ available: 0, pending: 10 });
    expect(balancesAt(earned(), AVAILABLE)).toEqual({ available: 10, pending: 0 });
  });

  it("dates the batch in batch expiry mode: M months after it becomes available", () => {
    expect(earned({ settings: SETTINGS_BATCH })[0].expiresAt).toEqual(at("2025-03-15T10:00:00Z"));
  });

  it("is available at once with no pending days, and for an order older than the pending period", () => {
    expect(earned({ settings: { ...SETTINGS_NEVER, pendingDays: 0 } })[0].availableAt).toEqual(PROCESSED);
    expect(reconcile(state(10000n), [], AFTER_AVAILABLE)[0].availableAt).toEqual(AVAILABLE);
  });

  it("records nothing for a cancelled order, without a purchase rule, or below one point", () => {
    expect(reconcile(state(10000n, { cancelled: true }), [], WHILE_PENDING)).toEqual([]);
    expect(reconcile(state(10000n), [], WHILE_PENDING, { rule: null })).toEqual([]);
    expect(reconcile(state(999n), [], WHILE_PENDING)).toEqual([]);
  });

  it("records nothing new when the same state comes again", () => {
    expect(reconcile(state(10000n), earned(), AFTER_AVAILABLE)).toEqual([]);
  });
});

describe("reconcileOrder: reversals", () => {
  // Since the order, the rule went from 1 point per 10.00 EUR to 5 points per 1.00 EUR.
  const laterRule = reviseRule(ONE_PER_TEN_EUR, { points: 5, perAmount: 100n }, at("2024-03-03T00:00:00Z")).next;
  const refunded = state(4000n, { refunded: true }); // 60.00 of the 100.00 refunded

  it("voids pending points for a refund, at the original rate, not today's", () => {
    const entries = reconcile(refunded, earned(), WHILE_PENDING, { rule: laterRule });
    expect(entries).toEqual([
      expect.objectContaining({
        sourceKey: `order:${ORDER}:adjust:1`,
        type: "void",
        source: "refund",
        points: -6,
        shortfall: 0,
        reason: "order refunded",
        rule: { id: "rule-purchase", version: 1 },
        createdAt: WHILE_PENDING,
        availableAt: AVAILABLE,
        expiresAt: null,
      }),
    ]);
    // The void becomes available with the points it corrects: the available balance never sees the 10.
    const ledger = [...earned(), ...entries];
    expect(balancesAt(ledger, WHILE_PENDING)).toEqual({ available: 0, pending: 4 });
    expect(balancesAt(ledger, AVAILABLE)).toEqual({ available: 4, pending: 0 });
  });

  it("deducts available points for a refund after availability", () => {
    expect(reconcile(refunded, earned(), AFTER_AVAILABLE, { rule: laterRule })).toEqual([
      expect.objectContaining({
        type: "deduct",
        source: "refund",
        points: -6,
        shortfall: 0,
        availableAt: AFTER_AVAILABLE,
        expiresAt: null,
      }),
    ]);
  });

  it("stops a deduction at zero and records the shortfall, once", () => {
    const entries = reconcile(refunded, earned(), AFTER_AVAILABLE, { availableBalance: 2 });
    expect(entries).toEqual([expect.objectContaining({ type: "deduct", points: -2, shortfall: 4 })]);
    expect(reconcile(refunded, [...earned(), ...entries], AFTER_AVAILABLE, { availableBalance: 0 })).toEqual([]);
  });

  it("reverses at the multiplier the points were earned with", () => {
    const gold = earned({ multiplierBasisPoints: 15_000 }); // 10 x 1.5 = 15
    expect(gold[0].points).toBe(15);
    // Refunded to 40.00: 4 x 1.5 = 6 points kept, although the member lost the tier since.
    expect(reconcile(refunded, gold, AFTER_AVAILABLE, { multiplierBasisPoints: 10_000 })).toEqual([
      expect.objectContaining({ type: "deduct", points: -9 }),
    ]);
  });

  it("voids the pending entry when the order is cancelled before availability", () => {
    expect(reconcile(state(10000n, { cancelled: true }), earned(), WHILE_PENDING)).toEqual([
      expect.objectContaining({ type: "void", source: "order", points: -10, reason: "order cancelled", availableAt: AVAILABLE }),
    ]);
  });

  it("deducts when the order is cancelled after availability", () => {
    expect(reconcile(state(10000n, { cancelled: true }), earned(), AFTER_AVAILABLE)).toEqual([
      expect.objectContaining({
        type: "deduct",
        source: "order",
        points: -10,
        reason: "order cancelled",
        availableAt: AFTER_AVAILABLE,
      }),
    ]);
  });

  it("treats an order edited down like a refund", () => {
    expect(reconcile(state(7000n), earned(), WHILE_PENDING)).toEqual([
      expect.objectContaining({ type: "void", source: "order", points: -3, reason: "order edited" }),
    ]);
  });

  it("keeps the corrected batch's expiry date on a void", () => {
    const entries = reconcile(refunded, earned({ settings: SETTINGS_BATCH }), WHILE_PENDING, { settings: SETTINGS_BATCH });
    expect(entries[0].expiresAt).toEqual(at("2025-03-15T10:00:00Z"));
  });
});

describe("reconcileOrder: edits up", () => {
  it("adds points pending with the order's pending points", () => {
    expect(reconcile(state(15000n), earned(), WHILE_PENDING)).toEqual([
      expect.objectContaining({
        sourceKey: `order:${ORDER}:adjust:1`,
        type: "earn",
        points: 5,
        reason: "order edited",
        availableAt: AVAILABLE,
      }),
    ]);
  });

  it("starts a new pending period once the order's points are available", () => {
    expect(reconcile(state(15000n), earned(), AFTER_AVAILABLE)).toEqual([
      expect.objectContaining({ type: "earn", points: 5, availableAt: at("2024-04-15T00:00:00Z") }),
    ]);
  });

  it("voids what is still pending and deducts the rest when the order is then cancelled", () => {
    const ledger = [...earned(), ...reconcile(state(15000n), earned(), AFTER_AVAILABLE)];
    const cancelledAt = at("2024-04-05T00:00:00Z");
    expect(reconcile(state(15000n, { cancelled: true }), ledger, cancelledAt)).toEqual([
      expect.objectContaining({
        sourceKey: `order:${ORDER}:adjust:2`,
        type: "void",
        points: -5,
        availableAt: at("2024-04-15T00:00:00Z"),
      }),
      expect.objectContaining({ sourceKey: `order:${ORDER}:adjust:3`, type: "deduct", points: -10, availableAt: cancelledAt }),
    ]);
  });

  it("numbers corrections, so going back to an earlier total is a new entry", () => {
    let ledger = earned();
    for (const base of [5000n, 10000n, 5000n]) ledger = [...ledger, ...reconcile(state(base), ledger, AFTER_AVAILABLE)];
    expect(ledger.map((entry) => [entry.sourceKey.replace(`order:${ORDER}:`, ""), entry.points])).toEqual([
      ["earn", 10],
      ["adjust:1", -5],
      ["adjust:2", 5],
      ["adjust:3", -5],
    ]);
  });
});

describe("reconcileOrder, property-style", () => {
  const ORDERS = ["gid://shopify/Order/1", "gid://shopify/Order/2"];

  interface Delivery {
    updatedAt: number;
    order: OrderState;
  }

  /** A plausible life of an order: edits and refunds move the base; a cancellation is final. */
  function history(gid: string, random: () => number): Delivery[] {
    const deliveries: Delivery[] = [];
    let base = BigInt(1000 + Math.floor(random() * 49_000));
    let cancelled = false;
    let refunded = false;
    let updatedAt = PROCESSED.getTime();
    for (let i = 0, n = 1 + Math.floor(random() * 7); i < n; i++) {
      deliveries.push({ updatedAt, order: state(base, { gid, cancelled, refunded }) });
      updatedAt += 1 + Math.floor(random() * 3 * DAY_MS);
      const step = random();
      if (step < 0.15) cancelled = true;
      else if (step < 0.6) {
        refunded = true;
        base = (base * BigInt(Math.floor(random() * 100))) / 100n;
      } else base = BigInt(Math.floor(random() * 50_000));
    }
    return deliveries;
  }

  function shuffle<T>(items: T[], random: () => number): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }

  class Ledger {
    readonly entries: LedgerEntry[] = [];
    private readonly keys = new Set<string>();

    add(entries: LedgerEntry[]): void {
      for (const entry of entries) {
        // The database's unique (shop, sourceKey): a second entry for one source is a bug here.
        expect(this.keys.has(entry.sourceKey), entry.sourceKey).toBe(false);
        this.keys.add(entry.sourceKey);
        this.entries.push(entry);
      }
    }

    of(gid: string): LedgerEntry[] {
      return this.entries.filter((entry) => entry.orderGid === gid);
    }

    available(now: Date): number {
      return balancesAt(this.entries, now).available;
    }
  }

  function target(order: OrderState, ledger: Ledger): number {
    const rate = ledger.of(order.gid).find((entry) => entry.type === "earn")?.rate;
    return order.cancelled || !rate ? 0 : purchasePoints(order.base, rate, rate.multiplierBasisPoints);
  }

  it("reaches the newest state's points for any delivery order, duplicates and spending in between", () => {
    for (let seed = 1; seed <= 400; seed++) {
      const random = seededRandom(seed);
      const deliveries = ORDERS.flatMap((gid) => history(gid, random));
      const arrivals = shuffle([...deliveries, ...deliveries.filter(() => random() < 0.5)], random);
      const stored = new Map<string, Delivery>();
      const ledger = new Ledger();
      let now = PROCESSED.getTime();
      const step = (gid: string) =>
        reconcile(stored.get(gid)!.order, ledger.of(gid), new Date(now), {
          multiplierBasisPoints: random() < 0.5 ? 10_000 : 12_500, // the member's tier may change between deliveries
          availableBalance: ledger.available(new Date(now)),
        });

      for (const [i, delivery] of arrivals.entries()) {
        const gid = delivery.order.gid;
        // The sync keeps the newest state by updated_at; reconcileOrder always sees that.
        if ((stored.get(gid)?.updatedAt ?? -Infinity) <= delivery.updatedAt) stored.set(gid, delivery);
        now += Math.floor(random() * 4 * DAY_MS);
        if (random() < 0.3) {
          const spent = Math.floor(random() * (ledger.available(new Date(now)) + 1));
          const redeem = {
            sourceKey: `reward:${i}`,
            memberGid: MEMBER,
            type: "redeem",
            source: "reward",
            points: -spent,
            reason: "test",
            createdAt: new Date(now),
          } as const;
          if (spent > 0) ledger.add([ledgerEntry(redeem)]);
        }
        ledger.add(step(gid));
        expect(ledger.available(new Date(now))).toBeGreaterThanOrEqual(0);
      }

      for (const gid of ORDERS) {
        const newest = deliveries.filter((d) => d.order.gid === gid).at(-1)!;
        expect(stored.get(gid)).toBe(newest);
        expect(step(gid), `seed ${seed}: replay`).toEqual([]);
        const accounted = ledger.of(gid).reduce((sum, entry) => sum + requestedPoints(entry), 0);
        expect(accounted, `seed ${seed}`).toBe(target(newest.order, ledger));
        expect(ledger.of(gid).filter((entry) => entry.sourceKey.endsWith(":earn")).length).toBeLessThanOrEqual(1);
      }
      expect(ledger.available(new Date(now + 400 * DAY_MS))).toBeGreaterThanOrEqual(0); // every void nets out
    }
  });

  it("lands on the last state's points whatever states came before, in any order, repeated", () => {
    for (let seed = 1; seed <= 400; seed++) {
      const random = seededRandom(seed);
      const states = Array.from({ length: 1 + Math.floor(random() * 10) }, () =>
        state(BigInt(Math.floor(random() * 40_000)), { cancelled: random() < 0.2, refunded: random() < 0.5 }),
      );
      const ledger = new Ledger();
      let now = PROCESSED.getTime();
      for (const order of [...states, ...shuffle([...states], random)]) {
        now += Math.floor(random() * 5 * DAY_MS);
        ledger.add(reconcile(order, ledger.of(ORDER), new Date(now)));
      }
      const last = states[0];
      ledger.add(reconcile(last, ledger.of(ORDER), new Date(now)));
      expect(reconcile(last, ledger.of(ORDER), new Date(now))).toEqual([]);
      const accounted = ledger.of(ORDER).reduce((sum, entry) => sum + requestedPoints(entry), 0);
      expect(accounted, `seed ${seed}`).toBe(target(last, ledger));
    }
  });
});

describe("bonusEntry", () => {
  const rule = (kind: BonusRule["kind"], extra: Partial<BonusRule> = {}): BonusRule => ({
    id: `rule-${kind}`,
    version: 2,
    kind,
    points: 50,
    effectiveFrom: at("2024-01-01T00:00:00Z"),
    retiredAt: null,
    ...extra,
  });
  const now = at("2024-06-01T08:00:00Z");

  it("credits a once-per-member bonus, available at once", () => {
    expect(bonusEntry({ rule: rule("signup"), memberGid: MEMBER, expiry: SETTINGS_NEVER.expiry, now })).toEqual({
      sourceKey: `rule:signup:${MEMBER}`,
      memberGid: MEMBER,
      type: "earn",
      source: "rule",
      points: 50,
      shortfall: 0,
      reason: "signup",
      orderGid: null,
      rule: { id: "rule-signup", version: 2 },
      rate: null,
      actor: null,
      createdAt: now,
      availableAt: now,
      expiresAt: null,
    });
    expect(
      bonusEntry({ rule: rule("first_order"), memberGid: MEMBER, occurrence: ORDER, expiry: SETTINGS_NEVER.expiry, now })
        .sourceKey,
    ).toBe(`rule:first_order:${MEMBER}`);
  });

  it("keys a birthday by year and a custom action by rule and occurrence", () => {
    const birthday = bonusEntry({
      rule: rule("birthday"),
      memberGid: MEMBER,
      occurrence: "2024",
      expiry: SETTINGS_BATCH.expiry,
      now,
    });
    expect(birthday.sourceKey).toBe(`rule:birthday:${MEMBER}:2024`);
    expect(birthday.expiresAt).toEqual(at("2025-06-01T08:00:00Z"));
    const review = bonusEntry({
      rule: rule("custom", { name: "Product review" }),
      memberGid: MEMBER,
      occurrence: "review-9",
      expiry: SETTINGS_NEVER.expiry,
      now,
    });
    expect(review).toMatchObject({ sourceKey: `rule:custom:rule-custom:${MEMBER}:review-9`, reason: "Product review" });
  });

  it("refuses a repeatable bonus without its occurrence", () => {
    expect(() => bonusEntry({ rule: rule("birthday"), memberGid: MEMBER, expiry: SETTINGS_NEVER.expiry, now })).toThrow(
      RangeError,
    );
  });
});
