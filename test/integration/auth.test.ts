// The admin needs a valid Shopify session token; the local demo bypass cannot run in production.
import { describe, expect, inject, it } from "vitest";
import { startAppServer } from "../support/app-server";
import { BROWSER_HEADERS, embeddedAppUrl, sessionToken } from "../support/session-token";
import { uniqueShop } from "../support/webhooks";

const app = () => inject("appUrl");

describe("admin authentication", () => {
  it("refuses the admin without a session token, with a forged one and with an expired one", async () => {
    const shop = uniqueShop("auth");
    const attempts = [
      `${app()}/app?embedded=1&shop=${shop}`,
      embeddedAppUrl(app(), shop, sessionToken(shop, { secret: "forged" })),
      embeddedAppUrl(app(), shop, sessionToken(shop, { expiresInSeconds: -120 })),
    ];
    for (const url of attempts) {
      const response = await fetch(url, { redirect: "manual", headers: BROWSER_HEADERS });
      const body = await response.text();
      expect(response.status, url).not.toBe(200);
      // Neither the dashboard nor its empty state (what an installed shop without orders sees).
      expect(body).not.toContain("No orders yet");
      expect(body).not.toContain("Active customers kept");
    }
    const api = await fetch(`${app()}/app?_data=routes/app._index`, {
      headers: { ...BROWSER_HEADERS, Authorization: `Bearer ${sessionToken(shop, { secret: "forged" })}` },
      redirect: "manual",
    });
    expect(api.status).toBe(401);
  });

  it("never lets a shop see another shop's data", async () => {
    const token = sessionToken(uniqueShop("other"));
    // A token for one shop with another shop in the URL is refused.
    const response = await fetch(embeddedAppUrl(app(), uniqueShop("victim"), token), {
      redirect: "manual",
      headers: BROWSER_HEADERS,
    });
    expect(response.status).not.toBe(200);
  });
});

describe("local demo mode", () => {
  it("fails closed: the app refuses to start with COMEBACK_DEMO=1 in production", async () => {
    const server = await startAppServer({
      databaseUrl: inject("databaseUrl"),
      adminDoubleUrl: inject("adminDoubleUrl"),
      env: { COMEBACK_DEMO: "1", NODE_ENV: "production" },
      waitForHealth: false,
    });
    const code = await new Promise<number | null>((resolve) => {
      if (server.process.exitCode !== null) resolve(server.process.exitCode);
      server.process.once("exit", resolve);
      setTimeout(() => resolve(null), 20_000);
    });
    await server.stop();
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    expect(server.output()).toContain("refused in production");
  });
});
