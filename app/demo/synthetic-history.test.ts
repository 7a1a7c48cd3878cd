import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { syntheticJsonl, syntheticOrders, type SyntheticHistoryOptions, type SyntheticOrderLine } from "./synthetic-history";

const EXAMPLE_LINE =
  '{"id":"gid://shopify/Order/5000000000001","name":"#1001","createdAt":"2024-03-01T10:00:00Z","updatedAt":"2024-03-01T10:00:00Z","processedAt":"2024-03-01T10:00:00Z","cancelledAt":null,"test":false,"sourceName":"web","currencyCode":"EUR","presentmentCurrencyCode":"EUR","displayFinancialStatus":"PAID","customer":{"id":"gid://shopify/Customer/7000000000001","createdAt":"2024-03-01T09:58:00Z"},"totalPriceSet":{"shopMoney":{"amount":"54.90"}},"subtotalPriceSet":{"shopMoney":{"amount":"45.00"}},"currentSubtotalPriceSet":{"shopMoney":{"amount":"45.00"}},"totalDiscountsSet":{"shopMoney":{"amount":"5.00"}},"totalShippingPriceSet":{"shopMoney":{"amount":"4.90"}},"totalTaxSet":{"shopMoney":{"amount":"5.00"}},"totalRefundedSet":{"shopMoney":{"amount":"0.00"}},"refunds":[]}';
const MONEY_KEYS = [
  "totalPriceSet",
  "subtotalPriceSet",
  "currentSubtotalPriceSet",
  "totalDiscountsSet",
  "totalShippingPriceSet",
  "totalTaxSet",
  "totalRefundedSet",
] as const;
const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

const start = new Date("2022-01-01T00:00:00Z");
const end = new Date("2025-01-01T00:00:00Z");
const demo: SyntheticHistoryOptions = { customers: 5000, start, end, seed: 42 };
const lines = [...syntheticJsonl(demo)];
const orders = lines.map((line) => JSON.parse(line) as SyntheticOrderLine);

/** "54.90" -> 5490n, checking the amount is an exact decimal with the currency's digits. */
function minor(amount: string, digits = 2): bigint {
  const pattern = digits === 0 ? /^\d+$/ : new RegExp(`^\\d+\\.\\d{${digits}}$`);
  expect(amount).toMatch(pattern);
  return BigInt(amount.replace(".", ""));
}

function share(predicate: (order: SyntheticOrderLine) => boolean): number {
  return orders.filter(predicate).length / orders.length;
}

function expectNear(value: number, target: number, tolerance: number): void {
  expect(Math.abs(value - target), `${value} vs ${target}`).toBeLessThanOrEqual(tolerance);
}

function hash(options: SyntheticHistoryOptions): string {
  const digest = createHash("sha256");
  for (const line of syntheticJsonl(options)) digest.update(`${line}\n`);
  return digest.digest("hex");
}

describe("syntheticOrders", () => {
  it("is deterministic for a seed", () => {
    const small = { customers: 300, start, end, seed: 7 };
    expect(hash(small)).toBe(hash(small));
    expect(hash({ ...small, seed: 8 })).not.toBe(hash(small));
  });

  it("yields lines with exactly the keys of the bulk export", () => {
    const example = JSON.parse(EXAMPLE_LINE) as Record<string, unknown>;
    const refundKeys = ["id", "createdAt", "totalRefundedSet"];
    for (const line of lines) {
      expect(line).not.toContain("\n");
      const order = JSON.parse(line) as Record<string, unknown> & SyntheticOrderLine;
      expect(Object.keys(order)).toEqual(Object.keys(example));
      if (order.customer) expect(Object.keys(order.customer)).toEqual(["id", "createdAt"]);
      for (const refund of order.refunds) expect(Object.keys(refund)).toEqual(refundKeys);
    }
  });

  it("numbers orders sequentially with GIDs above 2^53, in processedAt order", () => {
    orders.forEach((order, index) => {
      expect(order.name).toBe(`#${1001 + index}`);
      expect(order.createdAt).toBe(order.processedAt);
      const id = BigInt(order.id.replace("gid://shopify/Order/", ""));
      expect(id > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
      if (index > 0) {
        expect(id).toBe(BigInt(orders[index - 1].id.replace("gid://shopify/Order/", "")) + 1n);
        expect(order.processedAt >= orders[index - 1].processedAt).toBe(true);
      }
    });
  });

  it("moves every id by idOffset and changes nothing else", () => {
    const small = { customers: 200, start, end, seed: 3 };
    const offset = 10n ** 10n;
    const shift = (text: string) =>
      text.replace(/(gid:\/\/shopify\/\w+\/)(\d+)/g, (_, kind, id) => `${kind}${BigInt(id) + offset}`);
    const plain = [...syntheticJsonl(small)];
    const moved = [...syntheticJsonl({ ...small, idOffset: offset })];
    expect(moved).toEqual(plain.map(shift));
    expect(moved.some((line, i) => line !== plain[i])).toBe(true);
  });

  it("keeps every time inside the window and updatedAt at the latest event", () => {
    const from = start.toISOString().replace(".000", "");
    const to = end.toISOString().replace(".000", "");
    for (const order of orders) {
      const times = [order.processedAt, order.cancelledAt, order.customer?.createdAt, ...order.refunds.map((r) => r.createdAt)];
      for (const time of times.filter((t): t is string => typeof t === "string")) {
        expect(time).toMatch(ISO_SECONDS);
        expect(time >= from && time <= to).toBe(true);
      }
      const events = [order.processedAt, order.cancelledAt ?? "", ...order.refunds.map((r) => r.createdAt)];
      expect(order.updatedAt).toBe(events.sort().at(-1));
      if (order.customer) expect(order.customer.createdAt <= order.processedAt).toBe(true);
    }
  });

  it("adds up money exactly in minor units", () => {
    for (const order of orders) {
      const [total, subtotal, currentSubtotal, discounts, shipping, tax, refunded] = MONEY_KEYS.map((key) =>
        minor(order[key].shopMoney.amount),
      );
      expect(total).toBe(subtotal + shipping + tax);
      expect(discounts < subtotal + discounts).toBe(true);
      expect(refunded <= total).toBe(true);
      expect(order.refunds.reduce((sum, refund) => sum + minor(refund.totalRefundedSet.shopMoney.amount), 0n)).toBe(refunded);
      expect(currentSubtotal <= subtotal).toBe(true);
      for (const refund of order.refunds) expect(refund.createdAt >= order.processedAt).toBe(true);
    }
  });

  it("keeps statuses consistent with cancellations and refunds", () => {
    for (const order of orders) {
      const total = minor(order.totalPriceSet.shopMoney.amount);
      const refunded = minor(order.totalRefundedSet.shopMoney.amount);
      const subtotal = minor(order.subtotalPriceSet.shopMoney.amount);
      const currentSubtotal = minor(order.currentSubtotalPriceSet.shopMoney.amount);
      switch (order.displayFinancialStatus) {
        case "PAID":
          expect([order.cancelledAt, refunded, currentSubtotal]).toEqual([null, 0n, subtotal]);
          break;
        case "VOIDED":
          expect(order.cancelledAt).not.toBeNull();
          expect([refunded, currentSubtotal]).toEqual([0n, 0n]);
          break;
        case "REFUNDED":
          expect([refunded, currentSubtotal]).toEqual([total, 0n]);
          break;
        case "PARTIALLY_REFUNDED":
          expect(order.cancelledAt).toBeNull();
          expect(refunded > 0n && refunded < total).toBe(true);
          expect(currentSubtotal > 0n && currentSubtotal < subtotal).toBe(true);
          break;
      }
    }
  });

  it("has realistic shares on 5,000 customers", () => {
    const perCustomer = new Map<string, number>();
    for (const order of orders) {
      if (order.customer) perCustomer.set(order.customer.id, (perCustomer.get(order.customer.id) ?? 0) + 1);
    }
    const customerOrders = [...perCustomer.values()];
    const repeatShare = customerOrders.filter((count) => count > 1).length / perCustomer.size;
    const ordersPerCustomer = customerOrders.reduce((sum, count) => sum + count, 0) / perCustomer.size;

    expect(perCustomer.size).toBe(5000);
    expect(repeatShare).toBeGreaterThanOrEqual(0.25);
    expect(repeatShare).toBeLessThanOrEqual(0.4);
    expect(ordersPerCustomer).toBeGreaterThanOrEqual(1.8);
    expect(ordersPerCustomer).toBeLessThanOrEqual(3);
    expect(Math.max(...customerOrders)).toBeGreaterThanOrEqual(20); // a few loyal customers
    expectNear(
      share((o) => o.cancelledAt !== null),
      0.03,
      0.007,
    );
    expectNear(
      share((o) => o.cancelledAt === null && o.refunds.length > 0),
      0.06,
      0.012,
    );
    expectNear(
      share((o) => o.test),
      0.005,
      0.004,
    );
    expectNear(
      share((o) => o.customer === null),
      0.05,
      0.01,
    );
    expect(share((o) => o.sourceName === "web")).toBeGreaterThan(0.8);
    expectNear(
      share((o) => o.totalDiscountsSet.shopMoney.amount !== "0.00"),
      0.2,
      0.02,
    );
  });

  it("puts the retail peak in November and December", () => {
    const byMonth = new Array<number>(12).fill(0);
    for (const order of orders) byMonth[Number(order.processedAt.slice(5, 7)) - 1]++;
    const [, , , , , , , august, , , november, december] = byMonth;
    expect(november).toBeGreaterThan(1.4 * august);
    expect(december).toBeGreaterThan(1.4 * august);
  });

  it("formats amounts with the currency's minor digits", () => {
    const yen = [...syntheticOrders({ customers: 50, start, end, currency: "JPY", firstOrderNumber: 1 })];
    expect(yen[0].name).toBe("#1");
    for (const order of yen) {
      expect(order.currencyCode).toBe("JPY");
      const [total, subtotal, , , shipping, tax] = MONEY_KEYS.map((key) => minor(order[key].shopMoney.amount, 0));
      expect(total).toBe(subtotal + shipping + tax);
    }
  });

  it("raises orders per customer with purchaseRateScale", () => {
    const perCustomer = (purchaseRateScale?: number) => {
      const counts = new Map<string, number>();
      for (const order of syntheticOrders({ customers: 2000, start, end, seed: 5, purchaseRateScale })) {
        if (order.customer) counts.set(order.customer.id, (counts.get(order.customer.id) ?? 0) + 1);
      }
      expect(counts.size).toBe(2000);
      return [...counts.values()].reduce((sum, count) => sum + count, 0) / counts.size;
    };
    const base = perCustomer();
    expect(perCustomer(1)).toBe(base); // the default, and the same history
    const scaled = perCustomer(2.45);
    // Repeat orders (those beyond the first) grow by about the factor, a little less: dropout is unchanged.
    expect(scaled - 1).toBeGreaterThan(1.8 * (base - 1));
    expect(scaled - 1).toBeLessThan(2.45 * (base - 1));
    expect(perCustomer(0.5)).toBeLessThan(base);
  });

  it("rejects invalid options", () => {
    expect(() => syntheticOrders({ customers: -1, start, end }).next()).toThrow(RangeError);
    expect(() => syntheticOrders({ customers: 1, start: end, end: start }).next()).toThrow(RangeError);
    expect(() => syntheticOrders({ customers: 1, start, end, guestShare: 1 }).next()).toThrow(RangeError);
    expect(() => syntheticOrders({ customers: 1, start, end, currency: "NOPE" }).next()).toThrow(RangeError);
    expect(() => syntheticOrders({ customers: 1, start, end, purchaseRateScale: 0 }).next()).toThrow(RangeError);
    expect(() => syntheticOrders({ customers: 1, start, end, purchaseRateScale: Number.NaN }).next()).toThrow(RangeError);
  });

  it("streams 200,000 orders without growing the heap", () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    const heapUsed = () => {
      gc?.();
      return process.memoryUsage().heapUsed;
    };
    const before = heapUsed();
    let peak = before;
    let count = 0;
    // ~2.5 orders per customer over 3 years: 90,000 customers are enough for 200,000 orders.
    for (const line of syntheticJsonl({ customers: 90_000, start, end, seed: 3 })) {
      if (line.length === 0) throw new Error("empty line");
      if (++count % 20_000 === 0) peak = Math.max(peak, heapUsed());
      if (count === 200_000) break;
    }
    expect(count).toBe(200_000);
    // Materialising 200k orders would take hundreds of MB; the heap of active customers takes a few.
    expect(peak - before).toBeLessThan((gc ? 32 : 96) * 1024 * 1024);
    // A memory test: about 2 s on an idle machine, several times that on a busy one.
  }, 60_000);
});
