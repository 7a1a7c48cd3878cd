// Referrals in a real browser: the member's share section in the storefront panel (its own asset,
// loaded only when the panel opens for a member), and the friend's landing page through the App
// Proxy, rendered as Shopify renders Liquid answers, which creates the friend's code only when asked.
// The built app runs on a fresh SQLite database with Shopify's Admin API played by the double.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../../app/platform/db/migrate.server";
import { startAdminDouble, type AdminDouble } from "../mocks/shopify-admin";
import { adminCall, installShop } from "../support/app-proxy";
import { startAppServer, TEST_API_KEY, TEST_API_SECRET, TEST_SCOPES, type AppServer } from "../support/app-server";
import { expectAccessible } from "../support/axe";
import { launchBrowser } from "../support/browser";
import { freshDatabase } from "../support/database";
import { CUSTOMER_COOKIE, startStorefront, waitForProgramMetafield, type Storefront } from "../support/storefront-server";
import { sendCustomer, uniqueShop } from "../support/webhooks";

const SCREENSHOTS = "test-results/screenshots";
const PRODUCT = {
  id: 8_100_000_000_002,
  title: "Enamel mug",
  variants: [{ id: 45_000_000_000_011, title: "Small", price: 1999 }],
};

let browser: Browser;
let double: AdminDouble;
let app: AppServer;
let storefront: Storefront;
const shop = uniqueShop("referral-e2e");
const memberId = String(8_300_000_000_000_000_000n + BigInt(Date.now() % 1_000_000));
const productUrl = () => `${storefront.url}/products/enamel-mug`;

beforeAll(async () => {
  const databaseUrl = await freshDatabase("sqlite", "comeback_referrals_e2e");
  await migrate(databaseUrl);
  double = await startAdminDouble({ apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, scopes: TEST_SCOPES });
  app = await startAppServer({ databaseUrl, adminDoubleUrl: double.url });
  browser = await launchBrowser();
  await installShop(app.url, double.url, shop);
  const rules = [{ id: "purchase", kind: "purchase", points: 1, perAmount: "100" }];
  expect((await adminCall(app.url, shop, "/app/api/loyalty/program", { enabled: true, rules })).status).toBe(200);
  const referrals = {
    enabled: true,
    settings: { referrerPoints: 500, friend: { kind: "fixed_amount", value: "1000", validDays: 30 } },
  };
  expect((await adminCall(app.url, shop, "/app/api/referrals/program", referrals)).status).toBe(200);
  await sendCustomer(app.url, shop, memberId, { email: "mia@example.com" });
  await waitForProgramMetafield(double.url, shop);
  storefront = await startStorefront({ appUrl: app.url, adminDoubleUrl: double.url, shop, currency: "USD", product: PRODUCT });
});

afterAll(async () => {
  await browser?.close();
  await storefront?.close();
  await app?.stop();
  await double?.close();
});

async function shopper(signedIn: boolean): Promise<{ context: BrowserContext; page: Page; errors: string[]; scripts: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 860 }, locale: "en-US" });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: storefront.url });
  if (signedIn) await context.addCookies([{ name: CUSTOMER_COOKIE, value: memberId, url: storefront.url }]);
  const page = await context.newPage();
  const errors: string[] = [];
  const scripts: string[] = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  page.on("request", (request) => request.resourceType() === "script" && scripts.push(new URL(request.url()).pathname));
  return { context, page, errors, scripts };
}

const panel = (page: Page) => page.getByRole("dialog");

describe("referrals on the storefront", () => {
  it("shows a member their link in the panel with ways to share it, from an asset loaded only then", async () => {
    const { context, page, errors, scripts } = await shopper(true);
    await page.goto(productUrl(), { waitUntil: "load" });
    expect(
      scripts.some((path) => path.endsWith("/comeback-referral.js")),
      "not loaded before the panel opens",
    ).toBe(false);
    const before = storefront.proxied.length;
    await page.locator("[data-comeback-launcher]").click();
    const link = panel(page).getByLabel("Your invitation link");
    await link.waitFor();
    const url = await link.inputValue();
    expect(url).toMatch(new RegExp(`^${storefront.url}/apps/comeback/r/[2-9A-Z]{8}$`));
    expect(await panel(page).textContent()).toContain("Give friends $10.00 off their first order. You get 500 points once");
    expect(scripts.filter((path) => path.endsWith("/comeback-referral.js"))).toHaveLength(1);
    expect(storefront.proxied.slice(before).map((request) => request.path)).toEqual(["/panel", "/referral"]);

    await panel(page).getByRole("button", { name: "Copy link" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toBe("Link copied");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);
    const whatsapp = await panel(page).getByRole("link", { name: "WhatsApp" }).getAttribute("href");
    expect(decodeURIComponent(whatsapp!.split("text=")[1])).toBe(`Here is $10.00 off your first order: ${url}`);
    const email = await panel(page).getByRole("link", { name: "E-mail" }).getAttribute("href");
    expect(email).toMatch(/^mailto:\?subject=A%20gift%20for%20your%20first%20order&body=Here%20is/);
    expect(errors).toEqual([]);
    await expectAccessible(page, { include: [".comeback"] });
    await page.screenshot({ path: `${SCREENSHOTS}/storefront-referral-share.png` });
    await context.close();
  });

  it("loads nothing of referrals for a guest", async () => {
    const { context, page, errors, scripts } = await shopper(false);
    await page.goto(productUrl(), { waitUntil: "load" });
    const before = storefront.proxied.length;
    await page.locator("[data-comeback-launcher]").click();
    await expect.poll(() => panel(page).textContent()).toContain("Ways to earn");
    expect(scripts.some((path) => path.endsWith("/comeback-referral.js"))).toBe(false);
    expect(storefront.proxied.slice(before).map((request) => request.path)).toEqual(["/panel"]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("gives the friend a code on the landing page only when asked, in their language", async () => {
    const share = await (await adminCall(app.url, shop, "/app/api/referrals/program")).json();
    expect(share.enabled).toBe(true);
    const { context, page, errors } = await shopper(false);
    const { code } = await (
      await fetch(`${storefront.url}/apps/comeback/referral`, { headers: { Cookie: `${CUSTOMER_COOKIE}=${memberId}` } })
    ).json();
    const before = storefront.proxied.length;
    await page.goto(`${storefront.url}/de/apps/comeback/r/${code}`);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Eine Freundin oder ein Freund hat dich eingeladen");
    expect(storefront.proxied.slice(before).map((request) => request.method)).toEqual(["GET"]);
    await expectAccessible(page);
    await page.screenshot({ path: `${SCREENSHOTS}/referral-landing.png` });
    await page.getByRole("button", { name: "Code holen" }).click();
    const friendCode = page.locator("[data-comeback-code]");
    await friendCode.waitFor();
    expect(await friendCode.textContent()).toMatch(/^CB-[2-9A-HJ-NP-Z]{10}$/);
    expect(await page.getByRole("link", { name: "Jetzt einkaufen" }).getAttribute("href")).toBe(
      `/discount/${await friendCode.textContent()}?redirect=%2F`,
    );
    expect(await page.textContent("main")).toContain(
      "In einem anderen Browser oder auf einem anderen Gerät gib ihn an der Kasse ein.",
    );
    expect(errors).toEqual([]);
    await expectAccessible(page);
    await page.screenshot({ path: `${SCREENSHOTS}/referral-landing-code.png` });
    await context.close();
  });

  it("promises store credit when that is the referrer's reward, in the shopper's language and number format", async () => {
    const referrals = {
      enabled: true,
      settings: {
        referrerPoints: 500,
        referrerReward: { kind: "store_credit", value: "1500" },
        friend: { kind: "fixed_amount", value: "1000", validDays: 30 },
      },
    };
    expect((await adminCall(app.url, shop, "/app/api/referrals/program", referrals)).status).toBe(200);
    const { context, page, errors } = await shopper(true);
    await page.goto(`${storefront.url}/de/products/enamel-mug`, { waitUntil: "load" });
    await page.locator("[data-comeback-launcher]").click();
    await panel(page).getByLabel("Dein Einladungslink").waitFor();
    const usd = (amount: number) => new Intl.NumberFormat("de", { style: "currency", currency: "USD" }).format(amount);
    expect(await panel(page).textContent()).toContain(
      `Schenke Freunden ${usd(10)} Rabatt auf ihre erste Bestellung. Du bekommst ${usd(15)} Guthaben, sobald`,
    );
    expect(errors).toEqual([]);
    await context.close();
  });
});
