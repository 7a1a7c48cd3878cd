import { describe, expect, it } from "vitest";
import {
  BASIC_CODE_MUTATION,
  CODE_ALPHABET,
  FREE_SHIPPING_CODE_MUTATION,
  generateDiscountCode,
  rewardCodeMutation,
} from "./codes";
import type { Reward } from "./program";
import { at } from "./test-helpers";

const bytes =
  (...values: number[]) =>
  () =>
    Uint8Array.from(values);

describe("generateDiscountCode", () => {
  it("draws 10 characters from the caller's random bytes", () => {
    expect(generateDiscountCode(bytes(0, 1, 2, 3, 4, 5, 6, 7, 8, 9))).toBe("CB-23456789AB");
    // The low 5 bits of each byte pick the character: 31 and 255 are the last, 32 wraps to the first.
    expect(generateDiscountCode(bytes(31, 255, 32, 0, 0, 0, 0, 0, 0, 0))).toBe("CB-ZZ22222222");
  });

  it("uses 32 distinct characters without 0, O, 1 or I", () => {
    expect(new Set(CODE_ALPHABET).size).toBe(32);
    expect(CODE_ALPHABET).not.toMatch(/[0O1I]/);
  });

  it("refuses a random source that gives too few bytes", () => {
    expect(() => generateDiscountCode(bytes(1, 2, 3))).toThrow(RangeError);
  });
});

describe("rewardCodeMutation", () => {
  const customerGid = "gid://shopify/Customer/7";
  const now = at("2024-06-01T12:00:00Z");
  const common = {
    startsAt: "2024-06-01T12:00:00.000Z",
    endsAt: "2024-07-01T12:00:00.000Z",
    context: { customers: { add: [customerGid] } },
    usageLimit: 1,
    appliesOncePerCustomer: true,
    combinesWith: { orderDiscounts: false, productDiscounts: false, shippingDiscounts: false },
  };

  it("creates a fixed amount off for one customer, once, for the reward's days", () => {
    const reward: Reward = {
      id: "five",
      name: "5.00 EUR off",
      kind: "fixed_amount",
      value: 500n,
      pointsCost: 500,
      validDays: 30,
    };
    expect(rewardCodeMutation({ reward, code: "CB-23456789AB", customerGid, currency: "EUR", now })).toEqual({
      query: BASIC_CODE_MUTATION,
      variables: {
        basicCodeDiscount: {
          title: "Loyalty reward: 5.00 EUR off (CB-23456789AB)",
          code: "CB-23456789AB",
          ...common,
          customerGets: { value: { discountAmount: { amount: "5.00", appliesOnEachItem: false } }, items: { all: true } },
        },
      },
    });
    expect(BASIC_CODE_MUTATION).toContain("discountCodeBasicCreate(basicCodeDiscount: $basicCodeDiscount)");
  });

  it("creates a percentage off with a minimum subtotal, in a 3-decimal currency", () => {
    const reward: Reward = {
      id: "ten",
      name: "10 % off",
      kind: "percentage",
      percent: 10,
      pointsCost: 800,
      validDays: 30,
      minimumOrder: 25_000n,
    };
    const { query, variables } = rewardCodeMutation({ reward, code: "CB-X", customerGid, currency: "KWD", now });
    expect(query).toBe(BASIC_CODE_MUTATION);
    expect(variables).toEqual({
      basicCodeDiscount: {
        title: "Loyalty reward: 10 % off (CB-X)",
        code: "CB-X",
        ...common,
        minimumRequirement: { subtotal: { greaterThanOrEqualToSubtotal: "25.000" } },
        customerGets: { value: { percentage: 0.1 }, items: { all: true } },
      },
    });
  });

  it("creates free shipping to every destination, with its minimum order in yen", () => {
    const reward: Reward = {
      id: "ship",
      name: "Free shipping",
      kind: "free_shipping",
      pointsCost: 300,
      validDays: 7,
      minimumOrder: 5000n,
    };
    expect(rewardCodeMutation({ reward, code: "CB-Y", customerGid, currency: "JPY", now })).toEqual({
      query: FREE_SHIPPING_CODE_MUTATION,
      variables: {
        freeShippingCodeDiscount: {
          title: "Loyalty reward: Free shipping (CB-Y)",
          code: "CB-Y",
          ...common,
          endsAt: "2024-06-08T12:00:00.000Z",
          minimumRequirement: { subtotal: { greaterThanOrEqualToSubtotal: "5000" } },
          destination: { all: true },
        },
      },
    });
    expect(FREE_SHIPPING_CODE_MUTATION).toContain(
      "discountCodeFreeShippingCreate(freeShippingCodeDiscount: $freeShippingCodeDiscount)",
    );
  });
});
