// Types for the app's Admin GraphQL operations (`#graphql` template strings under app/), generated
// by `npm run graphql-codegen` with Shopify's preset. The schema is the committed copy of the
// Admin API's (scripts/admin-schema.ts), not shopify.dev's, which the machines cannot reach:
// docs/decisions/0024-typed-admin-graphql.md.
import { ApiType, shopifyApiProject } from "@shopify/api-codegen-preset";
import type { IGraphQLConfig } from "graphql-config";
import { ADMIN_API_VERSION, ADMIN_SCHEMA_FILE } from "./app/platform/shopify/api-version";

const project = shopifyApiProject({
  apiType: ApiType.Admin,
  apiVersion: ADMIN_API_VERSION,
  documents: ["app/**/*.{ts,tsx}", "!app/**/*.test.ts", "!app/platform/shopify/generated/**"],
  outputDir: "app/platform/shopify/generated",
});

/**
 * The preset names shopify.dev unless its own JSON copy exists: every step reads the SDL file
 * instead. The schema's descriptions stay in the SDL (editors show them); in the types they would
 * double a 4 MB file that TypeScript parses on every check.
 */
const generates = Object.fromEntries(
  Object.entries(project.extensions.codegen.generates)
    .filter(([, step]) => !(step.plugins ?? []).includes("introspection"))
    .map(([file, step]) => [file, { ...step, schema: ADMIN_SCHEMA_FILE, config: { ...step.config, disableDescriptions: true } }]),
);

const config: IGraphQLConfig = {
  projects: {
    default: { ...project, schema: ADMIN_SCHEMA_FILE, extensions: { codegen: { ...project.extensions.codegen, generates } } },
  },
};

export default config;
