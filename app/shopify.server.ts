import "@shopify/shopify-app-remix/adapters/node";
import { ApiVersion, AppDistribution, shopifyApp } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import db from "./platform/db/client.server";
import { assertDemoModeAllowed } from "./demo/mode.server";
import { env, requiredEnv } from "./platform/env.server";
import { adminClient } from "./platform/shopify/admin-client.server";
import { onShopInstalled } from "./sync/install.server";

// Refuse to start at all when the local demo bypass is switched on in production.
assertDemoModeAllowed();

const shopify = shopifyApp({
  apiKey: requiredEnv("SHOPIFY_API_KEY"),
  apiSecretKey: requiredEnv("SHOPIFY_API_SECRET"),
  apiVersion: ApiVersion.October26,
  scopes: env.SCOPES,
  appUrl: requiredEnv("SHOPIFY_APP_URL"),
  authPathPrefix: "/auth",
  sessionStorage: new PrismaSessionStorage(db as never),
  distribution: AppDistribution.AppStore,
  future: { unstable_newEmbeddedAuthStrategy: true },
  hooks: {
    afterAuth: async ({ session }) => {
      await onShopInstalled(session.shop, adminClient(session));
    },
  },
});

export default shopify;
export const apiVersion = ApiVersion.October26;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const sessionStorage = shopify.sessionStorage;
