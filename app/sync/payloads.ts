// Validation and normalisation of Shopify's webhook payloads (REST shapes, snake_case) into the
// records the sync stores. Anything missing or of the wrong type is a clear PayloadError.
import { z } from "zod";
import { isMinorUnitsInRange, isTimeInRange, MAX_MINOR_UNITS } from "./bounds";
import { toGid } from "../platform/shopify-json";
import { isCurrencyCode, toMinorUnits } from "../platform/money";
import type { CustomerRecord, OrderRecord, RefundRecord } from "./records";

export class PayloadError extends Error {
  override name = "PayloadError";
}

export const TIME_OUT_OF_RANGE = "out of range (before 1990 or more than a day ahead)";

/** A field that belongs to another topic's body: a body carrying it is refused. */
const absent = z.undefined({ error: "belongs to another topic's body" }).optional();

const timestamp = z
  .string()
  .refine((text) => !Number.isNaN(Date.parse(text)), { error: "not a timestamp", abort: true })
  .refine((text) => isTimeInRange(new Date(text)), TIME_OUT_OF_RANGE);
const optionalTimestamp = timestamp.nullish();
const amount = z.union([z.string().regex(/^-?\d+(\.\d+)?$/, "not a decimal amount"), z.number()]);
const moneySet = z.object({ shop_money: z.object({ amount }) });
/** A currency Intl knows the decimals of (ISO 4217). */
export const currencyCode = z
  .string()
  .regex(/^[A-Z]{3}$/, "not an ISO 4217 currency code")
  .refine(isCurrencyCode, "unknown currency code");
const numericId = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]);

const orderGid = z.string().startsWith("gid://shopify/Order/");
const customerGid = z.string().startsWith("gid://shopify/Customer/");

const refundSchema = z.object({
  admin_graphql_api_id: z.string().startsWith("gid://shopify/Refund/"),
  order_id: numericId,
  created_at: timestamp,
  processed_at: optionalTimestamp,
  refund_line_items: z.array(z.object({ subtotal_set: moneySet.nullish(), total_tax_set: moneySet.nullish() })).default([]),
  order_adjustments: z.array(z.object({ amount_set: moneySet.nullish() })).default([]),
});

const orderSchema = z.object({
  admin_graphql_api_id: orderGid,
  name: z.string().nullish(),
  created_at: optionalTimestamp,
  updated_at: timestamp,
  processed_at: optionalTimestamp,
  cancelled_at: optionalTimestamp,
  test: z.boolean().default(false),
  source_name: z.string().nullish(),
  financial_status: z.string().nullish(),
  currency: currencyCode,
  presentment_currency: z.string().nullish(),
  total_price: amount.nullish(),
  subtotal_price: amount.nullish(),
  current_subtotal_price: amount.nullish(),
  total_discounts: amount.nullish(),
  total_tax: amount.nullish(),
  total_price_set: moneySet.nullish(),
  subtotal_price_set: moneySet.nullish(),
  current_subtotal_price_set: moneySet.nullish(),
  total_discounts_set: moneySet.nullish(),
  total_shipping_price_set: moneySet.nullish(),
  total_tax_set: moneySet.nullish(),
  customer: z.object({ admin_graphql_api_id: customerGid, created_at: optionalTimestamp }).nullish(),
  refunds: z.array(refundSchema).default([]),
  discount_codes: z
    .array(z.object({ code: z.string().min(1).max(255), amount }))
    .max(100)
    .nullish(),
});

const customerSchema = z.object({
  admin_graphql_api_id: customerGid,
  created_at: optionalTimestamp,
  updated_at: timestamp,
  email: z.string().nullish(),
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
  email_marketing_consent: z.object({ state: z.string().nullish(), consent_updated_at: optionalTimestamp }).nullish(),
});

/** orders/delete and customers/delete: the id, not a whole record (which has an updated_at). */
const deletionSchema = z.object({ id: numericId, updated_at: absent });

// Since API 2025-01 customer payloads carry no consent; this topic does.
const emailConsentSchema = z.object({
  customer_id: numericId,
  email_marketing_consent: z.object({ state: z.string(), consent_updated_at: optionalTimestamp }).nullish(),
});

export interface ConsentChange {
  customerGid: string;
  state: string | null;
  at: Date | null;
}

export function emailConsentFromPayload(payload: unknown): ConsentChange {
  const change = parse(emailConsentSchema, payload);
  return {
    customerGid: toGid("Customer", change.customer_id),
    state: change.email_marketing_consent?.state ?? null,
    at: date(change.email_marketing_consent?.consent_updated_at),
  };
}

export const bulkOperationFinishSchema = z.object({
  admin_graphql_api_id: z.string().startsWith("gid://shopify/BulkOperation/"),
  status: z.string(),
  error_code: z.string().nullish(),
  completed_at: optionalTimestamp,
});

export const scopesUpdateSchema = z.object({
  shop_id: z.string().startsWith("gid://shopify/Shop/").nullish(),
  current: z.array(z.string()),
  previous: z.array(z.string()),
});

// Each topic's body must have that topic's shape, so that a signed body replayed under another
// topic header is refused: above all a customer's body sent as shop/redact or app/uninstalled.
// Fields another topic's body carries are refused where that is the only difference (absent).

const complianceCustomer = z.object({ id: numericId, email: z.string().nullish(), phone: z.string().nullish() });
export const dataRequestSchema = z.object({
  shop_id: numericId,
  shop_domain: z.string(),
  customer: complianceCustomer,
  orders_requested: z.array(numericId),
  data_request: z.object({ id: numericId }),
  orders_to_redact: absent,
});
export const customerRedactSchema = z.object({
  shop_id: numericId,
  shop_domain: z.string(),
  customer: complianceCustomer,
  orders_to_redact: z.array(numericId),
  data_request: absent,
});
export const shopRedactSchema = z.object({ shop_id: numericId, shop_domain: z.string(), customer: absent });

/** app/uninstalled carries the shop itself (the REST Shop resource). */
export const uninstalledShopSchema = z.object({ id: numericId, myshopify_domain: z.string(), domain: z.string() });

export function parse<T>(schema: z.ZodType<T>, payload: unknown): T {
  const result = schema.safeParse(payload);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new PayloadError(`${issue.path.join(".") || "payload"}: ${issue.message}`);
  }
  return result.data;
}

const date = (text: string | null | undefined) => (text ? new Date(text) : null);

const amountOutOfRange = (path: string) =>
  new PayloadError(`${path}: amount out of range (more than ${MAX_MINOR_UNITS} minor units)`);

/** An amount in minor units, refused (naming its field) outside the range the app can hold. */
export function amountInRange(amount: bigint, path: string): bigint {
  if (!isMinorUnitsInRange(amount)) throw amountOutOfRange(path);
  return amount;
}

/**
 * A decimal amount in minor units of `currency`, refused outside the range. A whole part of more
 * than 20 digits is refused unparsed: parsing a megabyte of digits into a bigint takes seconds.
 */
export function minorUnitsInRange(amount: string | number, currency: string, path: string): bigint {
  if (typeof amount === "string" && /^-?\d{21}/.test(amount)) throw amountOutOfRange(path);
  return amountInRange(toMinorUnits(amount, currency), path);
}

function money(
  set: z.infer<typeof moneySet> | null | undefined,
  fallback: string | number | null | undefined,
  currency: string,
  path: string,
) {
  const value = set?.shop_money.amount ?? fallback;
  return value === null || value === undefined ? 0n : minorUnitsInRange(value, currency, path);
}

/** A refunds/create payload, in the shop's currency (refunds carry amounts but no currency). */
export function refundFromPayload(payload: unknown, currency: string): RefundRecord {
  return normaliseRefund(parse(refundSchema, payload), currency, "");
}

function normaliseRefund(refund: z.infer<typeof refundSchema>, currency: string, path: string): RefundRecord {
  let lineSubtotal = 0n;
  let lineTax = 0n;
  for (const [i, line] of refund.refund_line_items.entries()) {
    lineSubtotal += money(line.subtotal_set, 0, currency, `${path}refund_line_items.${i}.subtotal_set`);
    lineTax += money(line.total_tax_set, 0, currency, `${path}refund_line_items.${i}.total_tax_set`);
  }
  // Order adjustments (shipping refunds, refund discrepancies) are negative when money goes back.
  let adjustments = 0n;
  for (const [i, adjustment] of refund.order_adjustments.entries()) {
    adjustments += money(adjustment.amount_set, 0, currency, `${path}order_adjustments.${i}.amount_set`);
  }
  return {
    gid: refund.admin_graphql_api_id,
    orderGid: toGid("Order", refund.order_id),
    processedAt: new Date(refund.processed_at ?? refund.created_at),
    amount: amountInRange(lineSubtotal + lineTax - adjustments, `${path || "refund"} total`),
    lineSubtotalAmount: amountInRange(lineSubtotal, `${path}refund_line_items`),
  };
}

export function orderFromPayload(payload: unknown): OrderRecord {
  const order = parse(orderSchema, payload);
  const currency = order.currency;
  const refunds = order.refunds.map((refund, i) => normaliseRefund(refund, currency, `refunds.${i}.`));
  const subtotalAmount = money(order.subtotal_price_set, order.subtotal_price, currency, "subtotal_price_set");
  return {
    gid: order.admin_graphql_api_id,
    name: order.name ?? null,
    processedAt: date(order.processed_at),
    createdAt: date(order.created_at),
    updatedAt: new Date(order.updated_at),
    cancelledAt: date(order.cancelled_at),
    test: order.test,
    sourceName: order.source_name ?? null,
    financialStatus: order.financial_status ?? null,
    currency,
    presentmentCurrency: order.presentment_currency ?? null,
    totalAmount: money(order.total_price_set, order.total_price, currency, "total_price_set"),
    subtotalAmount,
    currentSubtotalAmount:
      order.current_subtotal_price_set || (order.current_subtotal_price !== undefined && order.current_subtotal_price !== null)
        ? money(order.current_subtotal_price_set, order.current_subtotal_price, currency, "current_subtotal_price_set")
        : subtotalAmount,
    discountAmount: money(order.total_discounts_set, order.total_discounts, currency, "total_discounts_set"),
    shippingAmount: money(order.total_shipping_price_set, 0, currency, "total_shipping_price_set"),
    taxAmount: money(order.total_tax_set, order.total_tax, currency, "total_tax_set"),
    refundedAmount: amountInRange(
      refunds.reduce((sum, refund) => sum + refund.amount, 0n),
      "refunds total",
    ),
    customer: order.customer ? { gid: order.customer.admin_graphql_api_id, createdAt: date(order.customer.created_at) } : null,
    refunds,
    discountCodes: order.discount_codes?.length
      ? order.discount_codes.map(({ code, amount }, i) => ({
          code,
          amount: minorUnitsInRange(amount, currency, `discount_codes.${i}.amount`),
        }))
      : null,
  };
}

const fulfilledOrderSchema = z.object({
  admin_graphql_api_id: orderGid,
  fulfillments: z.array(z.object({ created_at: optionalTimestamp, status: z.string().nullish() })).default([]),
});

/**
 * orders/fulfilled and orders/partially_fulfilled: when the order was first fulfilled, the earliest
 * fulfilment Shopify did not cancel or fail, else when the event happened.
 */
export function fulfilmentFromPayload(payload: unknown, at: Date): { orderGid: string; fulfilledAt: Date } {
  const order = parse(fulfilledOrderSchema, payload);
  const times = order.fulfillments
    .filter((fulfillment) => fulfillment.created_at && !["cancelled", "error", "failure"].includes(fulfillment.status ?? ""))
    .map((fulfillment) => new Date(fulfillment.created_at!).getTime());
  return { orderGid: order.admin_graphql_api_id, fulfilledAt: times.length ? new Date(Math.min(...times)) : at };
}

export function customerFromPayload(payload: unknown): CustomerRecord {
  const customer = parse(customerSchema, payload);
  return {
    gid: customer.admin_graphql_api_id,
    createdAt: date(customer.created_at),
    updatedAt: new Date(customer.updated_at),
    email: customer.email ?? null,
    firstName: customer.first_name ?? null,
    lastName: customer.last_name ?? null,
    marketingConsent: customer.email_marketing_consent?.state ?? null,
    marketingConsentAt: date(customer.email_marketing_consent?.consent_updated_at),
  };
}

/** orders/delete and customers/delete carry little more than the numeric id. */
export function deletedGid(resource: "Order" | "Customer", payload: unknown): string {
  return toGid(resource, parse(deletionSchema, payload).id);
}
