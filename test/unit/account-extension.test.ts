// The customer account UI extension as Shopify receives it: bundled as the CLI bundles it and
// within Shopify's limit (64 KB compressed per extension from API 2025-10 on, 128 KB for a
// full-page-only extension: this one also has blocks, so 64 KB), translations complete in the
// five storefront languages, and no text the code asks for missing.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { ACCOUNT_EXTENSION_DIR, accountExtensionTargets, buildAccountExtension } from "../support/account-extension";

const BUNDLE_LIMIT_BYTES = 64 * 1024;
const LOCALES = join(ACCOUNT_EXTENSION_DIR, "locales");
const readLocale = (file: string) => JSON.parse(readFileSync(join(LOCALES, file), "utf8")) as Record<string, unknown>;
const source = readdirSync(join(ACCOUNT_EXTENSION_DIR, "src"))
  .map((file) => readFileSync(join(ACCOUNT_EXTENSION_DIR, "src", file), "utf8"))
  .join("\n");

/** Each key with its plural forms, if it has some. */
const shape = (locale: Record<string, unknown>) =>
  Object.entries(locale)
    .map(([key, value]) => (typeof value === "string" ? key : `${key}{${Object.keys(value as object).join(",")}}`))
    .sort();

describe("the customer account extension", () => {
  it("has a full page, a profile block and an order status block", () => {
    expect(accountExtensionTargets().map(({ target }) => target)).toEqual([
      "customer-account.page.render",
      "customer-account.profile.block.render",
      "customer-account.order-status.block.render",
    ]);
  });

  it("bundles within Shopify's size limit", async () => {
    const { code, metafile } = await buildAccountExtension("https://example.com");
    const compressed = gzipSync(code, { level: 9 }).length;
    const heaviest = Object.entries(metafile.outputs)[0][1].inputs;
    const parts = Object.entries(heaviest)
      .sort(([, a], [, b]) => b.bytesInOutput - a.bytesInOutput)
      .slice(0, 4)
      .map(([path, { bytesInOutput }]) => `${path.replace(/^.*node_modules\//, "")} ${bytesInOutput}`);
    console.info(
      `account extension bundle: ${code.length} B, ${compressed} B gzip (limit ${BUNDLE_LIMIT_BYTES}); ${parts.join("; ")}`,
    );
    expect(compressed).toBeLessThanOrEqual(BUNDLE_LIMIT_BYTES);
    // The translations stay in locales/, served by Shopify, never in the bundle.
    expect(code).not.toContain('basis_points_rolling_12_months":');
    expect(code).toContain("https://example.com/account/api/");
  });

  it("has every text in the five storefront languages, each one used", () => {
    const files = readdirSync(LOCALES).sort();
    expect(files).toEqual(["de.json", "en.default.json", "es.json", "fi.json", "fr.json"]);
    const english = readLocale("en.default.json");
    for (const file of files) expect([file, shape(readLocale(file))]).toEqual([file, shape(english)]);
    // A key is used when the code names it, or builds it from the tier basis (basis_<metric>_<window>).
    const unused = Object.keys(english).filter((key) => !source.includes(`"${key}"`) && !key.startsWith("basis_"));
    expect(unused).toEqual([]);
    const asked = [...source.matchAll(/\bt\("([a-z_]+)"/g)].map((match) => match[1]);
    expect(asked.filter((key) => !(key in english))).toEqual([]);
  });
});
