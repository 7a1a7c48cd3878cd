// The customer account extension in a real browser: its bundle, built as the CLI builds it, on a
// stand-in for Shopify's customer account host (test/support/account-host.ts), calling the built
// app across origins with a customer account session token, the app running on a fresh SQLite
// database with Shopify's Admin API played by the double. A merchant sets up the program through
// the admin API; the customer earns from order webhooks and a manual credit.
import { randomUUID } from "node:crypto";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../../app/platform/db/migrate.server";
import { startAdminDouble, type AdminDouble } from "../mocks/shopify-admin";
import { startAccountHost, type AccountHost } from "../support/account-host";
import { adminCall, installShop } from "../support/app-proxy";
import { startAppServer, TEST_API_KEY, TEST_API_SECRET, TEST_SCOPES, type AppServer } from "../support/app-server";
import { expectAccessible } from "../support/axe";
import { launchBrowser } from "../support/browser";
import { freshDatabase } from "../support/database";
import { BROWSER_HEADERS } from "../support/session-token";
import { waitFor } from "../support/wait";
import { orderPayload, sendWebhook, uniqueShop } from "../support/webhooks";

const SCREENSHOTS = "test-results/screenshots";
const DAY_MS = 86_400_000;
const PROGRAM = {
  enabled: true,
  settings: { pendingDays: 14 },
  rules: [
    {
      id: "purchase",
      kind: "purchase",
      points: 1,
      perAmount: "100",
      effectiveFrom: new Date(Date.now() - 400 * DAY_MS).toISOString(),
    },
    { id: "birthday", kind: "birthday", points: 50 },
  ],
  tiers: [
    { id: "silver", name: "Silver", threshold: "50", multiplierBasisPoints: 10_000 },
    { id: "gold", name: "Gold", threshold: "500", multiplierBasisPoints: 10_000 },
  ],
  rewards: [
    { id: "ten-off", name: "$10 off", kind: "fixed_amount", pointsCost: 60, validDays: 30, value: "1000" },
    {
      id: "free-shipping",
      name: "Free shipping",
      description: "Whatever you order",
      translations: { de: { name: "Versand geschenkt", description: "Was immer Sie bestellen" } },
      kind: "free_shipping",
      pointsCost: 400,
      validDays: 30,
    },
  ],
};

let browser: Browser;
let double: AdminDouble;
let app: AppServer;
let host: AccountHost;
const shop = uniqueShop("account");
const customerId = String(8_300_000_000_000_000_000n + BigInt(Date.now() % 1_000_000));
const customerGid = `gid://shopify/Customer/${customerId}`;
const recentOrder = orderPayload(customerId, new Date(Date.now() - DAY_MS).toISOString(), "42.00");
const recentOrderGid = `gid://shopify/Order/${recentOrder.id}`;

async function memberView() {
  const response = await adminCall(app.url, shop, `/app/api/loyalty/members/${customerId}`);
  return (await response.json()) as { balance?: { available: number; pending: number }; ledger: { type: string }[] };
}

beforeAll(async () => {
  const databaseUrl = await freshDatabase("sqlite", "comeback_account_e2e");
  await migrate(databaseUrl);
  double = await startAdminDouble({ apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, scopes: TEST_SCOPES });
  app = await startAppServer({ databaseUrl, adminDoubleUrl: double.url });
  browser = await launchBrowser();

  await installShop(app.url, double.url, shop);
  const saved = await adminCall(app.url, shop, "/app/api/loyalty/program", PROGRAM);
  expect(saved.status, await saved.clone().text()).toBe(200);
  // 100 points available (an order 20 days ago, past its 14 pending days), 42 pending from
  // yesterday's order, and 50 from the merchant.
  const old = orderPayload(customerId, new Date(Date.now() - 20 * DAY_MS).toISOString(), "100.00");
  for (const body of [old, recentOrder])
    expect((await sendWebhook(app.url, { topic: "orders/create", shop, body })).status).toBe(200);
  await waitFor("the orders' points", async () => {
    const { balance } = await memberView();
    return balance?.available === 100 && balance.pending === 42;
  });
  const credit = { customerGid, points: 50, reason: "Welcome gift", requestId: randomUUID() };
  expect((await adminCall(app.url, shop, "/app/api/loyalty/adjust", credit)).status).toBe(200);

  host = await startAccountHost({ appUrl: app.url, shop, customerGid });
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
  await app?.stop();
  await double?.close();
});

/** A customer's browser (Shopify's host is not headless, and the app turns away self-declared bots). */
async function open(url: string, locale = "en-US"): Promise<{ page: Page; errors: string[]; close(): Promise<void> }> {
  const context = await browser.newContext({
    viewport: { width: 900, height: 1400 },
    locale,
    userAgent: BROWSER_HEADERS["User-Agent"],
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  page.on("console", (message) => message.type() === "error" && errors.push(message.text()));
  await page.goto(url, { waitUntil: "load" });
  return { page, errors, close: () => context.close() };
}

const text = (page: Page) => page.locator("body").innerText();
/** A block sits in Shopify's page, which has the landmarks and the page heading: the block itself is checked. */
const BLOCK = ["body > s-section"];

describe("customer account extension", () => {
  it("shows the full page: balance, pending points, tier progress, rewards, ways to earn and activity; redeems once", async () => {
    const { page, errors, close } = await open(host.page("customer-account.page.render"));
    await page.getByRole("heading", { name: "150 points" }).waitFor();
    const shown = await text(page);
    await page.getByRole("heading", { name: "Your rewards", level: 1 }).waitFor();
    expect(shown).toContain("42 points pending");
    expect(shown).toContain("Points from an order become available 14 days after it.");
    expect(shown).toContain("Tier: Silver");
    expect(shown).toContain("to Gold");
    expect(shown).toContain("Points earned in the last 12 months count toward your tier.");
    expect(shown).toContain("1 point for every $1.00 spent");
    expect(shown).toContain("Your birthday: 50 points");
    // The name already says the offer: not repeated. The merchant's description is shown.
    expect(shown).toContain("$10 off");
    expect(shown).not.toContain("$10.00 off");
    expect(shown).toContain("Whatever you order");
    expect(shown).toContain("250 points more needed");
    expect(shown).toContain("Welcome gift");
    expect(await page.locator("progress").getAttribute("aria-label")).toBe("Progress to Gold");
    await expectAccessible(page);
    await page.screenshot({ path: `${SCREENSHOTS}/account-page.png`, fullPage: true });

    await page.getByRole("button", { name: "Redeem: $10 off" }).click();
    await page
      .getByRole("status")
      .getByText(/Your code CB-[2-9A-HJ-NP-Z]{10} is ready/)
      .waitFor();
    await page.getByRole("heading", { name: "90 points" }).waitFor();
    await page.getByRole("heading", { name: "Your codes" }).waitFor();
    const member = await memberView();
    expect(member.balance).toEqual({ available: 90, pending: 42 });
    expect(member.ledger.filter((entry) => entry.type === "redeem")).toHaveLength(1);

    // The birthday, once; then the activity's next page.
    await page.getByLabel("Your birthday (MM-DD)").fill("13-01");
    await page.getByRole("button", { name: "Save birthday" }).click();
    await page.getByText("Enter your birthday as month and day, like 04-25.").waitFor();
    await page.getByLabel("Your birthday (MM-DD)").fill("04-25");
    await page.getByRole("button", { name: "Save birthday" }).click();
    await page.getByText("Your birthday: April 25").waitFor();
    await page.getByRole("button", { name: "Show more" }).click();
    await expect.poll(() => page.getByRole("button", { name: "Show more" }).count()).toBe(0);

    await expectAccessible(page);
    await page.screenshot({ path: `${SCREENSHOTS}/account-page-redeemed.png`, fullPage: true });
    expect(errors).toEqual([]);
    await close();

    // In German: the merchant's German words for the reward, chosen by the app for the customer's language.
    const german = await open(host.page("customer-account.page.render", { locale: "de" }), "de-DE");
    await german.page.getByText("Versand geschenkt").waitFor();
    expect(await text(german.page)).toContain("Was immer Sie bestellen");
    expect(await text(german.page)).not.toContain("Whatever you order");
    expect(german.errors).toEqual([]);
    await german.close();
  });

  it("shows the profile block at a glance, in the customer's language, linking to the page", async () => {
    const { page, errors, close } = await open(host.page("customer-account.profile.block.render", { locale: "de" }), "de-DE");
    await page.getByRole("heading", { name: "Deine Prämien" }).waitFor();
    const shown = await text(page);
    expect(shown).toMatch(/\d+ Punkte/);
    expect(shown).toContain("42 Punkte ausstehend");
    expect(shown).toContain("Stufe: Silver");
    const link = page.getByRole("link", { name: "Deine Prämien ansehen" });
    expect(await link.getAttribute("href")).toBe("extension://comeback-account");
    await link.click();
    expect(await page.evaluate(() => (globalThis as any).shopify.navigation.navigated)).toEqual(["extension://comeback-account"]);
    await expectAccessible(page, { include: BLOCK });
    await page.screenshot({ path: `${SCREENSHOTS}/account-profile-block-de.png` });
    expect(errors).toEqual([]);
    await close();
  });

  it("shows on the order status page what the order earned and until when it is pending", async () => {
    const { page, errors, close } = await open(
      host.page("customer-account.order-status.block.render", { locale: "fr", orderGid: recentOrderGid }),
      "fr-FR",
    );
    await page.getByText("Vous avez gagné 42 points avec cette commande.").waitFor();
    const availableOn = new Date(new Date(recentOrder.processed_at).getTime() + 14 * DAY_MS);
    const date = new Intl.DateTimeFormat("fr", { dateStyle: "medium" }).format(availableOn);
    expect(await text(page)).toContain(`Ils seront disponibles le ${date}.`);
    await expectAccessible(page, { include: BLOCK });
    await page.screenshot({ path: `${SCREENSHOTS}/account-order-block-fr.png` });
    expect(errors).toEqual([]);
    await close();
  });

  it("shows the referral link on the full page once referrals are on, with ways to share it", async () => {
    const referrals = {
      enabled: true,
      settings: { referrerPoints: 500, friend: { kind: "percentage", percent: 15, validDays: 30 } },
    };
    expect((await adminCall(app.url, shop, "/app/api/referrals/program", referrals)).status).toBe(200);
    const { page, errors, close } = await open(host.page("customer-account.page.render"));
    await page.getByRole("heading", { name: "Invite friends" }).waitFor();
    const shown = await text(page);
    expect(shown).toContain("Give friends 15% off their first order. You get 500 points once their order is confirmed.");
    const url = new RegExp(`https://${shop.replaceAll(".", "\\.")}/apps/comeback/r/[2-9A-Z]{8}`);
    expect(shown).toMatch(url);
    const whatsapp = await page.getByRole("link", { name: "Share on WhatsApp" }).getAttribute("href");
    expect(decodeURIComponent(whatsapp!)).toMatch(/^https:\/\/wa\.me\/\?text=Here is 15% off your first order: https:/);
    expect(errors).toEqual([]);
    await expectAccessible(page);
    await page.screenshot({ path: `${SCREENSHOTS}/account-page-referral.png`, fullPage: true });
    await close();

    // A code as the referrer's reward: the page promises the code's amount, not points.
    const codeReward = { ...referrals.settings, referrerReward: { kind: "discount_code", value: "1500", validDays: 30 } };
    expect((await adminCall(app.url, shop, "/app/api/referrals/program", { enabled: true, settings: codeReward })).status).toBe(
      200,
    );
    const again = await open(host.page("customer-account.page.render"));
    await again.page.getByRole("heading", { name: "Invite friends" }).waitFor();
    expect(await text(again.page)).toContain("You get a $15.00 discount code once their order is confirmed.");
    expect(again.errors).toEqual([]);
    await again.close();
  });
});
