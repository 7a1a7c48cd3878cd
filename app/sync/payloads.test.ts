import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseShopifyJson } from "../platform/shopify-json";
import {
  customerFromPayload,
  customerRedactSchema,
  dataRequestSchema,
  deletedGid,
  emailConsentFromPayload,
  orderFromPayload,
  parse,
  PayloadError,
  refundFromPayload,
  shopRedactSchema,
  uninstalledShopSchema,
} from "./payloads";
import type { OrderRecord, RefundRecord } from "./records";

// Payloads are plain JSON that the tests spoil freely.
type Json = any;

/** A fixture parsed fresh each time, so a test may change it. */
function fixture(topic: string): Json {
  return parseShopifyJson(readFileSync(new URL(`../../test/fixtures/webhooks/${topic}.json`, import.meta.url), "utf8"));
}

function expectPayloadError(run: () => unknown, field: string) {
  let error: unknown;
  try {
    run();
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(PayloadError);
  expect((error as Error).message.startsWith(`${field}: `), (error as Error).message).toBe(true);
}

const ORDER_GID = "gid://shopify/Order/820982911946154508";
const CUSTOMER_GID = "gid://shopify/Customer/706405506930370084";

const created: OrderRecord = {
  gid: ORDER_GID,
  name: "#9999",
  processedAt: new Date("2022-01-01T00:00:00Z"),
  createdAt: new Date("2022-01-01T00:00:00Z"),
  updatedAt: new Date("2022-01-01T00:00:00Z"),
  cancelledAt: null,
  test: true,
  sourceName: "web",
  financialStatus: "paid",
  currency: "USD",
  presentmentCurrency: "USD",
  totalAmount: 23998n,
  subtotalAmount: 22998n,
  currentSubtotalAmount: 22998n,
  discountAmount: 2000n,
  shippingAmount: 1000n,
  taxAmount: 0n,
  refundedAmount: 0n,
  customer: { gid: CUSTOMER_GID, createdAt: new Date("2022-01-01T00:00:00Z") },
  refunds: [],
  discountCodes: [{ code: "TWENTYOFF", amount: 2000n }],
};

// 82.79 of line items back, less the 7.79 refund discrepancy: 75.00 left the shop.
const refund: RefundRecord = {
  gid: "gid://shopify/Refund/890088186047892319",
  orderGid: ORDER_GID,
  processedAt: new Date("2022-01-03T15:00:00Z"),
  amount: 7500n,
  lineSubtotalAmount: 8279n,
};

const refunded: OrderRecord = {
  ...created,
  updatedAt: new Date("2022-01-03T15:00:00Z"),
  financialStatus: "partially_refunded",
  currentSubtotalAmount: 14719n,
  refundedAmount: 7500n,
  refunds: [refund],
};

describe("orderFromPayload", () => {
  it("maps orders/create", () => {
    expect(orderFromPayload(fixture("orders__create"))).toEqual(created);
  });

  it("maps orders/paid", () => {
    expect(orderFromPayload(fixture("orders__paid"))).toEqual({ ...created, updatedAt: new Date("2022-01-01T00:00:05Z") });
  });

  it("maps orders/updated with its refund normalised", () => {
    expect(orderFromPayload(fixture("orders__updated"))).toEqual(refunded);
  });

  it("maps orders/cancelled", () => {
    expect(orderFromPayload(fixture("orders__cancelled"))).toEqual({
      ...refunded,
      updatedAt: new Date("2022-01-04T14:00:00Z"),
      cancelledAt: new Date("2022-01-04T14:00:00Z"),
    });
  });

  it("takes shop money and ignores presentment money", () => {
    const order = fixture("orders__updated");
    const sets = [order, order.refunds[0], ...order.refunds[0].refund_line_items, ...order.refunds[0].order_adjustments];
    for (const owner of sets) {
      for (const [key, value] of Object.entries(owner as Record<string, Json>)) {
        if (key.endsWith("_set") && value?.presentment_money)
          value.presentment_money = { amount: "999.99", currency_code: "EUR" };
      }
    }
    order.presentment_currency = "EUR";
    expect(orderFromPayload(order)).toEqual({ ...refunded, presentmentCurrency: "EUR" });
  });

  it("falls back to the plain amount fields when the money sets are missing", () => {
    const order = fixture("orders__create");
    for (const key of ["total_price", "subtotal_price", "current_subtotal_price", "total_discounts", "total_tax"]) {
      delete order[`${key}_set`];
    }
    order.total_price = 239.98;
    expect(orderFromPayload(order)).toEqual(created);
  });

  it("counts missing amounts as zero and the current subtotal as the subtotal", () => {
    const order = fixture("orders__create");
    for (const key of ["current_subtotal_price", "total_discounts", "total_tax", "total_shipping_price"]) {
      delete order[key];
      delete order[`${key}_set`];
    }
    expect(orderFromPayload(order)).toMatchObject({
      currentSubtotalAmount: 22998n,
      discountAmount: 0n,
      shippingAmount: 0n,
      taxAmount: 0n,
    });
  });

  it("maps a guest order without optional fields", () => {
    const order = fixture("orders__create");
    for (const key of [
      "customer",
      "name",
      "created_at",
      "processed_at",
      "test",
      "source_name",
      "financial_status",
      "presentment_currency",
    ]) {
      delete order[key];
    }
    expect(orderFromPayload(order)).toEqual({
      ...created,
      customer: null,
      name: null,
      createdAt: null,
      processedAt: null,
      test: false,
      sourceName: null,
      financialStatus: null,
      presentmentCurrency: null,
    });
  });

  it.each([
    ["updated_at", (order: Json) => delete order.updated_at],
    ["updated_at", (order: Json) => (order.updated_at = "yesterday")],
    ["total_price_set.shop_money.amount", (order: Json) => (order.total_price_set.shop_money.amount = true)],
    ["total_price", (order: Json) => (order.total_price = { amount: "1" })],
    ["discount_codes.0.amount", (order: Json) => (order.discount_codes[0].amount = "lots")],
    ["discount_codes.0.code", (order: Json) => (order.discount_codes[0].code = "")],
    ["admin_graphql_api_id", (order: Json) => (order.admin_graphql_api_id = "820982911946154508")],
    ["admin_graphql_api_id", (order: Json) => (order.admin_graphql_api_id = "gid://shopify/Customer/820982911946154508")],
    ["currency", (order: Json) => (order.currency = "US")],
    ["currency", (order: Json) => delete order.currency],
    ["customer.admin_graphql_api_id", (order: Json) => (order.customer.admin_graphql_api_id = "706405506930370084")],
    ["refunds.0.created_at", (order: Json) => delete order.refunds[0].created_at],
    ["refunds.0.order_id", (order: Json) => (order.refunds[0].order_id = "#9999")],
  ])("rejects a bad %s with a PayloadError", (field, spoil) => {
    const order = fixture("orders__updated");
    spoil(order);
    expectPayloadError(() => orderFromPayload(order), field);
  });

  it("rejects a payload that is not an object", () => {
    expectPayloadError(() => orderFromPayload(null), "payload");
  });
});

describe("refundFromPayload", () => {
  it("maps refunds/create", () => {
    expect(refundFromPayload(fixture("refunds__create"), "USD")).toEqual(refund);
  });

  it("reads amounts with the decimals of the given currency", () => {
    expect(refundFromPayload(fixture("refunds__create"), "KWD")).toMatchObject({ amount: 75000n, lineSubtotalAmount: 82790n });
  });

  it("adds line tax and subtracts order adjustments (a negative shipping refund adds)", () => {
    const payload = fixture("refunds__create");
    payload.refund_line_items[0].subtotal_set.shop_money.amount = "10.00";
    payload.refund_line_items[0].total_tax_set.shop_money.amount = "1.90";
    payload.order_adjustments[0].amount_set.shop_money.amount = "-4.90";
    expect(refundFromPayload(payload, "USD")).toMatchObject({ amount: 1680n, lineSubtotalAmount: 1000n });
  });

  it("dates a refund by created_at when processed_at is missing", () => {
    const payload = fixture("refunds__create");
    payload.processed_at = null;
    payload.created_at = "2022-01-05T00:00:00Z";
    expect(refundFromPayload(payload, "USD").processedAt).toEqual(new Date("2022-01-05T00:00:00Z"));
  });

  it("is zero without line items or adjustments", () => {
    const payload = fixture("refunds__create");
    delete payload.refund_line_items;
    delete payload.order_adjustments;
    expect(refundFromPayload(payload, "USD")).toMatchObject({ amount: 0n, lineSubtotalAmount: 0n });
  });

  it.each([
    ["admin_graphql_api_id", (refund: Json) => (refund.admin_graphql_api_id = "gid://shopify/Order/890088186047892319")],
    ["order_id", (refund: Json) => delete refund.order_id],
    [
      "refund_line_items.0.subtotal_set.shop_money.amount",
      (refund: Json) => (refund.refund_line_items[0].subtotal_set.shop_money.amount = null),
    ],
    ["order_adjustments.0.amount_set.shop_money", (refund: Json) => delete refund.order_adjustments[0].amount_set.shop_money],
  ])("rejects a bad %s with a PayloadError", (field, spoil) => {
    const payload = fixture("refunds__create");
    spoil(payload);
    expectPayloadError(() => refundFromPayload(payload, "USD"), field);
  });
});

describe("customerFromPayload", () => {
  const bob = {
    gid: CUSTOMER_GID,
    createdAt: new Date("2022-01-01T00:00:00Z"),
    updatedAt: new Date("2022-01-01T00:00:00Z"),
    email: "bob@biller.com",
    firstName: "Bob",
    lastName: "Biller",
    marketingConsent: null,
    marketingConsentAt: null,
  };

  it("maps customers/create", () => {
    expect(customerFromPayload(fixture("customers__create"))).toEqual(bob);
  });

  it("maps customers/update", () => {
    expect(customerFromPayload(fixture("customers__update"))).toEqual({ ...bob, updatedAt: new Date("2022-01-02T14:30:00Z") });
  });

  it("reads the consent of payloads older than API 2025-01", () => {
    const customer = fixture("customers__create");
    customer.email_marketing_consent = {
      state: "subscribed",
      opt_in_level: "single_opt_in",
      consent_updated_at: "2021-12-31T20:00:00-05:00",
    };
    expect(customerFromPayload(customer)).toMatchObject({
      marketingConsent: "subscribed",
      marketingConsentAt: new Date("2022-01-01T01:00:00Z"),
    });
  });

  it.each([
    ["updated_at", (customer: Json) => delete customer.updated_at],
    ["admin_graphql_api_id", (customer: Json) => (customer.admin_graphql_api_id = "gid://shopify/Order/706405506930370084")],
    ["email", (customer: Json) => (customer.email = 42)],
  ])("rejects a bad %s with a PayloadError", (field, spoil) => {
    const customer = fixture("customers__create");
    spoil(customer);
    expectPayloadError(() => customerFromPayload(customer), field);
  });
});

describe("deletedGid", () => {
  it("maps orders/delete and customers/delete", () => {
    expect(deletedGid("Order", fixture("orders__delete"))).toBe(ORDER_GID);
    expect(deletedGid("Customer", fixture("customers__delete"))).toBe(CUSTOMER_GID);
  });

  it("rejects a missing or non-numeric id", () => {
    expectPayloadError(() => deletedGid("Order", {}), "id");
    expectPayloadError(() => deletedGid("Order", { id: "gid://shopify/Order/1" }), "id");
  });
});

describe("emailConsentFromPayload", () => {
  const body = `{
    "customer_id": 706405506930370084,
    "email_address": "bob@biller.com",
    "email_marketing_consent": { "state": "unsubscribed", "opt_in_level": "single_opt_in", "consent_updated_at": "2022-01-05T10:00:00-05:00" }
  }`;

  it("maps customers_email_marketing_consent/update", () => {
    expect(emailConsentFromPayload(parseShopifyJson(body))).toEqual({
      customerGid: CUSTOMER_GID,
      state: "unsubscribed",
      at: new Date("2022-01-05T15:00:00Z"),
    });
  });

  it("allows a consent without a date, or no consent at all", () => {
    const payload = parseShopifyJson(body) as Json;
    payload.email_marketing_consent.consent_updated_at = null;
    expect(emailConsentFromPayload(payload)).toEqual({ customerGid: CUSTOMER_GID, state: "unsubscribed", at: null });
    expect(emailConsentFromPayload({ customer_id: "706405506930370084", email_marketing_consent: null })).toEqual({
      customerGid: CUSTOMER_GID,
      state: null,
      at: null,
    });
  });

  it("rejects a missing customer_id or state", () => {
    const payload = parseShopifyJson(body) as Json;
    delete payload.email_marketing_consent.state;
    expectPayloadError(() => emailConsentFromPayload(payload), "email_marketing_consent.state");
    delete payload.customer_id;
    expectPayloadError(() => emailConsentFromPayload(payload), "customer_id");
  });
});

describe("compliance payloads", () => {
  it("keep customer and order ids exact", () => {
    expect(parse(customerRedactSchema, fixture("customers__redact"))).toMatchObject({
      customer: { id: "706405506930370084" },
      orders_to_redact: ["820982911946154508"],
    });
    expect(parse(dataRequestSchema, fixture("customers__data_request"))).toMatchObject({
      orders_requested: ["820982911946154508"],
      data_request: { id: "9999" },
    });
  });
});

describe("bounds", () => {
  const money = (amount: string) => ({ shop_money: { amount, currency_code: "USD" } });
  it.each([
    ["total_price_set", { total_price_set: money("1000000000.01") }],
    ["subtotal_price_set", { subtotal_price_set: undefined, subtotal_price: "-1000000000.01" }],
    ["total_price_set", { total_price_set: money("9".repeat(2_000_000)) }],
    [
      "refunds total",
      {
        refunds: [1, 2].map(() => ({
          ...fixture("refunds__create"),
          refund_line_items: [{ subtotal_set: money("600000000.00") }],
        })),
      },
    ],
    ["processed_at", { processed_at: "1989-12-31T23:59:59Z" }],
    ["updated_at", { updated_at: new Date(Date.now() + 2 * 86_400_000).toISOString() }],
    ["cancelled_at", { cancelled_at: "+275760-09-13T00:00:00Z" }],
  ])("refuses an order whose %s is out of range", (field, change) => {
    expectPayloadError(() => orderFromPayload({ ...fixture("orders__create"), ...change }), field);
  });

  it("takes the largest amount the range holds, in any currency's decimals", () => {
    expect(orderFromPayload({ ...fixture("orders__create"), total_price_set: money("1000000000.00") }).totalAmount).toBe(
      100_000_000_000n,
    );
    expectPayloadError(
      () =>
        refundFromPayload({ ...fixture("refunds__create"), order_adjustments: [{ amount_set: money("100000000.001") }] }, "KWD"),
      "order_adjustments.0.amount_set",
    );
  });
});

describe("topic shapes", () => {
  it("refuses a body of another topic where only the topic's identifying fields tell them apart", () => {
    expectPayloadError(() => parse(uninstalledShopSchema, fixture("orders__create")), "myshopify_domain");
    expectPayloadError(() => parse(shopRedactSchema, fixture("customers__redact")), "customer");
    expectPayloadError(() => parse(customerRedactSchema, fixture("customers__data_request")), "orders_to_redact");
    expectPayloadError(() => parse(dataRequestSchema, fixture("customers__redact")), "orders_requested");
    expectPayloadError(() => deletedGid("Customer", fixture("customers__update")), "updated_at");
    expect(parse(uninstalledShopSchema, fixture("app__uninstalled")).myshopify_domain).toBe("comeback-test.myshopify.com");
  });
});
