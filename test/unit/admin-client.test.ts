// The Admin GraphQL client against the Admin API double (Shopify's only stand-in): typed data,
// HTTP errors, GraphQL errors (the double checks each document against Shopify's schema) and
// THROTTLED, waited out once when short, else handed to the caller with when to come back.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { METAFIELDS_SET } from "../../app/loyalty/metafields";
import {
  adminClient,
  AdminGraphqlError,
  AdminHttpError,
  ThrottledError,
  type AdminClient,
  type AdminOperation,
} from "../../app/platform/shopify/admin-client.server";
import { CURRENT_APP_INSTALLATION_QUERY } from "../../app/storefront/program-metafield";
import { schemaErrors, startAdminDouble, type AdminDouble } from "../mocks/shopify-admin";
import { TEST_API_KEY, TEST_API_SECRET, TEST_SCOPES } from "../support/app-server";
import { sessionToken } from "../support/session-token";

const shop = "admin-client.myshopify.com";
let double: AdminDouble;
let admin: AdminClient;

const doubleCall = (path: string, method: string, body: unknown) =>
  fetch(`${double.url}${path}`, { method, body: JSON.stringify(body) });

// The double builds Shopify's schema first: seconds on a loaded machine.
beforeAll(async () => {
  double = await startAdminDouble({ apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, scopes: TEST_SCOPES });
  // Sends https://<shop>.myshopify.com/... to the double, as in the app server's process.
  process.env.SHOPIFY_ADMIN_DOUBLE_URL = double.url;
  const network = "../mocks/shopify-network.mjs";
  await import(network);
  await doubleCall(`/_test/shops/${shop}`, "PUT", { name: "Client", currencyCode: "EUR", ianaTimezone: "Europe/Berlin" });
  const exchange = await fetch(`https://${shop}/admin/oauth/access_token`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      client_id: TEST_API_KEY,
      client_secret: TEST_API_SECRET,
      subject_token: sessionToken(shop),
      requested_token_type: "urn:shopify:params:oauth:token-type:offline-access-token",
    }),
  });
  const { access_token } = (await exchange.json()) as { access_token: string };
  admin = adminClient({ shop, accessToken: access_token });
}, 60_000);
afterAll(() => double?.close());

const sentMetafieldsSets = async () =>
  ((await (await fetch(`${double.url}/_test/requests?shop=${shop}`)).json()) as { body: { query: string } }[]).filter(
    (request) => request.body.query === METAFIELDS_SET,
  ).length;

describe("the Admin GraphQL client", { timeout: 30_000 }, () => {
  it("returns the operation's data and the budget left", async () => {
    const { data, throttle } = await admin.request(CURRENT_APP_INSTALLATION_QUERY);
    expect(data.currentAppInstallation.id).toMatch(/^gid:\/\/shopify\/AppInstallation\/\d+$/);
    expect(throttle).toEqual({ maximumAvailable: 2000, currentlyAvailable: 1990, restoreRate: 100 });
  });

  it("throws the HTTP status when Shopify refuses the token", async () => {
    const stranger = adminClient({ shop, accessToken: "shpat_not_issued" });
    const error = await stranger.request(CURRENT_APP_INSTALLATION_QUERY).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdminHttpError);
    expect((error as AdminHttpError).status).toBe(401);
  });

  it("throws Shopify's errors for a document its schema does not allow", async () => {
    const typo = "#graphql\nquery { shop { nam } }" as AdminOperation;
    const error = await admin.request(typo).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdminGraphqlError);
    expect(String(error)).toContain('Cannot query field \\"nam\\" on type \\"Shop\\"');
  });

  it("waits out a short THROTTLED once, then tells the caller when the budget pays for the call", async () => {
    await doubleCall(`/_test/shops/${shop}`, "PATCH", { throttled: true });
    const before = await sentMetafieldsSets();
    const started = Date.now();
    const metafields = [
      { ownerId: "gid://shopify/Customer/1", namespace: "$app", key: "points", type: "number_integer", value: "1" },
    ];
    const error = await admin.request(METAFIELDS_SET, { metafields }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ThrottledError);
    // The double: 10 points asked, none available, 100 restored a second: 100 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    expect((error as ThrottledError).throttle).toEqual({ maximumAvailable: 2000, currentlyAvailable: 0, restoreRate: 100 });
    expect((error as ThrottledError).retryAt.getTime()).toBeGreaterThan(started);
    expect((await sentMetafieldsSets()) - before).toBe(2);

    await doubleCall(`/_test/shops/${shop}`, "PATCH", { throttled: false });
    const { data } = await admin.request(METAFIELDS_SET, { metafields });
    expect(data.metafieldsSet?.userErrors).toEqual([]);
  });
});

describe("the Admin API double's schema check", () => {
  it("refuses what Shopify's Admin schema does not have, in documents and in variables", () => {
    const wrongField =
      "mutation($metafields: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $metafields) { metafields { ownerId } } }";
    expect(schemaErrors(wrongField, { metafields: [] })?.errors[0].message).toContain(
      'Cannot query field "ownerId" on type "Metafield"',
    );
    const wrongInput = schemaErrors(
      "mutation($id: ID!, $tags: [String!]!) { tagsAdd(id: $id, tags: $tags) { userErrors { message } } }",
      {
        id: "gid://shopify/Customer/1",
        tag: ["a"],
      },
    );
    expect(wrongInput?.errors[0].message).toContain('Variable "$tags" of required type "[String!]!" was not provided.');
    expect(schemaErrors("{ shop { name } }")).toBeNull();
  });
});
