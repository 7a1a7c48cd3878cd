// Validation and normalisation of Shopify's webhook payloads (REST shapes, snake_case) into the
// records the sync stores. Anything missing or of the wrong type is a clear PayloadError.
import { z } from "zod";
import { toGid } from "./json";
import { isCurrencyCode, toMinorUnits } from "./money";
import type { CustomerRecord, OrderRecord, RefundRecord } from "./records";

export class PayloadError extends Error {
  override name = "PayloadError";
}

const timestamp = z.string().refine((text) => !Number.isNaN(Date.parse(text)), "not a timestamp");
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
  refund_line_items: z
    .array(z.object({ subtotal_set: moneySet.nullish(), total_tax_set: moneySet.nullish() }))
    .default([]),
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
});

const customerSchema = z.object({
  admin_graphql_api_id: customerGid,
  created_at: optionalTimestamp,
  updated_at: timestamp,
  email: z.string().nullish(),
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
  email_marketing_consent: z
    .object({ state: z.string().nullish(), consent_updated_at: optionalTimestamp })
    .nullish(),
});

const idOnlySchema = z.object({ id: numericId });

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

export const scopesUpdateSchema = z.object({ current: z.array(z.string()) });

const complianceCustomer = z.object({ id: numericId, email: z.string().nullish(), phone: z.string().nullish() });
export const dataRequestSchema = z.object({
  shop_domain: z.string(),
  customer: complianceCustomer,
  orders_requested: z.array(numericId).default([]),
  data_request: z.object({ id: numericId }),
});
export const customerRedactSchema = z.object({
  shop_domain: z.string(),
  customer: complianceCustomer,
  orders_to_redact: z.array(numericId).default([]),
});
export const shopRedactSchema = z.object({ shop_domain: z.string() });

export function parse<T>(schema: z.ZodType<T>, payload: unknown): T {
  const result = schema.safeParse(payload);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new PayloadError(`${issue.path.join(".") || "payload"}: ${issue.message}`);
  }
  return result.data;
}

const date = (text: string | null | undefined) => (text ? new Date(text) : null);

function money(set: z.infer<typeof moneySet> | null | undefined, fallback: string | number | null | undefined, currency: string) {
  const value = set?.shop_money.amount ?? fallback;
  return value === null || value === undefined ? 0n : toMinorUnits(value, currency);
}

/**
 * Validates a refunds/create payload now; the record needs the shop's currency (for its
 * decimals), which is known only when the delivery is applied.
 */
export function refundParser(payload: unknown): (currency: string) => RefundRecord {
  const refund = parse(refundSchema, payload);
  return (currency) => normaliseRefund(refund, currency);
}

export function refundFromPayload(payload: unknown, currency: string): RefundRecord {
  return refundParser(payload)(currency);
}

function normaliseRefund(refund: z.infer<typeof refundSchema>, currency: string): RefundRecord {
  let lineSubtotal = 0n;
  let lineTax = 0n;
  for (const line of refund.refund_line_items) {
    lineSubtotal += money(line.subtotal_set, 0, currency);
    lineTax += money(line.total_tax_set, 0, currency);
  }
  // Order adjustments (shipping refunds, refund discrepancies) are negative when money goes back.
  let adjustments = 0n;
  for (const adjustment of refund.order_adjustments) adjustments += money(adjustment.amount_set, 0, currency);
  return {
    gid: refund.admin_graphql_api_id,
    orderGid: toGid("Order", refund.order_id),
    processedAt: new Date(refund.processed_at ?? refund.created_at),
    amount: lineSubtotal + lineTax - adjustments,
    lineSubtotalAmount: lineSubtotal,
  };
}

export function orderFromPayload(payload: unknown): OrderRecord {
  const order = parse(orderSchema, payload);
  const currency = order.currency;
  const refunds = order.refunds.map((refund) => normaliseRefund(refund, currency));
  const subtotalAmount = money(order.subtotal_price_set, order.subtotal_price, currency);
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
    totalAmount: money(order.total_price_set, order.total_price, currency),
    subtotalAmount,
    currentSubtotalAmount:
      order.current_subtotal_price_set || (order.current_subtotal_price !== undefined && order.current_subtotal_price !== null)
        ? money(order.current_subtotal_price_set, order.current_subtotal_price, currency)
        : subtotalAmount,
    discountAmount: money(order.total_discounts_set, order.total_discounts, currency),
    shippingAmount: money(order.total_shipping_price_set, 0, currency),
    taxAmount: money(order.total_tax_set, order.total_tax, currency),
    refundedAmount: refunds.reduce((sum, refund) => sum + refund.amount, 0n),
    customer: order.customer
      ? { gid: order.customer.admin_graphql_api_id, createdAt: date(order.customer.created_at) }
      : null,
    refunds,
  };
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
  return toGid(resource, parse(idOnlySchema, payload).id);
}
