// A local page standing in for a shop's storefront, for browser tests of the theme app extension.
// It plays the two parts Shopify plays: the theme renderer (a product page with the extension's
// blocks and app embed rendered by test/support/storefront.ts, its assets served as from Shopify's
// CDN) and the App Proxy (/apps/comeback/* forwarded to the running app's /proxy/*, with Shopify's
// query added and signed). The shopper's session is a cookie naming the signed-in customer; the
// metafields Liquid reads are those the app wrote to the Admin API double.
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { PROXY_PATH_PREFIX, proxyQuery } from "./app-proxy";
import { waitFor } from "./wait";
import {
  ASSET_PATH,
  EXTENSION_DIR,
  renderBlock,
  renderProxyLiquid,
  type Metafields,
  type PageContext,
  type StorefrontProduct,
} from "./storefront";

/** The cookie that stands for a signed-in shopper's session: the customer's numeric id. */
/** The App Proxy's paths, with the language prefix of a storefront in another language. */
const PROXY_PATH = new RegExp(`^(?:/([a-z]{2}))?${PROXY_PATH_PREFIX}(/.*)$`);

export const CUSTOMER_COOKIE = "storefront_customer";

export interface ProxiedRequest {
  method: string;
  path: string;
  status: number;
}

export interface Storefront {
  url: string;
  /** Every request forwarded to the App Proxy, in order. */
  proxied: ProxiedRequest[];
  /**
   * Spoils what the stand-in forwards, to play requests that Shopify's proxy did not send:
   * "signature" breaks the signature (forged or tampered), "stale" signs a timestamp five minutes
   * old (a replay). null: requests as Shopify sends them.
   */
  forgery: "signature" | "stale" | null;
  close(): Promise<void>;
}

interface StoredMetafield {
  ownerId: string;
  namespace: string;
  key: string;
  type: string;
  value: string;
}

/** Liquid's view of a metafield's value: JSON parsed, integers as numbers, text as is. */
function liquidValue({ type, value }: StoredMetafield): unknown {
  if (type === "json") return JSON.parse(value);
  if (type === "number_integer") return Number(value);
  return value;
}

/** The metafields Shopify holds for the shop (what the app wrote to the Admin API double), by owner GID. */
async function metafieldsByOwner(adminDoubleUrl: string, shop: string): Promise<Map<string, Metafields>> {
  const stored = (await (await fetch(`${adminDoubleUrl}/_test/metafields?shop=${shop}`)).json()) as StoredMetafield[];
  const owners = new Map<string, Metafields>();
  for (const metafield of stored) {
    const owner = owners.get(metafield.ownerId) ?? owners.set(metafield.ownerId, {}).get(metafield.ownerId)!;
    (owner[metafield.namespace] ??= {})[metafield.key] = { type: metafield.type, value: liquidValue(metafield) };
  }
  return owners;
}

/**
 * Waits until the app has written the program's metafield with the program enabled: the worker
 * writes it after the save, and the launcher is drawn from it, as on Shopify's storefront.
 */
export async function waitForProgramMetafield(adminDoubleUrl: string, shop: string): Promise<void> {
  await waitFor("the program's metafield", async () => {
    const owners = await metafieldsByOwner(adminDoubleUrl, shop);
    const installation = [...owners.entries()].find(([owner]) => owner.startsWith("gid://shopify/AppInstallation/"));
    const program = installation?.[1].$app?.program?.value as { enabled?: boolean } | undefined;
    return program?.enabled === true;
  });
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

const cookie = (request: IncomingMessage, name: string) =>
  (request.headers.cookie ?? "")
    .split(/;\s*/)
    .find((pair) => pair.startsWith(`${name}=`))
    ?.slice(name.length + 1) || null;

const escapeHtml = (text: string) =>
  text.replace(/[&<>"]/g, (char) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[char]!);

/** A plain theme's product page: header, product form, the two app blocks, the app embed before </body>. */
function productPage(page: PageContext, product: StorefrontProduct): string {
  const price = (hundredths: number) =>
    new Intl.NumberFormat(page.locale, { style: "currency", currency: page.currency }).format(hundredths / 100);
  const options = product.variants.map(
    (variant) => `<option value="${variant.id}">${escapeHtml(variant.title)} – ${price(variant.price)}</option>`,
  );
  return `<!doctype html>
<html lang="${page.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(product.title)} – Comeback Test Shop</title>
<style>
  body { margin: 0; font: 16px/1.5 system-ui, sans-serif; color: #1a1a1a; background: #fafaf7; }
  header { display: flex; justify-content: space-between; padding: 1rem 2rem; border-bottom: 1px solid #ddd; }
  header a { color: inherit; }
  main { max-width: 40rem; padding: 1rem 2rem 8rem; }
  .price { font-size: 1.25rem; }
  form { display: flex; gap: 0.5rem; margin: 1rem 0; }
  select, form button { font: inherit; padding: 0.5rem; }
</style>
</head>
<body>
<header><a href="/">Comeback Test Shop</a><a href="/account">Account</a></header>
<main>
  <h1>${escapeHtml(product.title)}</h1>
  <p class="price">${price(product.variants[0].price)}</p>
  <form action="/cart/add" method="post">
    <label for="variant">Size</label>
    <select id="variant" name="id">${options.join("")}</select>
    <button type="submit">Add to cart</button>
  </form>
  ${renderBlock(page, "earn-points")}
  <section>${renderBlock(page, "points-balance", { heading: "Your rewards" })}</section>
</main>
${renderBlock(page, "launcher")}
</body>
</html>`;
}

export async function startStorefront(options: {
  appUrl: string;
  adminDoubleUrl: string;
  shop: string;
  currency: string;
  product: StorefrontProduct;
}): Promise<Storefront> {
  const { appUrl, adminDoubleUrl, shop } = options;
  const proxied: ProxiedRequest[] = [];

  async function page(request: IncomingMessage, locale: string) {
    const customerId = cookie(request, CUSTOMER_COOKIE);
    const owners = await metafieldsByOwner(adminDoubleUrl, shop);
    const installation = [...owners.keys()].find((owner) => owner.startsWith("gid://shopify/AppInstallation/"));
    const context: PageContext = {
      locale,
      currency: options.currency,
      customer: customerId ? { id: customerId, metafields: owners.get(`gid://shopify/Customer/${customerId}`) ?? {} } : null,
      appMetafields: (installation && owners.get(installation)) || {},
      product: options.product,
    };
    return productPage(context, options.product);
  }

  /** Shopify's App Proxy: the same path under the app's proxy URL, the shopper's query plus Shopify's, signed. */
  async function proxy(request: IncomingMessage, url: URL) {
    const timestamp = Math.floor(Date.now() / 1000) - (storefront.forgery === "stale" ? 300 : 0);
    const query = proxyQuery({
      shop,
      customerId: cookie(request, CUSTOMER_COOKIE),
      timestamp,
      query: Object.fromEntries(url.searchParams),
    });
    if (storefront.forgery === "signature")
      query.set(
        "signature",
        query.get("signature")!.replace(/^./, (first) => (first === "0" ? "1" : "0")),
      );
    // A storefront in another language prefixes its paths (/de/apps/comeback/...), as Shopify's do.
    const [, locale = "en", path] = PROXY_PATH.exec(url.pathname)!;
    const body = request.method === "GET" || request.method === "HEAD" ? undefined : await readBody(request);
    const forwarded = await fetch(`${appUrl}/proxy${path}?${query}`, {
      method: request.method,
      headers: {
        "Content-Type": request.headers["content-type"] ?? "application/json",
        Accept: request.headers.accept ?? "application/json",
        // Shopify forwards the storefront's host and appends the address the shopper connected
        // from to any X-Forwarded-For the shopper's client sent (docs/app-proxy.md, "Rate limits").
        "X-Forwarded-For": [request.headers["x-forwarded-for"], request.socket.remoteAddress ?? "127.0.0.1"]
          .filter(Boolean)
          .join(", "),
        "X-Forwarded-Host": shop,
      },
      body,
      redirect: "manual",
    });
    proxied.push({ method: request.method!, path, status: forwarded.status });
    const type = forwarded.headers.get("content-type") ?? "application/json";
    // Liquid is rendered in the theme, in the shopper's language.
    if (type.startsWith("application/liquid")) {
      const html = renderProxyLiquid(locale, await forwarded.text());
      return { status: forwarded.status, headers: { "Content-Type": "text/html; charset=utf-8" }, body: Buffer.from(html) };
    }
    const headers: Record<string, string> = { "Content-Type": type };
    const retryAfter = forwarded.headers.get("retry-after");
    if (retryAfter) headers["Retry-After"] = retryAfter;
    return { status: forwarded.status, headers, body: Buffer.from(await forwarded.arrayBuffer()) };
  }

  const server: Server = createServer(async (request, response) => {
    try {
      const url = new URL(request.url ?? "/", "http://storefront");
      if (PROXY_PATH.test(url.pathname)) {
        const answer = await proxy(request, url);
        response.writeHead(answer.status, answer.headers);
        return void response.end(answer.body);
      }
      if (url.pathname.startsWith(ASSET_PATH)) {
        const name = url.pathname.slice(ASSET_PATH.length);
        if (!/^[\w.-]+$/.test(name)) return void response.writeHead(404).end();
        const type = name.endsWith(".css") ? "text/css" : "text/javascript";
        response.writeHead(200, { "Content-Type": `${type}; charset=utf-8` });
        return void response.end(await readFile(join(EXTENSION_DIR, "assets", name)));
      }
      // A product page at /products/<handle>, or /<locale>/products/<handle> in another language.
      const localized = /^\/(?:([a-z]{2})\/)?products\/[\w-]+$/.exec(url.pathname);
      if (localized) {
        response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
        return void response.end(await page(request, localized[1] ?? "en"));
      }
      response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      response.end(`<!doctype html><title>${escapeHtml(url.pathname)}</title><h1>${escapeHtml(url.pathname)}</h1>`);
    } catch (error) {
      response.writeHead(500, { "Content-Type": "text/plain" });
      response.end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));

  const storefront: Storefront = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    proxied,
    forgery: null,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return storefront;
}
