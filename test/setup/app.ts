// Global setup of the "sqlite" and "postgresql" test projects: a fresh database of that kind,
// migrated; the Shopify Admin API double; and the built app running as a real HTTP server.
import type { TestProject } from "vitest/node";
import { migrate } from "../../app/platform/db/migrate.server";
import { startAdminDouble } from "../mocks/shopify-admin";
import { startAppServer, TEST_API_KEY, TEST_API_SECRET, TEST_SCOPES } from "../support/app-server";
import { freshDatabase, type TestDatabaseKind } from "../support/database";

declare module "vitest" {
  export interface ProvidedContext {
    appUrl: string;
    databaseUrl: string;
    adminDoubleUrl: string;
    databaseKind: TestDatabaseKind;
  }
}

export default async function setup(project: TestProject) {
  const kind = project.name as TestDatabaseKind;
  const databaseUrl = await freshDatabase(kind, `comeback_test_${kind}`);
  await migrate(databaseUrl);
  const double = await startAdminDouble({ apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, scopes: TEST_SCOPES });
  const app = await startAppServer({ databaseUrl, adminDoubleUrl: double.url });
  project.provide("appUrl", app.url);
  project.provide("databaseUrl", databaseUrl);
  project.provide("adminDoubleUrl", double.url);
  project.provide("databaseKind", kind);
  return async () => {
    await app.stop();
    await double.close();
  };
}
