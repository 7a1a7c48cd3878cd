// Plays Shopify's storefront renderer for the theme app extension: renders its blocks and snippets
// with liquidjs, given the objects Shopify provides (customer and its metafields, app.metafields,
// product, cart, request, routes, block.settings) and the Shopify filters and tags the extension
// uses (asset_url, t, color_contrast, schema). Small on purpose: it knows nothing the extension
// does not use.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Liquid, Tag, type Emitter, type Liquid as LiquidEngine, type TagToken, type TopLevelToken } from "liquidjs";

export const EXTENSION_DIR = resolve("extensions/comeback-loyalty");
/** Where the stand-in serves the extension's assets, as Shopify's CDN would. */
export const ASSET_PATH = "/cdn/extensions/comeback-loyalty/assets/";

/** A metafield as Liquid sees it: its type and its value (JSON parsed, integers as numbers). */
export interface LiquidMetafield {
  type: string;
  value: unknown;
}
/** namespace -> key -> metafield; the app's reserved namespace is "$app". */
export type Metafields = Record<string, Record<string, LiquidMetafield>>;

export interface StorefrontCustomer {
  id: string;
  metafields: Metafields;
}

export interface StorefrontProduct {
  id: number;
  title: string;
  /** Liquid money: hundredths of the currency, whatever its decimals. */
  variants: { id: number; title: string; price: number }[];
}

export interface PageContext {
  /** Shopper's language, as request.locale.iso_code. */
  locale: string;
  /** The shop's currency, which the shopper browses in unless `presentmentCurrency` says otherwise. */
  currency: string;
  presentmentCurrency?: string;
  customer: StorefrontCustomer | null;
  appMetafields: Metafields;
  product?: StorefrontProduct;
}

type Translations = Record<string, unknown>;

const readJson = (path: string) => JSON.parse(readFileSync(path, "utf8"));

/** Shopify's escaping of translations (keys not ending in _html). */
const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (char) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[char]!);

function translations(locale: string): Translations[] {
  const language = locale.split("-")[0];
  const fallback = readJson(join(EXTENSION_DIR, "locales/en.default.json"));
  if (language === "en") return [fallback];
  return [readJson(join(EXTENSION_DIR, `locales/${language}.json`)), fallback];
}

/** Shopify's `t`: the key in the shopper's language (English when missing), pluralised by `count`, {{ placeholders }} filled. */
function translate(locale: string, key: string, values: Record<string, unknown>): string {
  for (const table of translations(locale)) {
    let entry: unknown = key.split(".").reduce<unknown>((node, part) => (node as Translations | undefined)?.[part], table);
    if (entry && typeof entry === "object" && "count" in values) {
      const forms = entry as Record<string, string>;
      entry = forms[new Intl.PluralRules(locale).select(Number(values.count))] ?? forms.other;
    }
    if (typeof entry === "string")
      return escapeHtml(entry.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name) => String(values[name] ?? "")));
  }
  return `translation missing: ${locale}.${key}`;
}

function luminance(hex: string): number {
  const channels = hex
    .replace("#", "")
    .match(/../g)!
    .map((pair) => parseInt(pair, 16) / 255);
  const [r, g, b] = channels.map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2 contrast ratio of two hex colours, as Shopify's color_contrast filter returns it. */
export function contrastRatio(first: string, second: string): number {
  const [light, dark] = [luminance(first), luminance(second)].sort((a, b) => b - a);
  return Math.round(((light + 0.05) / (dark + 0.05)) * 10) / 10;
}

/** {% schema %}: Shopify reads it and renders nothing. */
class SchemaTag extends Tag {
  constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: LiquidEngine) {
    super(token, remainTokens, liquid);
    while (remainTokens.length) {
      const next = remainTokens.shift()!;
      if ((next as TagToken).name === "endschema") return;
    }
    throw new Error("{% schema %} not closed");
  }
  *render(_context: unknown, _emitter: Emitter) {}
}

function engine(locale: string): Liquid {
  const liquid = new Liquid({ root: [join(EXTENSION_DIR, "snippets")], extname: ".liquid", cache: true });
  liquid.registerTag("schema", SchemaTag);
  liquid.registerFilter("asset_url", (name: string) => ASSET_PATH + name);
  liquid.registerFilter("t", function (key: string, ...args: [string, unknown][]) {
    return translate(locale, key, Object.fromEntries(args));
  });
  liquid.registerFilter("color_contrast", (first: string, second: string) => contrastRatio(first, second));
  return liquid;
}

/** The {% schema %} of a block file. */
export function blockSchema(block: string): { name: string; target: string; settings: { id: string; default?: unknown }[] } {
  const source = readFileSync(join(EXTENSION_DIR, "blocks", `${block}.liquid`), "utf8");
  return JSON.parse(/\{%\s*schema\s*%\}([\s\S]*?)\{%\s*endschema\s*%\}/.exec(source)![1]);
}

/** The block's settings as Shopify passes them: the schema's defaults, then the merchant's choices. */
function blockSettings(block: string, chosen: Record<string, unknown>) {
  const defaults = Object.fromEntries(blockSchema(block).settings.map((setting) => [setting.id, setting.default ?? null]));
  return { ...defaults, ...chosen };
}

/** The objects Shopify gives a block's Liquid on a storefront page. */
function globals(page: PageContext, block: string, settings: Record<string, unknown>) {
  const product = page.product && {
    ...page.product,
    selected_or_first_available_variant: page.product.variants[0],
  };
  return {
    block: { id: block, settings: blockSettings(block, settings), shopify_attributes: "" },
    app: { metafields: page.appMetafields },
    customer: page.customer && { id: Number(page.customer.id), metafields: page.customer.metafields },
    cart: { currency: { iso_code: page.presentmentCurrency ?? page.currency } },
    product,
    request: { locale: { iso_code: page.locale }, design_mode: false },
    routes: { account_login_url: "/account/login", account_register_url: "/account/register" },
  };
}

/** A block's HTML, as Shopify renders it into the theme (embed blocks before </body>). */
export function renderBlock(page: PageContext, block: string, settings: Record<string, unknown> = {}): string {
  return engine(page.locale).parseAndRenderSync(
    readFileSync(join(EXTENSION_DIR, "blocks", `${block}.liquid`), "utf8"),
    globals(page, block, settings),
  );
}

/** A snippet rendered on its own with the given arguments, for unit tests of its logic. */
export function renderSnippet(locale: string, snippet: string, variables: Record<string, unknown>): string {
  return engine(locale).renderFileSync(snippet, variables);
}

/**
 * An App Proxy answer of type application/liquid, as Shopify renders it: in the theme's layout,
 * with the storefront's objects (the shopper's locale and the root of their language's paths).
 */
export function renderProxyLiquid(locale: string, source: string): string {
  const content = engine(locale).parseAndRenderSync(source, {
    request: { locale: { iso_code: locale } },
    routes: { root_url: locale === "en" ? "/" : `/${locale}` },
  });
  return `<!doctype html>
<html lang="${locale}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Comeback Test Shop</title></head>
<body>
<header><a href="/">Comeback Test Shop</a></header>
<main>${content}</main>
</body>
</html>`;
}
