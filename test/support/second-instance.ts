// Imported first by a test that calls the app's server modules in its own process: they then run
// as a second instance of the app, on the test database. app/platform/db/client.server connects on import, and the
// Shopify configuration is read on import, so this must come before any import of them.
import { inject } from "vitest";
import { TEST_API_KEY, TEST_API_SECRET, TEST_SCOPES } from "./app-server";

Object.assign(process.env, {
  DATABASE_URL: inject("databaseUrl"),
  SHOPIFY_API_KEY: TEST_API_KEY,
  SHOPIFY_API_SECRET: TEST_API_SECRET,
  SCOPES: TEST_SCOPES,
  SHOPIFY_APP_URL: inject("appUrl"),
  COMEBACK_QUIET: "1",
});
