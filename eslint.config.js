// ESLint, flat config: the rule sets of the Shopify Remix app template, whose .eslintrc extends
// @remix-run/eslint-config (recommended JavaScript and TypeScript, React, the rules of hooks,
// jsx-a11y), in their current flat form. @remix-run/eslint-config itself needs ESLint 8 and its
// legacy config, so it is not used. Formatting belongs to Prettier: eslint-config-prettier turns
// off the rules it owns. Why each setting below: docs/decisions/0014-code-health.md.
import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import jsxA11y from "eslint-plugin-jsx-a11y";
import react from "eslint-plugin-react";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

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
    // The storefront script runs in shoppers' browsers as a classic deferred script.
    files: ["extensions/**/*.js"],
    languageOptions: { sourceType: "script", globals: globals.browser },
  },
  {
    // The customer account extension: Preact (hooks with the same rules) in Shopify's sandbox.
    files: ["extensions/**/*.{ts,tsx}"],
    languageOptions: { globals: globals.browser },
    plugins: { "react-hooks": reactHooks },
    rules: { "react-hooks/rules-of-hooks": "error", "react-hooks/exhaustive-deps": "warn" },
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
