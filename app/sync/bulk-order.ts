// One line of a Bulk Operation JSONL export of orders (GraphQL shapes, camelCase) as an OrderRecord,
// with the order's customer and, when the line carries them, the customer's name and e-mail.
// The query that produces these lines is ORDERS_BULK_QUERY in history-import.server.ts.
//
// Validated by hand rather than with a zod schema: this runs a million times per large import,
// and the schema's generality cost a third of the import's time. Errors name the field like the
// webhook payload errors do ("totalPriceSet.shopMoney.amount: not a decimal amount").
import { hasUnstorableText, isTimeInRange } from "./bounds";
import { isCurrencyCode } from "../platform/money";
import { amountInRange, minorUnitsInRange, PayloadError, TIME_OUT_OF_RANGE } from "./payloads";
import type { CustomerRef, OrderRecord, RefundRecord } from "./records";

type Json = Record<string, unknown>;

const DECIMAL = /^-?\d+(\.\d+)?$/;

function fail(path: string, message: string): never {
  throw new PayloadError(`${path}: ${message}`);
}

function object(value: unknown, path: string): Json {
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail(path, "expected an object");
  return value as Json;
}

function optionalString(value: unknown, path: string): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== "string") fail(path, "expected a string");
  if (hasUnstorableText(value)) fail(path, "text with a NUL character or an unpaired surrogate");
  return value;
}

function gid(value: unknown, resource: string, path: string): string {
  if (typeof value !== "string" || !value.startsWith(`gid://shopify/${resource}/`)) fail(path, `expected a ${resource} GID`);
  return value;
}

function optionalTime(value: unknown, path: string): Date | null {
  if (value === null || value === undefined) return null;
  const time = typeof value === "string" ? new Date(value) : null;
  if (!time || Number.isNaN(time.getTime())) fail(path, "not a timestamp");
  if (!isTimeInRange(time)) fail(path, TIME_OUT_OF_RANGE);
  return time;
}

function time(value: unknown, path: string): Date {
  return optionalTime(value, path) ?? fail(path, "required");
}

function money(bag: unknown, currency: string, path: string, required = false): bigint | null {
  if (bag === null || bag === undefined) return required ? fail(path, "required") : null;
  const amount = object(object(bag, path).shopMoney, `${path}.shopMoney`).amount;
  if (!(typeof amount === "number" || (typeof amount === "string" && DECIMAL.test(amount)))) {
    fail(`${path}.shopMoney.amount`, "not a decimal amount");
  }
  return minorUnitsInRange(amount, currency, `${path}.shopMoney.amount`);
}

function refunds(value: unknown, orderGid: string, currency: string): RefundRecord[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) fail("refunds", "expected an array");
  return value.map((item, i) => {
    const refund = object(item, `refunds.${i}`);
    return {
      gid: gid(refund.id, "Refund", `refunds.${i}.id`),
      orderGid,
      processedAt: time(refund.createdAt, `refunds.${i}.createdAt`),
      amount: money(refund.totalRefundedSet, currency, `refunds.${i}.totalRefundedSet`, true)!,
      lineSubtotalAmount: null,
    };
  });
}

function customerRef(customer: Json): CustomerRef {
  const ref: CustomerRef = {
    gid: gid(customer.id, "Customer", "customer.id"),
    createdAt: optionalTime(customer.createdAt, "customer.createdAt"),
  };
  // Without its updatedAt a profile could not be ordered against customers/update deliveries.
  const updatedAt = optionalTime(customer.updatedAt, "customer.updatedAt");
  if (!updatedAt) return ref;
  const address =
    customer.defaultEmailAddress === null || customer.defaultEmailAddress === undefined
      ? null
      : object(customer.defaultEmailAddress, "customer.defaultEmailAddress");
  const path = "customer.defaultEmailAddress";
  return {
    ...ref,
    profile: {
      firstName: optionalString(customer.firstName, "customer.firstName"),
      lastName: optionalString(customer.lastName, "customer.lastName"),
      email: address && optionalString(address.emailAddress, `${path}.emailAddress`),
      // SUBSCRIBED here is "subscribed" in webhooks: stored as webhooks send it.
      marketingConsent: (address && optionalString(address.marketingState, `${path}.marketingState`)?.toLowerCase()) ?? null,
      marketingConsentAt: address && optionalTime(address.marketingUpdatedAt, `${path}.marketingUpdatedAt`),
      updatedAt,
    },
  };
}

export function orderFromBulkLine(line: unknown): OrderRecord {
  const order = object(line, "line");
  const id = gid(order.id, "Order", "id");
  const currency = order.currencyCode;
  if (typeof currency !== "string" || !isCurrencyCode(currency)) fail("currencyCode", "not an ISO 4217 currency code");
  if (order.test !== undefined && order.test !== null && typeof order.test !== "boolean") fail("test", "expected a boolean");
  const customer = order.customer === null || order.customer === undefined ? null : object(order.customer, "customer");
  const refundList = refunds(order.refunds, id, currency);
  const subtotalAmount = money(order.subtotalPriceSet, currency, "subtotalPriceSet") ?? 0n;
  return {
    gid: id,
    name: optionalString(order.name, "name"),
    processedAt: optionalTime(order.processedAt, "processedAt"),
    createdAt: optionalTime(order.createdAt, "createdAt"),
    updatedAt: time(order.updatedAt, "updatedAt"),
    cancelledAt: optionalTime(order.cancelledAt, "cancelledAt"),
    test: order.test === true,
    sourceName: optionalString(order.sourceName, "sourceName"),
    financialStatus: optionalString(order.displayFinancialStatus, "displayFinancialStatus")?.toLowerCase() ?? null,
    currency,
    presentmentCurrency: optionalString(order.presentmentCurrencyCode, "presentmentCurrencyCode"),
    totalAmount: money(order.totalPriceSet, currency, "totalPriceSet", true)!,
    subtotalAmount,
    currentSubtotalAmount: money(order.currentSubtotalPriceSet, currency, "currentSubtotalPriceSet") ?? subtotalAmount,
    discountAmount: money(order.totalDiscountsSet, currency, "totalDiscountsSet") ?? 0n,
    shippingAmount: money(order.totalShippingPriceSet, currency, "totalShippingPriceSet") ?? 0n,
    taxAmount: money(order.totalTaxSet, currency, "totalTaxSet") ?? 0n,
    refundedAmount: amountInRange(
      refundList.reduce((sum, refund) => sum + refund.amount, 0n),
      "refunds",
    ),
    customer: customer && customerRef(customer),
    refunds: refundList,
  };
}
