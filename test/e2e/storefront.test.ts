// The storefront widget in a real browser: the theme app extension's blocks and app embed rendered
// on a stand-in storefront page (test/support/storefront-server.ts), its App Proxy calls signed
// as Shopify signs them and answered by the built app running on a fresh SQLite database, with
// Shopify's Admin API played by the double. A merchant sets up the program through the admin API;
// a member earns from an order webhook and a manual credit.
import { randomUUID } from "node:crypto";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../../app/platform/db/migrate.server";
import { startAdminDouble, type AdminDouble } from "../mocks/shopify-admin";
import { adminCall, installShop } from "../support/app-proxy";
import { startAppServer, TEST_API_KEY, TEST_API_SECRET, TEST_SCOPES, type AppServer } from "../support/app-server";
import { expectAccessible } from "../support/axe";
import { launchBrowser } from "../support/browser";
import { freshDatabase } from "../support/database";
import { CUSTOMER_COOKIE, startStorefront, type Storefront } from "../support/storefront-server";
import { waitFor } from "../support/wait";
import { orderPayload, sendWebhook, uniqueShop } from "../support/webhooks";

const SCREENSHOTS = "test-results/screenshots";
/** What the extension puts on a page (the launcher embed and the blocks); the stand-in theme around them is not ours. */
const STOREFRONT_PARTS = [".comeback", ".comeback-block"];
const PRODUCT = {
  id: 8_100_000_000_001,
  title: "Enamel mug",
  variants: [
    { id: 45_000_000_000_001, title: "Small", price: 1999 },
    { id: 45_000_000_000_002, title: "Large", price: 2599 },
  ],
};
const PROGRAM = {
  enabled: true,
  settings: { pendingDays: 14 },
  rules: [
    {
      id: "purchase",
      kind: "purchase",
      points: 1,
      perAmount: "100",
      effectiveFrom: new Date(Date.now() - 400 * 86_400_000).toISOString(),
    },
    { id: "birthday", kind: "birthday", points: 50 },
  ],
  tiers: [
    { id: "silver", name: "Silver", threshold: "50", multiplierBasisPoints: 12_500 },
    { id: "gold", name: "Gold", threshold: "500", multiplierBasisPoints: 15_000 },
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
let storefront: Storefront;
const shop = uniqueShop("storefront");
const memberId = String(8_200_000_000_000_000_000n + BigInt(Date.now() % 1_000_000));
const memberGid = `gid://shopify/Customer/${memberId}`;
const productUrl = () => `${storefront.url}/products/enamel-mug`;

async function member() {
  const response = await adminCall(app.url, shop, `/app/api/loyalty/members/${memberId}`);
  return (await response.json()) as {
    balance: { available: number; pending: number };
    ledger: { type: string; points: number }[];
  };
}

/** The metafields the app wrote to Shopify (the double), as the storefront's Liquid will read them. */
async function metafields() {
  return (await (await fetch(`${double.url}/_test/metafields?shop=${shop}`)).json()) as {
    ownerId: string;
    key: string;
    value: string;
  }[];
}

beforeAll(async () => {
  const databaseUrl = await freshDatabase("sqlite", "comeback_storefront_e2e");
  await migrate(databaseUrl);
  double = await startAdminDouble({ apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, scopes: TEST_SCOPES });
  app = await startAppServer({ databaseUrl, adminDoubleUrl: double.url });
  browser = await launchBrowser();

  await installShop(app.url, double.url, shop);
  const saved = await adminCall(app.url, shop, "/app/api/loyalty/program", PROGRAM);
  expect(saved.status, await saved.clone().text()).toBe(200);
  // 100 points from an order processed 20 days ago (past its 14 pending days: available, and
  // Silver), and 50 more from the merchant.
  const placed = await sendWebhook(app.url, {
    topic: "orders/create",
    shop,
    body: orderPayload(memberId, new Date(Date.now() - 20 * 86_400_000).toISOString(), "100.00"),
  });
  expect(placed.status).toBe(200);
  await waitFor("the order's points", async () => (await member()).balance?.available === 100);
  const credit = { customerGid: memberGid, points: 50, reason: "Welcome gift", requestId: randomUUID() };
  expect((await adminCall(app.url, shop, "/app/api/loyalty/adjust", credit)).status).toBe(200);
  await waitFor("the member's and the program's metafields", async () => {
    const written = await metafields();
    const value = (key: string) => written.find((metafield) => metafield.ownerId === memberGid && metafield.key === key)?.value;
    return value("points") === "150" && value("tier") === "Silver" && written.some((metafield) => metafield.key === "program");
  });

  storefront = await startStorefront({ appUrl: app.url, adminDoubleUrl: double.url, shop, currency: "USD", product: PRODUCT });
});

afterAll(async () => {
  await browser?.close();
  await storefront?.close();
  await app?.stop();
  await double?.close();
});

async function shopper(signedIn: boolean): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 860 }, locale: "en-US" });
  if (signedIn) await context.addCookies([{ name: CUSTOMER_COOKIE, value: memberId, url: storefront.url }]);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  return { context, page, errors };
}

const launcher = (page: Page) => page.locator("[data-comeback-launcher]");
const panel = (page: Page) => page.getByRole("dialog");

async function openPanel(page: Page) {
  await launcher(page).click();
  await expect.poll(() => panel(page).isVisible()).toBe(true);
}

/** WCAG contrast between an element's text colour and the background behind it (its own or an ancestor's). */
function textContrast(page: Page, selector: string) {
  return page
    .locator(selector)
    .first()
    .evaluate((element) => {
      const rgb = (color: string) =>
        color
          .match(/[\d.]+/g)!
          .slice(0, 4)
          .map(Number);
      const luminance = (color: string) => {
        const [r, g, b] = rgb(color)
          .slice(0, 3)
          .map((c) => c / 255)
          .map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
      };
      let node: Element | null = element;
      let background = "rgba(0, 0, 0, 0)";
      while (node && (rgb(background)[3] ?? 1) === 0) {
        background = getComputedStyle(node).backgroundColor;
        node = node.parentElement;
      }
      const [light, dark] = [luminance(getComputedStyle(element).color), luminance(background)].sort((a, b) => b - a);
      return (light + 0.05) / (dark + 0.05);
    });
}

describe("storefront widget", () => {
  it("shows the member's balance on first paint from metafields, then the panel with balance, tier and rewards when opened", async () => {
    const { context, page, errors } = await shopper(true);
    const before = storefront.proxied.length;
    await page.goto(productUrl(), { waitUntil: "load" });
    await launcher(page).waitFor();
    expect(await page.locator("[data-comeback-balance]").textContent()).toBe("You have 150 points");
    expect(await launcher(page).textContent()).toContain("150 points");
    // 19.99 at 1 point per 1.00, with Silver's x1.25: 24.98 points, rounded down.
    expect(await page.locator("[data-comeback-earn] [data-variant-id]:visible").textContent()).toBe(
      "Earn 24 points with this purchase",
    );
    await page.selectOption("select[name=id]", String(PRODUCT.variants[1].id));
    expect(await page.locator("[data-comeback-earn] [data-variant-id]:visible").textContent()).toBe(
      "Earn 32 points with this purchase",
    );
    expect(storefront.proxied.length, "nothing is fetched before the panel opens").toBe(before);
    expect(await textContrast(page, "[data-comeback-launcher]")).toBeGreaterThanOrEqual(4.5);
    await page.screenshot({ path: `${SCREENSHOTS}/storefront-member-first-paint.png` });

    await openPanel(page);
    await page.locator("[data-comeback-available]").waitFor();
    expect(await page.locator("[data-comeback-available]").textContent()).toBe("150 points");
    expect(await panel(page).textContent()).toContain("Tier: Silver");
    expect(await panel(page).textContent()).toContain("400 points to Gold");
    expect(await panel(page).textContent()).toContain("Points earned in the last 12 months count toward tiers");
    // A reward's description does not repeat what its name says.
    expect(await panel(page).textContent()).not.toMatch(/\$10 off\$10\.00 off|Free shippingFree shipping/);
    // The merchant's description, in the shop's primary language for an English shopper.
    expect(await panel(page).textContent()).toContain("Free shippingWhatever you order");
    expect(await page.getByRole("progressbar").getAttribute("aria-valuenow")).toBe("11");
    expect(await panel(page).textContent()).toContain("1 point for every $1.00 spent");
    expect(await panel(page).getByRole("button", { name: "Redeem" }).count()).toBe(1);
    expect(await panel(page).textContent()).toContain("250 points more needed");
    expect(await textContrast(page, "[data-comeback-available]")).toBeGreaterThanOrEqual(4.5);
    expect(storefront.proxied.slice(before)).toEqual([{ method: "GET", path: "/panel", status: 200 }]);
    expect(errors).toEqual([]);
    await expectAccessible(page, { include: STOREFRONT_PARTS });
    await page.screenshot({ path: `${SCREENSHOTS}/storefront-member-panel.png` });
    await context.close();
  });

  it("redeems a reward for a code shown in the panel, spending the points once", async () => {
    const { context, page, errors } = await shopper(true);
    await page.goto(productUrl());
    await openPanel(page);
    const redeem = panel(page).getByRole("button", { name: "Redeem" });
    await redeem.click();
    await panel(page).getByRole("button", { name: "Spend 60 points?" }).click();
    const status = page.getByRole("status");
    await expect.poll(() => status.textContent(), { timeout: 15_000 }).toMatch(/^Your code CB-[2-9A-HJ-NP-Z]{10} is ready/);
    const code = /CB-\w+/.exec((await status.textContent())!)![0];
    await expect.poll(() => page.locator("[data-comeback-available]").textContent()).toBe("90 points");
    expect(await panel(page).locator(".comeback-code").allTextContents()).toContain(code);
    expect(await launcher(page).textContent()).toContain("90 points");
    // The page's "Points balance" block follows the panel, not the metafield written before the redemption.
    expect(await page.locator("[data-comeback-balance]").textContent()).toBe("You have 90 points");
    const redemptions = storefront.proxied.filter((request) => request.path === "/redeem");
    expect(redemptions.map((request) => request.status)).toEqual([200]);
    expect((await member()).ledger.filter((entry) => entry.type === "redeem").map((entry) => entry.points)).toEqual([-60]);
    expect(errors).toEqual([]);
    await expectAccessible(page, { include: STOREFRONT_PARTS });
    await page.screenshot({ path: `${SCREENSHOTS}/storefront-redeemed.png` });
    await context.close();
  });

  it("shows a guest how to earn and the join and sign-in links, with nothing to redeem", async () => {
    const { context, page, errors } = await shopper(false);
    await page.goto(productUrl());
    expect((await launcher(page).textContent())!.trim()).toBe("Rewards");
    expect(await page.locator(".comeback-balance").textContent()).toContain("Sign in to see your points");
    expect(await page.locator("[data-comeback-earn] [data-variant-id]:visible").textContent()).toBe(
      "Earn 19 points with this purchase",
    );
    await openPanel(page);
    await expect.poll(() => panel(page).textContent()).toContain("Ways to earn");
    expect(await panel(page).getByRole("link", { name: "Join now" }).getAttribute("href")).toBe("/account/register");
    expect(await panel(page).getByRole("link", { name: "Sign in" }).getAttribute("href")).toBe("/account/login");
    expect(await panel(page).textContent()).toContain("1 point for every $1.00 spent");
    expect(await panel(page).textContent()).toContain("Your birthday");
    expect(await panel(page).getByRole("button", { name: "Redeem" }).count()).toBe(0);
    expect(await panel(page).getByText("Join or sign in to redeem").count()).toBe(1);
    expect(errors).toEqual([]);
    await expectAccessible(page, { include: STOREFRONT_PARTS });
    await page.screenshot({ path: `${SCREENSHOTS}/storefront-guest.png` });
    // On a phone the panel spans the screen's width above the launcher.
    await page.setViewportSize({ width: 390, height: 780 });
    const box = (await panel(page).boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    expect(box.width).toBeGreaterThan(350);
    await page.screenshot({ path: `${SCREENSHOTS}/storefront-guest-phone.png` });
    await context.close();
  });

  it("refuses a tampered signature and a stale request with a clear message, and nothing changes", async () => {
    const { context, page, errors } = await shopper(true);
    const balance = (await member()).balance;
    const redeemFromPage = () =>
      page.evaluate(async () => {
        const response = await fetch("/apps/comeback/redeem", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ rewardId: "ten-off", clientKey: `forged-${Date.now()}` }),
        });
        return { status: response.status, body: await response.json() };
      });
    try {
      for (const [forgery, error] of [
        ["signature", "invalid_signature"],
        ["stale", "stale_request"],
      ] as const) {
        storefront.forgery = forgery;
        await page.goto(productUrl());
        await openPanel(page);
        await expect
          .poll(() => panel(page).textContent())
          .toContain("We couldn't verify this request. Reload the page and try again.");
        if (forgery === "signature") await page.screenshot({ path: `${SCREENSHOTS}/storefront-tampered.png` });
        expect(await redeemFromPage()).toEqual({ status: 401, body: { error } });
      }
    } finally {
      storefront.forgery = null;
    }
    expect((await member()).balance).toEqual(balance);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("works by keyboard: Tab to the launcher, Enter opens with focus inside, Tab stays inside, Escape closes and returns focus", async () => {
    const { context, page } = await shopper(true);
    await page.goto(productUrl());
    const focusedIs = (selector: string) => page.evaluate((target) => document.activeElement?.matches(target) ?? false, selector);
    const focusInPanel = () =>
      page.evaluate(() => document.querySelector("[data-comeback-panel]")!.contains(document.activeElement));
    for (let presses = 0; presses < 20 && !(await focusedIs("[data-comeback-launcher]")); presses++)
      await page.keyboard.press("Tab");
    expect(await focusedIs("[data-comeback-launcher]")).toBe(true);
    expect(await launcher(page).getAttribute("aria-expanded")).toBe("false");

    await page.keyboard.press("Enter");
    expect(await launcher(page).getAttribute("aria-expanded")).toBe("true");
    expect(await panel(page).getAttribute("aria-modal")).toBe("true");
    expect(await focusInPanel()).toBe(true);
    await page.locator("[data-comeback-available]").waitFor();
    for (let presses = 0; presses < 15; presses++) {
      await page.keyboard.press(presses % 5 === 4 ? "Shift+Tab" : "Tab");
      expect(await focusInPanel()).toBe(true);
    }
    await page.screenshot({ path: `${SCREENSHOTS}/storefront-keyboard.png` });

    await page.keyboard.press("Escape");
    expect(await panel(page).isVisible()).toBe(false);
    expect(await launcher(page).getAttribute("aria-expanded")).toBe("false");
    expect(await focusedIs("[data-comeback-launcher]")).toBe(true);

    // A click outside closes it too.
    await openPanel(page);
    await page.locator("h1").click();
    expect(await panel(page).isVisible()).toBe(false);
    expect(await launcher(page).getAttribute("aria-expanded")).toBe("false");
    await context.close();
  });

  it("speaks the shopper's language and writes money as their locale does", async () => {
    const { context, page, errors } = await shopper(true);
    await waitFor("the balance after the redemption in the metafield", async () =>
      (await metafields()).some(
        (metafield) => metafield.ownerId === memberGid && metafield.key === "points" && metafield.value === "90",
      ),
    );
    await page.goto(`${storefront.url}/de/products/enamel-mug`);
    expect(await page.locator("[data-comeback-balance]").textContent()).toBe("Du hast 90 Punkte");
    await openPanel(page);
    // German writes the amount, a no-break space, then the symbol.
    await expect.poll(() => panel(page).textContent()).toContain("1 Punkt je 1,00\u00a0$ Einkaufswert");
    expect(await panel(page).textContent()).toContain("10,00\u00a0$ Rabatt");
    // The merchant's German words for the reward, chosen by the app for the shopper's locale.
    expect(await panel(page).textContent()).toContain("Versand geschenktWas immer Sie bestellen");
    expect(await panel(page).textContent()).not.toContain("Whatever you order");
    expect(errors).toEqual([]);
    await page.screenshot({ path: `${SCREENSHOTS}/storefront-de.png` });
    await context.close();
  });
  it("takes the member's birthday once, from the panel's form", async () => {
    const { context, page, errors } = await shopper(true);
    await page.goto(productUrl());
    await openPanel(page);
    await panel(page).getByLabel("Your birthday").fill("1990-07-14");
    await panel(page).getByRole("button", { name: "Save birthday" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toBe("Birthday saved.");
    expect(await panel(page).getByLabel("Your birthday").count()).toBe(0);
    const stored = (await (await adminCall(app.url, shop, `/app/api/loyalty/members/${memberId}`)).json()) as {
      birthday: string;
    };
    expect(stored.birthday).toBe("07-14");
    expect(errors).toEqual([]);
    await context.close();
  });

  it("pages through the member's whole activity with Show more", async () => {
    for (let credit = 1; credit <= 10; credit++) {
      const adjust = { customerGid: memberGid, points: 1, reason: `Thank you ${credit}`, requestId: randomUUID() };
      expect((await adminCall(app.url, shop, "/app/api/loyalty/adjust", adjust)).status).toBe(200);
    }
    const entries = (await member()).ledger.length;
    expect(entries).toBeGreaterThan(10);
    const { context, page, errors } = await shopper(true);
    await page.goto(productUrl());
    await openPanel(page);
    const activity = panel(page).locator("section").filter({ hasText: "Recent activity" }).locator("li");
    await expect.poll(() => activity.count()).toBe(10);
    await panel(page).getByRole("button", { name: "Show more" }).click();
    await expect.poll(() => activity.count()).toBe(entries);
    expect(await panel(page).getByRole("button", { name: "Show more" }).isVisible()).toBe(false);
    expect(await activity.first().textContent()).toContain("Thank you 10");
    expect(storefront.proxied.at(-1)).toEqual({ method: "GET", path: "/history", status: 200 });
    expect(errors).toEqual([]);
    await page.screenshot({ path: `${SCREENSHOTS}/storefront-activity.png` });
    await context.close();
  });
});
