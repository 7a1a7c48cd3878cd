// ESLint, flat config: the rule sets of the Shopify Remix app template, whose .eslintrc extends
// @remix-run/eslint-config (recommended JavaScript and TypeScript, React, the rules of hooks,
// jsx-a11y), in their current flat form. @remix-run/eslint-config itself needs ESLint 8 and its
// legacy config, so it is not used. Formatting belongs to Prettier: eslint-config-prettier turns
// off the rules it owns. Why each setting below: docs/decisions/0014-code-health.md.
import { dirname, relative, resolve } from "node:path";
import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import jsxA11y from "eslint-plugin-jsx-a11y";
import react from "eslint-plugin-react";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

/** Whether `path` (relative to the repository) is `dir` or inside it. */
const inside = (path, dir) => path === dir || path.startsWith(`${dir}/`);

/**
 * The layers of app/ (docs/architecture.md, docs/decisions/0023-platform-layer.md). Each limit
 * names the folders it applies to, the folders their relative imports must not reach, and
 * exceptions; an import is resolved to the file it names before it is compared.
 */
const LAYERS = [
  {
    from: ["app/platform"],
    forbidden: ["app"],
    allowed: ["app/platform"],
    message: "the platform imports nothing of the app above it (no domain, worker, page or Shopify set-up)",
  },
  {
    from: ["app/sync", "app/metrics", "app/loyalty", "app/storefront", "app/customers", "app/demo"],
    forbidden: ["app/worker", "app/routes", "app/components", "app/root", "app/entry.server"],
    message: "a domain imports neither the worker nor the pages: they import it",
  },
  {
    from: ["app/worker"],
    forbidden: ["app/routes", "app/components", "app/root", "app/entry.server"],
    message: "the worker imports no page",
  },
];

const layers = {
  rules: {
    imports: {
      meta: { type: "problem", schema: [{ type: "array" }] },
      create(context) {
        const root = import.meta.dirname;
        const file = relative(root, context.filename);
        const limits = context.options[0].filter((limit) => limit.from.some((dir) => inside(file, dir)));
        if (limits.length === 0) return {};
        const check = (node) => {
          const specifier = node.source?.value;
          if (typeof specifier !== "string" || !specifier.startsWith(".")) return;
          const target = relative(root, resolve(dirname(context.filename), specifier));
          for (const limit of limits) {
            const reached = limit.forbidden.some((dir) => inside(target, dir) || target.startsWith(`${dir}.`));
            if (reached && !limit.allowed?.some((dir) => inside(target, dir))) {
              context.report({ node: node.source, message: `${limit.message}: ${specifier}` });
            }
          }
        };
        return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
      },
    },
  },
};

export default tseslint.config(
  { ignores: ["build/", ".cache/", ".shopify/", "test-results/", "bench-results/"] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      // A leading underscore marks a value left out on purpose (a callback's unused argument, a
      // field dropped from a copy), as @remix-run/eslint-config's ignoreRestSiblings does.
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
    },
  },
  {
    files: ["app/**/*.{ts,tsx}"],
    languageOptions: { globals: { ...globals.browser, ...globals.node, shopify: "readonly" } },
    settings: { react: { version: "detect" } },
  },
  { files: ["app/**/*.{ts,tsx}"], ...react.configs.flat.recommended },
  { files: ["app/**/*.{ts,tsx}"], ...react.configs.flat["jsx-runtime"] },
  {
    // The template's two rules of hooks; the React Compiler rules of react-hooks 7's preset are
    // for code the compiler builds, and this app does not use it.
    files: ["app/**/*.{ts,tsx}"],
    plugins: { "react-hooks": reactHooks },
    rules: { "react-hooks/rules-of-hooks": "error", "react-hooks/exhaustive-deps": "warn" },
  },
  { files: ["app/**/*.tsx"], ...jsxA11y.flatConfigs.recommended },
  {
    files: ["app/**/*.{ts,tsx}"],
    plugins: { layers },
    rules: { "layers/imports": ["error", LAYERS] },
  },
  {
    // The storefront script runs in shoppers' browsers as a classic deferred script.
    files: ["extensions/**/*.js"],
    languageOptions: { sourceType: "script", globals: globals.browser },
  },
  {
    // Tests read the app's JSON answers and Shopify's fixtures without declaring their shape.
    files: ["**/*.test.ts", "test/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    // Reference values computed at 30 digits (mpmath) are quoted as computed; the tests compare
    // them to a tolerance, so the digits a double cannot hold are documentation, not a bug.
    files: ["app/metrics/models/*.test.ts"],
    rules: { "no-loss-of-precision": "off" },
  },
  prettier,
);
