// The production server (server.mjs, as `npm start` runs it): POST /webhooks answered before
// Express and Remix, everything else still served as remix-serve served it, and a clean stop.
import { readdirSync } from "node:fs";
import { Agent, request as httpRequest, type IncomingMessage } from "node:http";
import { once } from "node:events";
import { describe, expect, inject, it } from "vitest";
import { startAppServer } from "../support/app-server";
import { testDb } from "../support/db";
import { fixtureFor, fixtureTextFor, installedShop, sendWebhook, sign, uniqueShop } from "../support/webhooks";

const app = () => inject("appUrl");

/** Shopify's headers for `body`, each of which a test may drop or change. */
function shopifyHeaders(shop: string, body: string, webhookId = crypto.randomUUID()): Record<string, string> {
  return {
    "Content-Type": "application/json",
    "X-Shopify-Topic": "orders/create",
    "X-Shopify-Shop-Domain": shop,
    "X-Shopify-API-Version": "2026-10",
    "X-Shopify-Webhook-Id": webhookId,
    "X-Shopify-Hmac-Sha256": sign(body),
  };
}

const storedEvents = (shop: string) => testDb().webhookEvent.count({ where: { shopDomain: shop } });

describe("POST /webhooks on the fast path", () => {
  it("stores a valid delivery once when Shopify sends it twice", async () => {
    const shop = await installedShop("fast-twice");
    const body = fixtureTextFor("orders/create", shop);
    const first = await sendWebhook(app(), { topic: "orders/create", shop, body, webhookId: "fast-1" });
    expect(first).toMatchObject({ status: 200, json: { status: "processed" } });
    const again = await sendWebhook(app(), { topic: "orders/create", shop, body, webhookId: "fast-1" });
    expect(again).toMatchObject({ status: 200, json: { duplicate: true } });
    expect(await storedEvents(shop)).toBe(1);
    expect(await testDb().order.count({ where: { shopDomain: shop } })).toBe(1);
  });

  it("refuses a bad HMAC with 401 and stores nothing, for an installed shop too", async () => {
    const shop = await installedShop("fast-hmac");
    const body = fixtureTextFor("orders/create", shop);
    const forged = await sendWebhook(app(), { topic: "orders/create", shop, body, hmac: sign(body, "not-the-secret") });
    expect(forged).toMatchObject({ status: 401, json: { error: "invalid HMAC signature" } });
    // The signature is checked over the raw bytes: one byte changed is refused.
    const changed = await sendWebhook(app(), { topic: "orders/create", shop, body: body.replace("#", "%"), hmac: sign(body) });
    expect(changed.status).toBe(401);
    expect(await storedEvents(shop)).toBe(0);
    expect(await testDb().order.count({ where: { shopDomain: shop } })).toBe(0);
  });

  it("answers other methods with 405", async () => {
    for (const method of ["GET", "PUT", "DELETE"]) {
      const response = await fetch(`${app()}/webhooks`, { method });
      expect(response.status, method).toBe(405);
      expect(response.headers.get("allow")).toBe("POST");
      expect(await response.json()).toEqual({ error: "webhooks are POST requests" });
    }
  });

  it("answers a missing header with a clear 4xx and stores nothing", async () => {
    const shop = await installedShop("fast-headers");
    const body = fixtureTextFor("orders/create", shop);
    const post = async (drop: string) => {
      const headers = shopifyHeaders(shop, body);
      delete headers[drop];
      const response = await fetch(`${app()}/webhooks?via=test`, { method: "POST", headers, body });
      return { status: response.status, json: await response.json() };
    };
    expect(await post("X-Shopify-Hmac-Sha256")).toEqual({ status: 401, json: { error: "missing HMAC signature" } });
    expect(await post("X-Shopify-Shop-Domain")).toEqual({
      status: 400,
      json: { error: "X-Shopify-Shop-Domain is not a myshopify.com domain" },
    });
    expect(await post("X-Shopify-Topic")).toEqual({ status: 400, json: { error: "missing headers: x-shopify-topic" } });
    expect(await post("X-Shopify-Webhook-Id")).toEqual({ status: 400, json: { error: "missing headers: x-shopify-webhook-id" } });
    expect(await post("X-Shopify-API-Version")).toEqual({
      status: 400,
      json: { error: "missing headers: x-shopify-api-version" },
    });
    expect(await storedEvents(shop)).toBe(0);
  });

  it("answers a body over 2 MiB with 413 and Connection: close, announced or not, and stores nothing", async () => {
    const shop = await installedShop("fast-huge");
    const body = JSON.stringify({ ...fixtureFor("orders/create", shop), note: "x".repeat(3 * 1024 * 1024) });
    // With and without a Content-Length: reading stops at the cap, the rest is never read. The
    // server answers and closes while the rest is still being written (EPIPE on this side).
    for (const announced of [true, false]) {
      const { port, hostname } = new URL(app());
      const request = httpRequest({
        host: hostname,
        port,
        path: "/webhooks",
        method: "POST",
        headers: shopifyHeaders(shop, body),
      });
      request.on("error", () => {});
      const answered = new Promise<IncomingMessage>((resolve) => request.on("response", resolve));
      // One end() sets a Content-Length; a write() first makes the body chunked.
      if (!announced) request.write(body.slice(0, 1024));
      request.end(announced ? body : body.slice(1024));
      const response = await answered;
      expect(response.statusCode).toBe(413);
      expect(response.headers.connection).toBe("close");
      if (announced) expect(response.headers["content-type"]).toMatch(/^application\/json/);
      request.destroy();
    }
    expect(await storedEvents(shop)).toBe(0);
  });
});

describe("everything else, as remix-serve served it", () => {
  it("serves build/client's hashed assets as immutable for a year, public/ for an hour", async () => {
    const asset = readdirSync("build/client/assets").find((name) => name.endsWith(".js"))!;
    const hashed = await fetch(`${app()}/assets/${asset}`);
    expect(hashed.status).toBe(200);
    expect(hashed.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(hashed.headers.get("content-type")).toMatch(/javascript/);
    const favicon = await fetch(`${app()}/favicon.svg`);
    expect(favicon.status).toBe(200);
    expect(favicon.headers.get("content-type")).toMatch(/svg/);
  });

  it("renders Remix pages, compressed for a client that accepts gzip", async () => {
    const page = await fetch(`${app()}/auth/login`, { headers: { "Accept-Encoding": "gzip" } });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    expect(page.headers.get("content-encoding")).toBe("gzip");
    expect(await page.text()).toContain("<html");
    const redirect = await fetch(`${app()}/`, { redirect: "manual" });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get("location")).toBe("/auth/login");
  });
});

describe("stopping", () => {
  it("answers a delivery in flight on SIGTERM, closes idle keep-alive connections and exits with 0", async () => {
    const server = await startAppServer({ databaseUrl: inject("databaseUrl"), adminDoubleUrl: inject("adminDoubleUrl") });
    const agent = new Agent({ keepAlive: true });
    try {
      const { port, hostname } = new URL(server.url);
      const post = (headers: Record<string, string>) =>
        httpRequest({ host: hostname, port, path: "/webhooks", method: "POST", headers, agent });
      // An idle keep-alive connection, which must not hold the stop open.
      const idle = post({});
      idle.end();
      const [refused] = (await once(idle, "response")) as [IncomingMessage];
      refused.resume();
      expect(refused.statusCode).toBe(401);
      await once(refused, "end");

      // A delivery whose body is half sent when SIGTERM arrives.
      const shop = uniqueShop("fast-stop");
      const body = fixtureTextFor("orders/create", shop);
      const inFlight = post({ ...shopifyHeaders(shop, body), "Content-Length": String(Buffer.byteLength(body)) });
      const answered = once(inFlight, "response");
      inFlight.write(body.slice(0, 100));
      await new Promise((done) => setTimeout(done, 300));
      const started = performance.now();
      const exited = once(server.process, "exit");
      server.process.kill("SIGTERM");
      await new Promise((done) => setTimeout(done, 300));
      inFlight.end(body.slice(100));
      const [response] = (await answered) as [IncomingMessage];
      response.setEncoding("utf8");
      let text = "";
      for await (const chunk of response) text += chunk;
      // Shopify's delivery for a shop without the app is acknowledged: it reached the database.
      expect({ status: response.statusCode, body: JSON.parse(text) }).toEqual({ status: 200, body: { status: "ignored" } });

      const [code, signal] = await exited;
      expect({ code, signal }, server.output()).toEqual({ code: 0, signal: null });
      expect(performance.now() - started, server.output()).toBeLessThan(2500);
      // Each delivery has its line in the request log, as every other request has.
      expect(server.output()).toMatch(/^POST \/webhooks 200 \d+ - [\d.]+ ms$/m);
    } finally {
      agent.destroy();
      await server.stop();
    }
  });
});
