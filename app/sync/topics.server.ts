// What each webhook topic does. `interpret` validates a delivery's body and returns its effect;
// it writes nothing, so a malformed body is refused before anything is stored.
import type { Tx } from "../platform/db/client.server";
import type { SqlRunner } from "../platform/sql/rows.server";
import { markBulkOperationFinished } from "./history-import.server";
import { exportCustomerData, redactCustomer, redactShop } from "./compliance.server";
import { findUnstorableText, mayDecodeToUnstorableText } from "./bounds";
import { parseShopifyJson, toGid } from "../platform/shopify-json";
import {
  bulkOperationFinishSchema,
  customerFromPayload,
  customerRedactSchema,
  dataRequestSchema,
  deletedGid,
  emailConsentFromPayload,
  fulfilmentFromPayload,
  orderFromPayload,
  parse,
  PayloadError,
  refundFromPayload,
  scopesUpdateSchema,
  shopRedactSchema,
  uninstalledShopSchema,
} from "./payloads";
import { loyaltyTaskQueue } from "../loyalty/tasks.server";
import { referralFacts } from "../referrals/attribution";
import { recordReferralFacts } from "../referrals/webhook.server";
import { reviveOnRequest } from "../platform/jobs.server";
import { customerDigest } from "./redaction.server";
import { recordFulfilment } from "../feedback/fulfilments.server";
import { markUninstalled } from "./shops.server";
import { insertRows } from "../platform/sql/rows.server";
import {
  markCustomerDeleted,
  markOrderDeleted,
  updateEmailConsent,
  upsertCustomer,
  upsertOrders,
  upsertRefunds,
} from "./store.server";

export interface EffectContext {
  shopDomain: string;
  shopCurrency: string;
  eventId: number;
  /** When Shopify says the event happened (X-Shopify-Triggered-At), else when we received it. */
  at: Date;
}

/**
 * The Shopify GIDs a delivery writes, per table. Shopify's GIDs are global, so one that another
 * shop already holds means the body was signed for that shop and is replayed under this header.
 */
export type WrittenGids = Partial<Record<"Order" | "Customer" | "Refund", string[]>>;

/**
 * What a delivery does. Most topics only write rows with SQL (`sql`): those statements are
 * recorded and sent as one batch transaction, which costs far less than an interactive one on
 * every delivery. The rest (`interactive`) read as they go and get an interactive transaction.
 */
export type Effect = (
  | { sql: (runner: SqlRunner, context: SqlEffectContext) => Promise<unknown> }
  | { interactive: (tx: Tx, context: EffectContext) => Promise<unknown> }
) & { gids?: WrittenGids };

/** Recorded statements are made before the event is stored (PostgreSQL sends both in one call): no event id. */
export type SqlEffectContext = Omit<EffectContext, "eventId">;

/** The shop a delivery's header names, as installed: what its body is checked against. */
export interface Recipient {
  domain: string;
  /** Shopify's GID of the shop; null when the install did not record it. */
  shopifyId: string | null;
  currency: string;
}

/** Topics (as topicKey names them) that still act after the app was uninstalled. */
export const AFTER_UNINSTALL_TOPICS = new Set(["APP_UNINSTALLED", "CUSTOMERS_DATA_REQUEST", "CUSTOMERS_REDACT", "SHOP_REDACT"]);

/**
 * Records loyalty work for the worker (app/loyalty/tasks.server.ts) in the delivery's own batch, so
 * the row and its task commit together and nothing is lost. A request for work already waiting
 * bumps its counter, so a worker that read the previous state does not delete it, and gives a dead
 * task its attempts back, so the new event's points are not stuck behind an old failure.
 */
export function requestLoyaltyTask(runner: SqlRunner, shopDomain: string, kind: "order" | "signup" | "newsletter", key: string) {
  // A signup or newsletter task is keyed on the customer's GID: none for a redacted customer.
  const customerTask = kind !== "order";
  return insertRows(
    runner,
    "LoyaltyTask",
    [
      ["shopDomain", "text"],
      ["kind", "text"],
      ["key", "text"],
      ["createdAt", "time"],
    ],
    [[shopDomain, kind, key, new Date(), ...(customerTask ? [customerDigest(shopDomain, key)] : [])]],
    `ON CONFLICT ("shopDomain", "kind", "key") DO UPDATE SET "requests" = "LoyaltyTask"."requests" + 1, ${reviveOnRequest(loyaltyTaskQueue)}`,
    customerTask ? "skip" : undefined,
  );
}

/**
 * orders/fulfilled, orders/partially_fulfilled: the order as any order topic, and when it was first
 * fulfilled, from which a survey asked "N days after fulfilment" is due (app/feedback).
 */
const fulfilledOrderEffect = (payload: unknown): Effect => {
  const effect = orderEffect(payload);
  if (!("sql" in effect)) throw new Error("an order's effect is SQL");
  return {
    ...effect,
    sql: async (runner, context) => {
      await effect.sql(runner, context);
      const { orderGid, fulfilledAt } = fulfilmentFromPayload(payload, context.at);
      await recordFulfilment(runner, context.shopDomain, orderGid, fulfilledAt);
    },
  };
};

const orderEffect = (payload: unknown): Effect => {
  const order = orderFromPayload(payload);
  const referral = referralFacts(payload);
  return {
    gids: {
      Order: [order.gid],
      Customer: order.customer ? [order.customer.gid] : [],
      Refund: order.refunds.map((refund) => refund.gid),
    },
    sql: async (runner, { shopDomain }) => {
      await upsertOrders(runner, shopDomain, [order]);
      await requestLoyaltyTask(runner, shopDomain, "order", order.gid);
      if (referral) {
        const customerGid = order.customer?.gid ?? null;
        await recordReferralFacts(runner, shopDomain, { gid: order.gid, customerGid }, referral, new Date());
      }
    },
  };
};

/**
 * The compliance topics and app/uninstalled name their shop in the signed body, while the shop
 * header is not signed: a body naming another shop, or another Shopify id, is a replay.
 */
function checkNamedShop(
  recipient: Recipient,
  named: { domain?: [field: string, value: string]; id?: [field: string, value: string | number | null | undefined] },
) {
  if (named.domain && named.domain[1] !== recipient.domain) {
    throw new PayloadError(`${named.domain[0]}: names another shop than X-Shopify-Shop-Domain`);
  }
  const [idField, id] = named.id ?? ["", null];
  if (id !== null && id !== undefined && recipient.shopifyId !== null && toGid("Shop", id) !== recipient.shopifyId) {
    throw new PayloadError(`${idField}: names another shop than the installed one`);
  }
}

const interpreters: Record<string, (payload: unknown, recipient: Recipient) => Effect> = {
  ORDERS_CREATE: orderEffect,
  ORDERS_UPDATED: orderEffect,
  ORDERS_PAID: orderEffect,
  ORDERS_CANCELLED: orderEffect,
  ORDERS_FULFILLED: fulfilledOrderEffect,
  ORDERS_PARTIALLY_FULFILLED: fulfilledOrderEffect,
  ORDERS_DELETE(payload) {
    const gid = deletedGid("Order", payload);
    return {
      gids: { Order: [gid] },
      sql: async (runner, { shopDomain, at, shopCurrency }) => {
        await markOrderDeleted(runner, shopDomain, gid, at, shopCurrency);
        await requestLoyaltyTask(runner, shopDomain, "order", gid);
      },
    };
  },
  REFUNDS_CREATE(payload, { currency }) {
    const refund = refundFromPayload(payload, currency);
    return {
      gids: { Order: [refund.orderGid], Refund: [refund.gid] },
      sql: async (runner, { shopDomain, shopCurrency }) => {
        await upsertRefunds(runner, shopDomain, [refund], shopCurrency);
        await requestLoyaltyTask(runner, shopDomain, "order", refund.orderGid);
      },
    };
  },
  CUSTOMERS_CREATE(payload) {
    const customer = customerFromPayload(payload);
    return {
      gids: { Customer: [customer.gid] },
      sql: async (runner, { shopDomain }) => {
        await upsertCustomer(runner, shopDomain, customer);
        await requestLoyaltyTask(runner, shopDomain, "signup", customer.gid);
      },
    };
  },
  CUSTOMERS_UPDATE(payload) {
    const customer = customerFromPayload(payload);
    return { gids: { Customer: [customer.gid] }, sql: (runner, { shopDomain }) => upsertCustomer(runner, shopDomain, customer) };
  },
  CUSTOMERS_EMAIL_MARKETING_CONSENT_UPDATE(payload) {
    const change = emailConsentFromPayload(payload);
    return {
      gids: { Customer: [change.customerGid] },
      sql: async (runner, { shopDomain, at }) => {
        await updateEmailConsent(runner, shopDomain, change, at);
        if (change.state === "subscribed") await requestLoyaltyTask(runner, shopDomain, "newsletter", change.customerGid);
      },
    };
  },
  CUSTOMERS_DELETE(payload) {
    const gid = deletedGid("Customer", payload);
    return { gids: { Customer: [gid] }, sql: (runner, { shopDomain, at }) => markCustomerDeleted(runner, shopDomain, gid, at) };
  },
  APP_UNINSTALLED(payload, recipient) {
    const shop = parse(uninstalledShopSchema, payload);
    checkNamedShop(recipient, { domain: ["myshopify_domain", shop.myshopify_domain], id: ["id", shop.id] });
    return { interactive: (tx, { shopDomain, at }) => markUninstalled(tx, shopDomain, at) };
  },
  APP_SCOPES_UPDATE(payload, recipient) {
    const update = parse(scopesUpdateSchema, payload);
    checkNamedShop(recipient, { id: ["shop_id", update.shop_id] });
    const scope = update.current.join(",");
    return { interactive: (tx, { shopDomain }) => tx.session.updateMany({ where: { shop: shopDomain }, data: { scope } }) };
  },
  BULK_OPERATIONS_FINISH(payload) {
    const finish = parse(bulkOperationFinishSchema, payload);
    return { interactive: (tx, { shopDomain, at }) => markBulkOperationFinished(tx, shopDomain, finish, at) };
  },
  CUSTOMERS_DATA_REQUEST(payload, recipient) {
    const request = parse(dataRequestSchema, payload);
    checkNamedShop(recipient, { domain: ["shop_domain", request.shop_domain], id: ["shop_id", request.shop_id] });
    return {
      interactive: (tx, { shopDomain }) =>
        exportCustomerData(tx, shopDomain, String(request.customer.id), String(request.data_request.id)),
    };
  },
  CUSTOMERS_REDACT(payload, recipient) {
    const request = parse(customerRedactSchema, payload);
    checkNamedShop(recipient, { domain: ["shop_domain", request.shop_domain], id: ["shop_id", request.shop_id] });
    return {
      interactive: (tx, { shopDomain, at, eventId }) => redactCustomer(tx, shopDomain, String(request.customer.id), at, eventId),
    };
  },
  SHOP_REDACT(payload, recipient) {
    const request = parse(shopRedactSchema, payload);
    checkNamedShop(recipient, { domain: ["shop_domain", request.shop_domain], id: ["shop_id", request.shop_id] });
    return { interactive: (tx, { shopDomain, at }) => redactShop(tx, shopDomain, at) };
  },
};

export const SUPPORTED_TOPICS = Object.keys(interpreters);

export function isSupportedTopic(topic: string): boolean {
  return Object.hasOwn(interpreters, topic);
}

/** A delivery's body: its text and its value, parsed with Shopify's ids kept exact. */
export interface ParsedBody {
  text: string;
  value: unknown;
}

export function parseBody(text: string): ParsedBody {
  try {
    return { text, value: parseShopifyJson(text) };
  } catch {
    throw new PayloadError("body is not valid JSON");
  }
}

/**
 * Validates the parsed body of a delivery for its topic and the shop it was sent to; throws
 * PayloadError with a clear message when it is unusable: nothing of it may be stored.
 */
export function interpret(topic: string, body: ParsedBody, recipient: Recipient): Effect {
  const interpreter = interpreters[topic];
  if (!interpreter) throw new PayloadError(`unsupported topic ${topic}`);
  const payload = body.value;
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
    throw new PayloadError("body is not a JSON object");
  }
  const unstorable = mayDecodeToUnstorableText(body.text) ? findUnstorableText(payload) : null;
  if (unstorable) throw new PayloadError(`${unstorable}: text with a NUL character or an unpaired surrogate`);
  return interpreter(payload, recipient);
}
