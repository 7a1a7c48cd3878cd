import { existsSync, readFileSync } from "node:fs";
import { ApiVersion } from "@shopify/shopify-app-remix/server";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { SUPPORTED_TOPICS } from "./sync/topics.server";
import { topicKey } from "./platform/http/webhook-signature";
import { TEST_SCOPES } from "../test/support/app-server";

interface Subscription {
  topics?: string[];
  compliance_topics?: string[];
  uri: string;
}

interface MetafieldDefinition {
  type: string;
  name: string;
  access: { admin: string; customer_account: string };
}

interface AppConfig {
  access_scopes: { scopes: string };
  customer: { metafields: { app: Record<string, MetafieldDefinition> } };
  webhooks: { api_version: string; subscriptions: Subscription[] };
  app_proxy?: { url: string; subpath: string; prefix: string };
}

const config = parse(readFileSync(new URL("../shopify.app.toml", import.meta.url), "utf8")) as unknown as AppConfig;
const { subscriptions } = config.webhooks;
const COMPLIANCE_TOPICS = ["customers/data_request", "customers/redact", "shop/redact"];

const subscribed = subscriptions.flatMap((subscription) => subscription.topics ?? []);
const compliance = subscriptions.flatMap((subscription) => subscription.compliance_topics ?? []);

describe("shopify.app.toml", () => {
  it("subscribes to every topic the code handles", () => {
    const configured = [...subscribed, ...compliance].map(topicKey);
    expect(SUPPORTED_TOPICS.filter((topic) => !configured.includes(topic))).toEqual([]);
  });

  it("subscribes to nothing the code does not handle", () => {
    expect([...subscribed, ...compliance].map(topicKey).filter((topic) => !SUPPORTED_TOPICS.includes(topic))).toEqual([]);
  });

  it("lists the mandatory compliance topics as compliance topics", () => {
    expect(compliance.sort()).toEqual([...COMPLIANCE_TOPICS].sort());
    expect(subscribed.filter((topic) => COMPLIANCE_TOPICS.includes(topic))).toEqual([]);
  });

  it("subscribes each topic once", () => {
    expect(new Set(subscribed).size).toBe(subscribed.length);
  });

  it("sends every webhook to the /webhooks route", () => {
    for (const subscription of subscriptions) expect(subscription.uri).toBe("/webhooks");
    expect(existsSync(new URL("./routes/webhooks.tsx", import.meta.url))).toBe(true);
  });

  it("uses the app's API version for webhooks", () => {
    // shopify.server.ts needs the app's secrets at import time, so its version is read from the source.
    const source = readFileSync(new URL("./shopify.server.ts", import.meta.url), "utf8");
    const names = new Set([...source.matchAll(/apiVersion\s*[:=]\s*ApiVersion\.(\w+)/g)].map((match) => match[1]));
    expect([...names]).toEqual(["October26"]);
    expect(config.webhooks.api_version).toBe(ApiVersion.October26);
    expect(config.webhooks.api_version).toBe("2026-10");
  });

  it("requests the whole order history and customers", () => {
    const scopes = config.access_scopes.scopes.split(",").map((scope) => scope.trim());
    expect(scopes).toEqual(expect.arrayContaining(["read_orders", "read_all_orders", "read_customers"]));
  });

  it("requests the loyalty program's scopes, as the tests' app does", () => {
    const scopes = config.access_scopes.scopes.split(",").map((scope) => scope.trim());
    expect(scopes).toEqual(
      expect.arrayContaining([
        "write_customers",
        "write_discounts",
        "write_store_credit_account_transactions",
        "read_store_credit_accounts",
        "read_store_credit_account_transactions",
      ]),
    );
    expect(TEST_SCOPES.split(",").sort()).toEqual([...scopes].sort());
  });

  it("declares the loyalty metafields the app writes", () => {
    const { points, tier } = config.customer.metafields.app;
    expect(points).toMatchObject({ type: "number_integer", access: { admin: "merchant_read", customer_account: "read" } });
    expect(tier).toMatchObject({ type: "single_line_text_field", access: { admin: "merchant_read", customer_account: "read" } });
  });

  it("declares the app proxy for the storefront widget", () => {
    expect(config.app_proxy?.subpath).toMatch(/^[\w-]+$/);
    // The only prefixes Shopify allows for app proxies.
    expect(["apps", "a", "community", "tools"]).toContain(config.app_proxy?.prefix);
  });
});
