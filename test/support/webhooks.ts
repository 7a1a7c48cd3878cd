// Sends webhooks the way Shopify does: a POST with Shopify's headers and an HMAC-SHA256 of the
// raw body, base64, keyed with the app's secret.
import { createHash, createHmac, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { inject } from "vitest";
import { shopIdOf } from "../mocks/shopify-admin";
import { installShop } from "./app-proxy";
import { TEST_API_SECRET } from "./app-server";

export { shopIdOf };

export function fixture(topic: string): Record<string, any> {
  return JSON.parse(readFileSync(join("test/fixtures/webhooks", topic.replace("/", "__") + ".json"), "utf8"));
}

/** The fixture's raw text: keeps Shopify's ids above 2^53 exact, as Shopify sends them. */
export function fixtureText(topic: string): string {
  return readFileSync(join("test/fixtures/webhooks", topic.replace("/", "__") + ".json"), "utf8");
}

export function sign(body: string, secret = TEST_API_SECRET): string {
  return createHmac("sha256", secret).update(body, "utf8").digest("base64");
}

export interface Delivery {
  topic: string;
  shop: string;
  body: string | Record<string, unknown>;
  webhookId?: string;
  triggeredAt?: string;
  hmac?: string | null;
  apiVersion?: string;
}

export async function sendWebhook(appUrl: string, delivery: Delivery) {
  const body = typeof delivery.body === "string" ? delivery.body : JSON.stringify(delivery.body);
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "X-Shopify-Topic": delivery.topic,
    "X-Shopify-Shop-Domain": delivery.shop,
    "X-Shopify-API-Version": delivery.apiVersion ?? "2026-10",
    "X-Shopify-Webhook-Id": delivery.webhookId ?? randomUUID(),
    "X-Shopify-Event-Id": randomUUID(),
    "X-Shopify-Triggered-At": delivery.triggeredAt ?? new Date().toISOString(),
  };
  const hmac = delivery.hmac === undefined ? sign(body) : delivery.hmac;
  if (hmac !== null) headers["X-Shopify-Hmac-Sha256"] = hmac;
  const response = await fetch(`${appUrl}/webhooks`, { method: "POST", headers, body });
  const text = await response.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: response.status, json, text };
}

/** Sends customers/create for customer `id` of `shop`, the fixture's customer with `fields` (first_name, email, …) over it. */
export async function sendCustomer(appUrl: string, shop: string, id: string, fields: Record<string, unknown> = {}) {
  const body = { ...fixture("customers/create"), id, admin_graphql_api_id: `gid://shopify/Customer/${id}`, ...fields };
  const response = await sendWebhook(appUrl, { topic: "customers/create", shop, body });
  if (response.status !== 200) throw new Error(`customers/create for ${id} answered ${response.status}: ${response.text}`);
}

let orderSequence = 0;

/**
 * An orders/* payload of a USD shop from the orders/create fixture: its customer (numeric id, or
 * null for a guest), when it was processed, and its subtotal. Ids exceed 2^53, so they travel as
 * text; the app keys on admin_graphql_api_id.
 */
export function orderPayload(
  customerId: string | null,
  processedAt: string,
  amount: string,
  changes: Record<string, unknown> = {},
) {
  const id = String(7_000_000_000_000_000_000n + BigInt(Date.now() % 1_000_000) * 1000n + BigInt(++orderSequence));
  const money = { shop_money: { amount, currency_code: "USD" }, presentment_money: { amount, currency_code: "USD" } };
  const base = fixture("orders/create");
  return {
    ...base,
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    name: `#${orderSequence}`,
    test: false,
    cancelled_at: null,
    processed_at: processedAt,
    created_at: processedAt,
    updated_at: processedAt,
    subtotal_price: amount,
    subtotal_price_set: money,
    current_subtotal_price: amount,
    current_subtotal_price_set: money,
    refunds: [],
    customer: customerId && { ...base.customer, id: customerId, admin_graphql_api_id: `gid://shopify/Customer/${customerId}` },
    ...changes,
  };
}

export function uniqueShop(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}.myshopify.com`;
}

/**
 * A new shop with the app installed (through token exchange against the Admin API double, a USD
 * shop in UTC unless `details` say otherwise): the app ignores deliveries for any other shop.
 */
export async function installedShop(
  prefix: string,
  details: { currencyCode?: string; ianaTimezone?: string } = {},
): Promise<string> {
  const shop = uniqueShop(prefix);
  await installShop(inject("appUrl"), inject("adminDoubleUrl"), shop, details);
  return shop;
}

const FIXTURE_SHOP = { domain: "comeback-test.myshopify.com", id: "548380009" };
const FIXTURE_IDS = { order: "820982911946154508", customer: "706405506930370084", refund: "890088186047892319" } as const;

/**
 * The numeric ids the fixtures' order, customer and refund get in `shop`: Shopify's ids are
 * global, and the app refuses a GID that another shop holds. Above 2^53, like Shopify's.
 */
export function fixtureIdsOf(shop: string): Record<keyof typeof FIXTURE_IDS, string> {
  const id = (kind: string) =>
    String(10n ** 18n + BigInt("0x" + createHash("sha256").update(`${shop} ${kind}`).digest("hex").slice(0, 15)));
  return { order: id("order"), customer: id("customer"), refund: id("refund") };
}

/** The fixture's GIDs as `shop` gets them (fixtureTextFor). */
export function fixtureGidsOf(shop: string) {
  const ids = fixtureIdsOf(shop);
  return {
    order: `gid://shopify/Order/${ids.order}`,
    customer: `gid://shopify/Customer/${ids.customer}`,
    refund: `gid://shopify/Refund/${ids.refund}`,
  };
}

/** The fixture's raw text as Shopify would send it to `shop`: its shop, and its own ids (fixtureIdsOf). */
export function fixtureTextFor(topic: string, shop: string): string {
  const ids = fixtureIdsOf(shop);
  return fixtureText(topic)
    .replaceAll(FIXTURE_SHOP.domain, shop)
    .replaceAll(FIXTURE_SHOP.id, shopIdOf(shop))
    .replaceAll(FIXTURE_IDS.order, ids.order)
    .replaceAll(FIXTURE_IDS.customer, ids.customer)
    .replaceAll(FIXTURE_IDS.refund, ids.refund);
}

/** fixtureTextFor, parsed (its ids above 2^53 rounded: use it where they do not matter). */
export function fixtureFor(topic: string, shop: string): Record<string, any> {
  return JSON.parse(fixtureTextFor(topic, shop));
}
