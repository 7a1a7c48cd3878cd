import { describe, expect, it } from "vitest";
import { syntheticOrders, type SyntheticMoneySet, type SyntheticOrderLine } from "../demo/synthetic-history";
import { orderFromBulkLine } from "./bulk-order";
import { PayloadError } from "./payloads";
import type { OrderRecord } from "./records";

const history = (currency: string) => [
  ...syntheticOrders({
    customers: 200,
    start: new Date("2024-01-01T00:00:00Z"),
    end: new Date("2025-01-01T00:00:00Z"),
    seed: 3,
    currency,
  }),
];
const eur = history("EUR");

/** "54.90" -> 5490n, independently of money.ts. */
const minor = (set: SyntheticMoneySet) => BigInt(set.shopMoney.amount.replace(".", ""));

/** What every field of a synthetic line should become. */
function expected(line: SyntheticOrderLine): OrderRecord {
  const refunds = line.refunds.map((refund) => ({
    gid: refund.id,
    orderGid: line.id,
    processedAt: new Date(refund.createdAt),
    amount: minor(refund.totalRefundedSet),
    lineSubtotalAmount: null,
  }));
  return {
    gid: line.id,
    name: line.name,
    processedAt: new Date(line.processedAt),
    createdAt: new Date(line.createdAt),
    updatedAt: new Date(line.updatedAt),
    cancelledAt: line.cancelledAt === null ? null : new Date(line.cancelledAt),
    test: line.test,
    sourceName: line.sourceName,
    financialStatus: line.displayFinancialStatus.toLowerCase(),
    currency: line.currencyCode,
    presentmentCurrency: line.presentmentCurrencyCode,
    totalAmount: minor(line.totalPriceSet),
    subtotalAmount: minor(line.subtotalPriceSet),
    currentSubtotalAmount: minor(line.currentSubtotalPriceSet),
    discountAmount: minor(line.totalDiscountsSet),
    shippingAmount: minor(line.totalShippingPriceSet),
    taxAmount: minor(line.totalTaxSet),
    refundedAmount: minor(line.totalRefundedSet),
    customer: line.customer && {
      gid: line.customer.id,
      createdAt: new Date(line.customer.createdAt),
      ...(line.customer.updatedAt && {
        profile: {
          firstName: line.customer.firstName!,
          lastName: line.customer.lastName!,
          email: line.customer.defaultEmailAddress!.emailAddress,
          marketingConsent: line.customer.defaultEmailAddress!.marketingState.toLowerCase(),
          marketingConsentAt: null,
          updatedAt: new Date(line.customer.updatedAt),
        },
      }),
    },
    refunds,
  };
}

const money = (amount: string) => ({ shopMoney: { amount } });

/** A line as Shopify's bulk export writes it for a small JPY order with one refund. */
const graphqlLine = {
  id: "gid://shopify/Order/9007199254740993",
  name: "#1001",
  createdAt: "2024-03-01T10:00:00Z",
  updatedAt: "2024-03-05T12:00:00Z",
  processedAt: "2024-03-01T10:00:00Z",
  cancelledAt: null,
  test: false,
  sourceName: "pos",
  currencyCode: "JPY",
  presentmentCurrencyCode: "JPY",
  displayFinancialStatus: "PARTIALLY_REFUNDED",
  customer: { id: "gid://shopify/Customer/9007199254740995", createdAt: "2023-12-24T08:00:00Z" },
  totalPriceSet: money("5500"),
  subtotalPriceSet: money("5000"),
  currentSubtotalPriceSet: money("3000"),
  totalDiscountsSet: money("0"),
  totalShippingPriceSet: money("0"),
  totalTaxSet: money("500"),
  totalRefundedSet: money("2200"),
  refunds: [{ id: "gid://shopify/Refund/9007199254740997", createdAt: "2024-03-05T12:00:00Z", totalRefundedSet: money("2200") }],
};

describe("orderFromBulkLine", () => {
  it("maps every field of every synthetic line", () => {
    for (const line of eur) expect(orderFromBulkLine(line)).toEqual(expected(line));
  });

  it("maps the customers' names and e-mails when the lines carry them", () => {
    const withProfiles = [
      ...syntheticOrders({
        customers: 50,
        start: new Date("2024-01-01T00:00:00Z"),
        end: new Date("2025-01-01T00:00:00Z"),
        seed: 3,
        profiles: true,
      }),
    ];
    const mapped = withProfiles.map(orderFromBulkLine);
    expect(mapped).toEqual(withProfiles.map(expected));
    const profiles = mapped.flatMap((order) => (order.customer?.profile ? [order.customer.profile] : []));
    expect(profiles.length).toBe(mapped.filter((order) => order.customer).length);
    expect(profiles[0]!.email).toMatch(/^[a-z]+\.[a-z]+\.\d+@example\.com$/);
    // The profiles draw nothing from the history's random stream: the orders are the same without them.
    const plain = [
      ...syntheticOrders({
        customers: 50,
        start: new Date("2024-01-01T00:00:00Z"),
        end: new Date("2025-01-01T00:00:00Z"),
        seed: 3,
      }),
    ];
    expect(plain.map((line) => line.totalPriceSet)).toEqual(withProfiles.map((line) => line.totalPriceSet));
  });

  it("maps a customer's profile and e-mail marketing consent from a GraphQL line, and a missing e-mail or name as null", () => {
    const customer = {
      ...graphqlLine.customer,
      updatedAt: "2024-02-01T09:00:00Z",
      firstName: "Aiko",
      lastName: null,
      defaultEmailAddress: {
        emailAddress: "aiko@example.com",
        marketingState: "SUBSCRIBED",
        marketingUpdatedAt: "2024-01-15T10:00:00Z",
      },
    };
    expect(orderFromBulkLine({ ...graphqlLine, customer }).customer).toEqual({
      gid: "gid://shopify/Customer/9007199254740995",
      createdAt: new Date("2023-12-24T08:00:00Z"),
      profile: {
        firstName: "Aiko",
        lastName: null,
        email: "aiko@example.com",
        // As the consent webhook writes it.
        marketingConsent: "subscribed",
        marketingConsentAt: new Date("2024-01-15T10:00:00Z"),
        updatedAt: new Date("2024-02-01T09:00:00Z"),
      },
    });
    expect(
      orderFromBulkLine({ ...graphqlLine, customer: { ...customer, defaultEmailAddress: null } }).customer!.profile,
    ).toMatchObject({ email: null, marketingConsent: null, marketingConsentAt: null });
  });

  it("maps lines of a currency without decimals", () => {
    for (const line of history("JPY").slice(0, 50)) expect(orderFromBulkLine(line)).toEqual(expected(line));
  });

  it("covers refunded, split-refunded, cancelled and guest lines", () => {
    expect(eur.some((line) => line.refunds.length === 2)).toBe(true);
    expect(eur.some((line) => line.cancelledAt !== null)).toBe(true);
    expect(eur.some((line) => line.customer === null)).toBe(true);
  });

  it("maps a GraphQL line", () => {
    expect(orderFromBulkLine(graphqlLine)).toEqual({
      gid: "gid://shopify/Order/9007199254740993",
      name: "#1001",
      processedAt: new Date("2024-03-01T10:00:00Z"),
      createdAt: new Date("2024-03-01T10:00:00Z"),
      updatedAt: new Date("2024-03-05T12:00:00Z"),
      cancelledAt: null,
      test: false,
      sourceName: "pos",
      financialStatus: "partially_refunded",
      currency: "JPY",
      presentmentCurrency: "JPY",
      totalAmount: 5500n,
      subtotalAmount: 5000n,
      currentSubtotalAmount: 3000n,
      discountAmount: 0n,
      shippingAmount: 0n,
      taxAmount: 500n,
      refundedAmount: 2200n,
      customer: { gid: "gid://shopify/Customer/9007199254740995", createdAt: new Date("2023-12-24T08:00:00Z") },
      refunds: [
        {
          gid: "gid://shopify/Refund/9007199254740997",
          orderGid: "gid://shopify/Order/9007199254740993",
          processedAt: new Date("2024-03-05T12:00:00Z"),
          amount: 2200n,
          lineSubtotalAmount: null,
        },
      ],
    });
  });

  it("sums the refunds into the refunded amount", () => {
    const line = {
      ...graphqlLine,
      refunds: [
        graphqlLine.refunds[0],
        { ...graphqlLine.refunds[0], id: "gid://shopify/Refund/2", totalRefundedSet: money("800") },
      ],
    };
    expect(orderFromBulkLine(line).refundedAmount).toBe(3000n);
  });

  it("takes the subtotal as current subtotal when the line has none", () => {
    const { currentSubtotalPriceSet: _, ...withoutCurrent } = graphqlLine;
    expect(orderFromBulkLine(withoutCurrent).currentSubtotalAmount).toBe(5000n);
    expect(orderFromBulkLine({ ...graphqlLine, currentSubtotalPriceSet: null }).currentSubtotalAmount).toBe(5000n);
  });

  it("maps a minimal line: optional fields null, amounts zero, no refunds", () => {
    const { id, updatedAt, currencyCode, totalPriceSet } = graphqlLine;
    expect(orderFromBulkLine({ id, updatedAt, currencyCode, totalPriceSet })).toMatchObject({
      name: null,
      processedAt: null,
      createdAt: null,
      cancelledAt: null,
      test: false,
      sourceName: null,
      financialStatus: null,
      presentmentCurrency: null,
      subtotalAmount: 0n,
      currentSubtotalAmount: 0n,
      discountAmount: 0n,
      shippingAmount: 0n,
      taxAmount: 0n,
      refundedAmount: 0n,
      customer: null,
      refunds: [],
    });
  });

  it.each([
    ["id", { id: undefined }],
    ["id", { id: "gid://shopify/Customer/1" }],
    ["updatedAt", { updatedAt: "soon" }],
    ["currencyCode", { currencyCode: "YEN!" }],
    ["totalPriceSet", { totalPriceSet: null }],
    ["totalPriceSet.shopMoney.amount", { totalPriceSet: { shopMoney: { amount: null } } }],
    ["totalTaxSet.shopMoney", { totalTaxSet: { amount: "500" } }],
    ["refunds.0.totalRefundedSet", { refunds: [{ id: "gid://shopify/Refund/1", createdAt: "2024-03-05T12:00:00Z" }] }],
    ["customer.id", { customer: { id: "9007199254740995" } }],
    ["customer.updatedAt", { customer: { ...graphqlLine.customer, updatedAt: "later" } }],
    ["customer.firstName", { customer: { ...graphqlLine.customer, updatedAt: "2024-02-01T09:00:00Z", firstName: 7 } }],
    [
      "customer.defaultEmailAddress.emailAddress",
      { customer: { ...graphqlLine.customer, updatedAt: "2024-02-01T09:00:00Z", defaultEmailAddress: { emailAddress: 1 } } },
    ],
    [
      "customer.defaultEmailAddress.marketingUpdatedAt",
      {
        customer: {
          ...graphqlLine.customer,
          updatedAt: "2024-02-01T09:00:00Z",
          defaultEmailAddress: { emailAddress: "a@example.com", marketingState: "SUBSCRIBED", marketingUpdatedAt: "then" },
        },
      },
    ],
    // Out of the bounds of bounds.ts (yen have no decimals): refused like a malformed value.
    ["totalPriceSet.shopMoney.amount", { totalPriceSet: { shopMoney: { amount: "100000000001" } } }],
    ["subtotalPriceSet.shopMoney.amount", { subtotalPriceSet: { shopMoney: { amount: "-99999999999999999999.00" } } }],
    [
      "refunds.0.totalRefundedSet.shopMoney.amount",
      {
        refunds: [
          {
            id: "gid://shopify/Refund/1",
            createdAt: "2024-03-05T12:00:00Z",
            totalRefundedSet: { shopMoney: { amount: "200000000000" } },
          },
        ],
      },
    ],
    [
      "refunds",
      {
        refunds: [1, 2].map((i) => ({
          id: `gid://shopify/Refund/${i}`,
          createdAt: "2024-03-05T12:00:00Z",
          totalRefundedSet: { shopMoney: { amount: "60000000000" } },
        })),
      },
    ],
    ["processedAt", { processedAt: "1989-12-31T23:59:59Z" }],
    ["updatedAt", { updatedAt: "2999-01-01T00:00:00Z" }],
    ["cancelledAt", { cancelledAt: "+275760-09-13T00:00:00Z" }],
    [
      "refunds.0.createdAt",
      {
        refunds: [
          {
            id: "gid://shopify/Refund/1",
            createdAt: "1970-01-01T00:00:00Z",
            totalRefundedSet: { shopMoney: { amount: "1.00" } },
          },
        ],
      },
    ],
    ["name", { name: "#1\u0000" }],
    ["customer.lastName", { customer: { ...graphqlLine.customer, updatedAt: "2024-02-01T09:00:00Z", lastName: "\ud800" } }],
  ])("rejects a bad %s with a PayloadError naming it", (field, change) => {
    const run = () => orderFromBulkLine({ ...graphqlLine, ...change });
    expect(run).toThrow(PayloadError);
    expect(run).toThrow(new RegExp(`^${field.replaceAll(".", "\\.")}: `));
  });
});
