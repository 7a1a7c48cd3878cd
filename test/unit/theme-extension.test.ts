// The theme app extension as Shopify and shoppers receive it: Theme Check with the theme app
// extension config, the weight of its script and stylesheet, complete translations, readable
// colours, and "earn points" counting as the app's earning rules do.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { transformWithEsbuild } from "vite";
import { describe, expect, it } from "vitest";
import { purchasePoints } from "../../app/loyalty/earning";
import { currencyExponent } from "../../app/platform/money";
import { blockSchema, contrastRatio, EXTENSION_DIR, renderBlock, renderSnippet, type PageContext } from "../support/storefront";

const asset = (name: string) => readFileSync(join(EXTENSION_DIR, "assets", name), "utf8");
const locales = (suffix: ".json" | ".schema.json") =>
  readdirSync(join(EXTENSION_DIR, "locales")).filter(
    (file) => file.endsWith(suffix) && (suffix === ".schema.json" || !file.endsWith(".schema.json")),
  );
const readLocale = (file: string) => JSON.parse(readFileSync(join(EXTENSION_DIR, "locales", file), "utf8"));

/**
 * Theme Check as `shopify theme check` runs it on an extension, offline: its documentation
 * updater is pointed at a folder that does not exist and at an empty cache, so it falls back to
 * the Liquid docs and schemas bundled with the installed version instead of downloading them.
 */
async function themeCheck(root: string) {
  const saved = { SHOPIFY_TLD_ROOT: process.env.SHOPIFY_TLD_ROOT, XDG_CACHE_HOME: process.env.XDG_CACHE_HOME };
  const cache = mkdtempSync(join(tmpdir(), "theme-check-"));
  process.env.SHOPIFY_TLD_ROOT = join(cache, "no-docs");
  process.env.XDG_CACHE_HOME = cache;
  try {
    const { themeCheckRun } = await import("@shopify/theme-check-node");
    const { offenses } = await themeCheckRun(root, "theme-check:theme-app-extension");
    return offenses.map(({ check, message, uri }) => `${check} ${uri.split("/").slice(-2).join("/")}: ${message}`);
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    rmSync(cache, { recursive: true, force: true });
  }
}

/** Every leaf key of a locale file, dotted. */
function leafKeys(table: Record<string, unknown>, prefix = ""): string[] {
  return Object.entries(table).flatMap(([key, value]) =>
    value && typeof value === "object" ? leafKeys(value as Record<string, unknown>, `${prefix}${key}.`) : [`${prefix}${key}`],
  );
}
const leaf = (table: Record<string, any>, key: string): string => key.split(".").reduce<any>((node, part) => node[part], table);
/** Theme Check parses every file and loads its docs: seconds, more on a busy machine. */
const THEME_CHECK_TIMEOUT_MS = 60_000;
const placeholders = (text: string) => [...text.matchAll(/\{\{?\s*(\w+)\s*\}?\}/g)].map((match) => match[1]).sort();

describe("theme app extension", () => {
  it(
    "passes Theme Check with the theme app extension config",
    async () => {
      const offenses = await themeCheck(EXTENSION_DIR);
      console.log(`Theme Check (theme-check:theme-app-extension): ${offenses.length} offenses`);
      expect(offenses).toEqual([]);
    },
    THEME_CHECK_TIMEOUT_MS,
  );

  it(
    "has a Theme Check that does report offenses (a parser-blocking script, a missing translation)",
    async () => {
      const copy = mkdtempSync(join(tmpdir(), "comeback-extension-"));
      try {
        cpSync(EXTENSION_DIR, copy, { recursive: true });
        const block = join(copy, "blocks/points-balance.liquid");
        writeFileSync(
          block,
          `<script src="{{ 'comeback-loyalty.js' | asset_url }}"></script>{{ 'no.such.key' | t }}\n${readFileSync(block, "utf8")}`,
        );
        const checks = (await themeCheck(copy)).map((offense) => offense.split(" ")[0]);
        expect(checks).toEqual(expect.arrayContaining(["ParserBlockingScript", "TranslationKeyExists"]));
      } finally {
        rmSync(copy, { recursive: true, force: true });
      }
    },
    THEME_CHECK_TIMEOUT_MS,
  );

  it("keeps the script and the stylesheet within 10 KB minified", async () => {
    const sizes = [];
    for (const [name, loader] of [
      ["comeback-loyalty.js", "js"],
      ["comeback-referral.js", "js"],
      ["comeback-loyalty.css", "css"],
    ] as const) {
      const { code } = await transformWithEsbuild(asset(name), name, { loader, minify: true });
      const minified = Buffer.byteLength(code);
      sizes.push({ name, source: Buffer.byteLength(asset(name)), minified, gzip: gzipSync(code, { level: 9 }).length });
      // Theme Check's limit for an app block's JavaScript (AssetSizeAppBlockJavaScript), in bytes.
      expect(minified, name).toBeLessThanOrEqual(10_000);
    }
    console.table(sizes);
  });

  it("loads nothing that blocks rendering: deferred script, stylesheet switched from print", () => {
    const files = ["blocks", "snippets"].flatMap((folder) =>
      readdirSync(join(EXTENSION_DIR, folder)).map((file) => join(folder, file)),
    );
    for (const file of files) {
      const source = readFileSync(join(EXTENSION_DIR, file), "utf8");
      for (const script of source.match(/<script[^>]*\ssrc=[^>]*>/g) ?? []) expect(script, file).toMatch(/\sdefer[\s>]/);
      for (const link of source.match(/<link[^>]*rel="stylesheet"[^>]*>/g) ?? [])
        expect(link, file).toContain(`media="print" onload="this.media='all'"`);
      // Assets in the schema are injected by Shopify, out of the extension's control.
      expect(source, file).not.toMatch(/"(javascript|stylesheet)"\s*:/);
    }
  });

  it("has every storefront and theme editor string in English, German, French, Spanish and Finnish, with the same placeholders", () => {
    for (const suffix of [".json", ".schema.json"] as const) {
      const files = locales(suffix);
      const english = readLocale(`en.default${suffix}`);
      const keys = leafKeys(english).sort();
      expect(files.map((file) => file.split(".")[0]).sort()).toEqual(["de", "en", "es", "fi", "fr"]);
      for (const file of files) {
        const table = readLocale(file);
        expect(leafKeys(table).sort(), file).toEqual(keys);
        for (const key of keys)
          expect(placeholders(leaf(table, key)), `${file} ${key}`).toEqual(placeholders(leaf(english, key)));
      }
    }
  });

  it("gives the panel script every string it asks for", () => {
    const snippet = readFileSync(join(EXTENSION_DIR, "snippets/comeback-panel-strings.liquid"), "utf8");
    const passed = /assign keys = '([^']+)'/.exec(snippet)![1].split(",");
    const script = Object.keys(readLocale("en.default.json").script);
    expect([...passed].sort()).toEqual([...script].sort());
    const asked = [...asset("comeback-loyalty.js").matchAll(/say\("(\w+)"/g)].map((match) => match[1]);
    expect(asked.filter((key) => !script.includes(key))).toEqual([]);
    // Keys built from the App Proxy's values: every bonus kind and ledger entry type.
    for (const kind of ["first_order", "signup", "newsletter", "birthday"]) expect(script).toContain(`bonus_${kind}`);
    for (const type of ["earn", "void", "deduct", "redeem", "expire", "adjust"]) expect(script).toContain(`type_${type}`);
  });

  it("gives the referral share asset every string it asks for, and only signed-in shoppers load it (decision 31)", () => {
    const snippet = readFileSync(join(EXTENSION_DIR, "snippets/comeback-referral-strings.liquid"), "utf8");
    const passed = /assign keys = '([^']+)'/.exec(snippet)![1].split(",");
    const strings = Object.keys(readLocale("en.default.json").referral);
    expect([...passed].sort()).toEqual([...strings].sort());
    const asked = [...asset("comeback-referral.js").matchAll(/say\("(\w+)"/g)].map((match) => match[1]);
    expect([...new Set(asked)].sort()).toEqual([...strings].sort());
    const launcher = readFileSync(join(EXTENSION_DIR, "blocks/launcher.liquid"), "utf8");
    expect(launcher).toContain(`{%- if customer %} data-referral="{{ 'comeback-referral.js' | asset_url }}"{% endif %}`);
    expect(launcher).toContain("{%- if customer -%}{%- render 'comeback-referral-strings' -%}{%- endif -%}");
  });

  it("reads well in the default colours, and picks readable text on any colour a merchant chooses", () => {
    const settings = Object.fromEntries(blockSchema("launcher").settings.map((setting) => [setting.id, setting.default]));
    const textOn = (background: string) => renderSnippet("en", "comeback-readable-text", { background }).trim();
    expect(contrastRatio(settings.accent_color as string, textOn(settings.accent_color as string))).toBeGreaterThanOrEqual(7);
    expect(
      contrastRatio(settings.panel_background as string, textOn(settings.panel_background as string)),
    ).toBeGreaterThanOrEqual(7);
    for (const colour of ["#ffeb3b", "#0a0a5e", "#777777", "#767676", "#ff0000", "#00aa55", "#8a8a8a", "#4f4f4f"]) {
      expect(contrastRatio(colour, textOn(colour)), colour).toBeGreaterThanOrEqual(4.5);
    }
  });

  it("counts the points a price earns as the app's earning rules do, in any currency's minor units", () => {
    const earned = (price: number, currency: string, points: number, perAmount: string, multiplier: number) => {
      const program = { currency, currencyDigits: currencyExponent(currency), purchase: { points, perAmount } };
      const text = renderSnippet("en", "comeback-earn-text", { price, program, multiplier });
      return Number(/Earn (\d+) points?/.exec(text)![1]);
    };
    // Liquid prices are hundredths of the currency: 19.99 USD is 1999, ¥1,999 is 199900, 2.000 KWD is 200.
    const cases: [price: number, currency: string, points: number, perAmount: string, multiplier: number, base: bigint][] = [
      [1999, "USD", 1, "1000", 10_000, 1999n],
      [1999, "USD", 1, "100", 12_500, 1999n],
      [1999, "USD", 3, "250", 15_000, 1999n],
      [100, "USD", 1, "1000", 10_000, 100n],
      [199_900, "JPY", 1, "100", 10_000, 1999n],
      [199_900, "JPY", 2, "150", 11_000, 1999n],
      [200, "KWD", 1, "1000", 10_000, 2000n],
      [123_456_789, "EUR", 7, "333", 12_345, 123_456_789n],
    ];
    for (const [price, currency, points, perAmount, multiplier, base] of cases) {
      expect(earned(price, currency, points, perAmount, multiplier), `${price} ${currency}`).toBe(
        purchasePoints(base, { points, perAmount: BigInt(perAmount) }, multiplier),
      );
    }
  });
  it("shows on Earn points the signed-in tier's multiplier, no number in another currency, nothing while the program is off", () => {
    const program = {
      enabled: true,
      currency: "USD",
      currencyDigits: 2,
      purchase: { points: 1, perAmount: "100" },
      tiers: [{ id: "gold", name: "Gold", multiplierBasisPoints: 15_000 }],
    };
    const page = (changes: Partial<PageContext> = {}, programChanges = {}): PageContext => ({
      locale: "en",
      currency: "USD",
      customer: null,
      appMetafields: { $app: { program: { type: "json", value: { ...program, ...programChanges } } } },
      product: {
        id: 1,
        title: "Mug",
        variants: [
          { id: 11, title: "Small", price: 1999 },
          { id: 12, title: "Large", price: 2599 },
        ],
      },
      ...changes,
    });
    const visibleText = (html: string) =>
      html
        .replace(/<span data-variant-id="\d+"\s+hidden>.*?<\/span>/g, "")
        .replace(/<script[^>]*><\/script>|<[^>]+>/g, " ")
        .replace(/\s+/g, " ")
        .trim();
    const gold = {
      id: "7",
      metafields: {
        $app: { points: { type: "number_integer", value: 10 }, tier: { type: "single_line_text_field", value: "Gold" } },
      },
    };

    expect(visibleText(renderBlock(page(), "earn-points"))).toBe("Earn 19 points with this purchase");
    expect(visibleText(renderBlock(page({ customer: gold }), "earn-points"))).toBe(
      "Earn 29 points with this purchase includes your Gold bonus",
    );
    expect(visibleText(renderBlock(page({ presentmentCurrency: "EUR" }), "earn-points"))).toBe("Earn points with this purchase");
    expect(visibleText(renderBlock(page({ locale: "fi" }), "earn-points"))).toBe("Ansaitset tästä ostoksesta 19 pistettä");
    expect(renderBlock(page({}, { enabled: false }), "earn-points").trim()).toBe("");
    expect(renderBlock(page({}, { purchase: null }), "earn-points").trim()).toBe("");
    expect(renderBlock(page({}, { enabled: false }), "launcher").trim()).toBe("");
  });
});
