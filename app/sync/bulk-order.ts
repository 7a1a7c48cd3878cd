// One line of a Bulk Operation JSONL export of orders (GraphQL shapes, camelCase) as an OrderRecord.
// The query that produces these lines is ORDERS_BULK_QUERY in history-import.server.ts.
import { z } from "zod";
import { toMinorUnits } from "./money";
import { currencyCode, parse } from "./payloads";
import type { OrderRecord } from "./records";

const timestamp = z.string().refine((text) => !Number.isNaN(Date.parse(text)), "not a timestamp");
const moneyBag = z.object({
  shopMoney: z.object({ amount: z.union([z.string().regex(/^-?\d+(\.\d+)?$/, "not a decimal amount"), z.number()]) }),
});

const bulkOrderSchema = z.object({
  id: z.string().startsWith("gid://shopify/Order/"),
  name: z.string().nullish(),
  createdAt: timestamp.nullish(),
  updatedAt: timestamp,
  processedAt: timestamp.nullish(),
  cancelledAt: timestamp.nullish(),
  test: z.boolean().default(false),
  sourceName: z.string().nullish(),
  currencyCode: currencyCode,
  presentmentCurrencyCode: z.string().nullish(),
  displayFinancialStatus: z.string().nullish(),
  customer: z.object({ id: z.string().startsWith("gid://shopify/Customer/"), createdAt: timestamp.nullish() }).nullish(),
  totalPriceSet: moneyBag,
  subtotalPriceSet: moneyBag.nullish(),
  currentSubtotalPriceSet: moneyBag.nullish(),
  totalDiscountsSet: moneyBag.nullish(),
  totalShippingPriceSet: moneyBag.nullish(),
  totalTaxSet: moneyBag.nullish(),
  refunds: z
    .array(z.object({ id: z.string().startsWith("gid://shopify/Refund/"), createdAt: timestamp, totalRefundedSet: moneyBag }))
    .default([]),
});

const date = (text: string | null | undefined) => (text ? new Date(text) : null);

export function orderFromBulkLine(line: unknown): OrderRecord {
  const order = parse(bulkOrderSchema, line);
  const currency = order.currencyCode;
  const money = (bag: z.infer<typeof moneyBag> | null | undefined) => (bag ? toMinorUnits(bag.shopMoney.amount, currency) : 0n);
  const refunds = order.refunds.map((refund) => ({
    gid: refund.id,
    orderGid: order.id,
    processedAt: new Date(refund.createdAt),
    amount: money(refund.totalRefundedSet),
    lineSubtotalAmount: null,
  }));
  const subtotalAmount = money(order.subtotalPriceSet);
  return {
    gid: order.id,
    name: order.name ?? null,
    processedAt: date(order.processedAt),
    createdAt: date(order.createdAt),
    updatedAt: new Date(order.updatedAt),
    cancelledAt: date(order.cancelledAt),
    test: order.test,
    sourceName: order.sourceName ?? null,
    financialStatus: order.displayFinancialStatus?.toLowerCase() ?? null,
    currency,
    presentmentCurrency: order.presentmentCurrencyCode ?? null,
    totalAmount: money(order.totalPriceSet),
    subtotalAmount,
    currentSubtotalAmount: order.currentSubtotalPriceSet ? money(order.currentSubtotalPriceSet) : subtotalAmount,
    discountAmount: money(order.totalDiscountsSet),
    shippingAmount: money(order.totalShippingPriceSet),
    taxAmount: money(order.totalTaxSet),
    refundedAmount: refunds.reduce((sum, refund) => sum + refund.amount, 0n),
    customer: order.customer ? { gid: order.customer.id, createdAt: date(order.customer.createdAt) } : null,
    refunds,
  };
}
