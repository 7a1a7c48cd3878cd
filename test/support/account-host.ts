// A local page standing in for Shopify's customer account host, for browser tests of the customer
// account UI extension (extensions/comeback-account). Shopify runs an extension's bundle in a
// sandboxed worker and draws its web components (s-page, s-button, ...) itself; this stand-in
// runs the same bundle (built as the CLI builds it, test/support/account-extension.ts) in the
// page and gives it what the host gives:
// - the `shopify` global: sessionToken.get() (a customer account token signed with the test
//   secret for one shop and customer, fetched from this server as Shopify's host fetches its
//   own), i18n (the extension's locales/ with Shopify's {{name}} replacement and plural keys,
//   numbers, money and dates through Intl in the shopper's locale), localization, navigation
//   (recorded), storage (in memory), the order (order status targets) and extend();
// - Shopify's web components as minimal custom elements that render their attributes and slots
//   with native HTML (headings, sections, buttons, progress, lists, labelled fields), enough to
//   read, click and check accessibility. They are not Shopify's components and do not look like
//   them: screenshots show the extension's content and structure, not Shopify's styling.
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { ACCOUNT_EXTENSION_DIR, buildAccountExtension } from "./account-extension";
import { customerAccountToken } from "./session-token";

export interface AccountHost {
  url: string;
  /** The host page for one target: ?target=...&locale=...&order=<order GID>. */
  page(target: string, options?: { locale?: string; orderGid?: string }): string;
  close(): Promise<void>;
}

const LOCALE_FILES: Record<string, string> = {
  en: "en.default.json",
  de: "de.json",
  es: "es.json",
  fi: "fi.json",
  fr: "fr.json",
};

/** The custom elements and the `shopify` global, run in the page before the extension's bundle. */
const HOST_SCRIPT = String.raw`
const escape = (text) => String(text ?? "").replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
function component(tag, props, render, hostRole) {
  // Preact sets most props as properties, some (href) as attributes: both are read.
  const byAttribute = Object.fromEntries(props.map((prop) => [prop.toLowerCase(), prop]));
  class Component extends HTMLElement {
    static observedAttributes = Object.keys(byAttribute);
    constructor() { super(); this.values = {}; this.attachShadow({ mode: "open" }); }
    connectedCallback() { if (hostRole) this.setAttribute("role", hostRole); this.update(); }
    attributeChangedCallback(name, old, value) { this.values[byAttribute[name]] = value; this.update(); }
    update() { if (this.isConnected) render(this, this.shadowRoot, this.values); }
  }
  for (const prop of props) {
    Object.defineProperty(Component.prototype, prop, {
      get() { return this.values[prop]; },
      set(value) { this.values[prop] = value; this.update(); },
    });
  }
  customElements.define(tag, Component);
}
const css = "<style>:host{display:block} .subdued{color:#4a4a4a} .strong{font-weight:700} .critical{color:#b00020}</style>";
component("s-page", ["heading"], (el, root, v) => {
  root.innerHTML = css + "<main><h1>" + escape(v.heading) + "</h1><slot></slot></main>";
});
component("s-section", ["heading"], (el, root, v) => {
  root.innerHTML = css + "<section>" + (v.heading ? "<h2>" + escape(v.heading) + "</h2>" : "") + "<slot></slot></section>";
});
component("s-stack", ["direction", "gap", "justifyContent", "alignItems"], (el, root, v) => {
  const row = v.direction === "inline";
  root.innerHTML = "<div style='display:flex;flex-direction:" + (row ? "row" : "column") + ";gap:" + (v.gap === "base" ? "12px" : "4px") +
    ";justify-content:" + (v.justifyContent ?? "normal") + ";align-items:" + (v.alignItems ?? "normal") + "'><slot></slot></div>";
});
component("s-text", ["type", "color", "tone"], (el, root, v) => {
  root.innerHTML = css + "<span class='" + [v.type, v.color, v.tone].filter(Boolean).join(" ") + "'><slot></slot></span>";
});
component("s-banner", ["heading", "tone"], (el, root, v) => {
  const role = v.tone === "critical" ? "alert" : "status";
  root.innerHTML = css + "<div role='" + role + "' style='border:1px solid #888;padding:8px'><p class='strong'>" + escape(v.heading) + "</p><slot></slot></div>";
});
component("s-button", ["loading", "disabled", "variant", "accessibilityLabel"], (el, root, v) => {
  root.innerHTML = "<button type='button'" + (v.disabled || v.loading ? " disabled" : "") + (v.loading ? " aria-busy='true'" : "") +
    (v.accessibilityLabel ? " aria-label='" + escape(v.accessibilityLabel) + "'" : "") + "><slot></slot></button>";
});
component("s-progress", ["value", "max", "accessibilityLabel"], (el, root, v) => {
  root.innerHTML = "<progress value='" + escape(v.value) + "' max='" + escape(v.max ?? 1) + "' aria-label='" + escape(v.accessibilityLabel) + "'></progress>";
});
component("s-link", ["href"], (el, root, v) => {
  root.innerHTML = "<a href='" + escape(v.href) + "'><slot></slot></a>";
  root.querySelector("a").addEventListener("click", (event) => { event.preventDefault(); shopify.navigation.navigate(v.href); });
});
component("s-spinner", ["accessibilityLabel"], (el, root, v) => {
  root.innerHTML = "<span role='status'>" + escape(v.accessibilityLabel) + "</span>";
});
component("s-unordered-list", [], (el, root) => { root.innerHTML = css + "<slot></slot>"; }, "list");
component("s-list-item", [], (el, root) => { root.innerHTML = css + "&bull; <slot></slot>"; }, "listitem");
component("s-text-field", ["label", "error"], (el, root, v) => {
  let input = root.querySelector("input");
  if (!input) {
    root.innerHTML = css + "<label for='field'></label><input id='field' aria-describedby='error'><p id='error' class='critical'></p>";
    input = root.querySelector("input");
  }
  root.querySelector("label").textContent = v.label ?? "";
  root.querySelector("#error").textContent = v.error ?? "";
  input.setAttribute("aria-invalid", v.error ? "true" : "false");
  if (input.value !== (v.value ?? "")) input.value = v.value ?? "";
});
Object.defineProperty(customElements.get("s-text-field").prototype, "value", {
  get() { return this.shadowRoot.querySelector("input")?.value ?? this.values.value; },
  set(value) { this.values.value = value; this.update(); },
});

const config = JSON.parse(document.getElementById("host-config").textContent);
const plural = new Intl.PluralRules(config.locale);
const lookup = (key) => key.split(".").reduce((node, part) => node?.[part], config.translations);
const targets = new Map();
const memory = new Map();
globalThis.shopify = {
  extension: { target: config.target, apiVersion: "2026-10" },
  sessionToken: { get: async () => (await fetch("/token")).text() },
  i18n: {
    translate(key, replacements = {}) {
      let text = lookup(key);
      if (text && typeof text === "object") text = text[plural.select(Number(replacements.count))] ?? text.other;
      if (typeof text !== "string") return key;
      return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (match, name) => name in replacements ? String(replacements[name]) : match);
    },
    formatNumber: (number, options) => new Intl.NumberFormat(config.locale, options).format(number),
    formatCurrency: (number, options) => new Intl.NumberFormat(config.locale, { style: "currency", ...options }).format(number),
    formatDate: (date, options) => new Intl.DateTimeFormat(config.locale, options).format(date),
  },
  localization: { language: { value: { isoCode: config.locale } }, extensionLanguage: { value: { isoCode: config.locale } } },
  navigation: { navigated: [], navigate(url) { this.navigated.push(String(url)); } },
  storage: {
    read: async (key) => memory.get(key) ?? null,
    write: async (key, value) => void memory.set(key, value),
    delete: async (key) => void memory.delete(key),
  },
  ...(config.orderGid && { order: { value: { id: config.orderGid } } }),
  extend(target, render) { targets.set(target, render); },
};
globalThis.startExtension = () => targets.get(config.target)();
`;

export async function startAccountHost(options: { appUrl: string; shop: string; customerGid: string }): Promise<AccountHost> {
  const { code } = await buildAccountExtension(options.appUrl);
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://host");
    if (url.pathname === "/token") {
      response.writeHead(200, { "Content-Type": "text/plain" });
      response.end(customerAccountToken(options.shop, { customerGid: options.customerGid }));
      return;
    }
    if (url.pathname === "/extension.js") {
      response.writeHead(200, { "Content-Type": "text/javascript" });
      response.end(code);
      return;
    }
    if (url.pathname !== "/") {
      // The browser's favicon request included: the host has nothing else.
      response.writeHead(url.pathname === "/favicon.ico" ? 204 : 404).end();
      return;
    }
    const locale = url.searchParams.get("locale") ?? "en";
    const translations = JSON.parse(readFileSync(join(ACCOUNT_EXTENSION_DIR, "locales", LOCALE_FILES[locale]), "utf8"));
    const config = { target: url.searchParams.get("target"), locale, orderGid: url.searchParams.get("order"), translations };
    response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    response.end(`<!doctype html>
<html lang="${locale}">
<head><meta charset="utf-8"><title>Customer account (stand-in)</title>
<style>body{font-family:sans-serif;max-width:760px;margin:24px auto;color:#1a1a1a;background:#fff}</style></head>
<body>
<script type="application/json" id="host-config">${JSON.stringify(config).replace(/</g, "\\u003c")}</script>
<script>${HOST_SCRIPT}</script>
<script src="/extension.js"></script>
<script>startExtension();</script>
</body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    page: (target, { locale = "en", orderGid } = {}) =>
      `${url}/?${new URLSearchParams({ target, locale, ...(orderGid && { order: orderGid }) })}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
