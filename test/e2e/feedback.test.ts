// Customer feedback in a real browser: a signed-in shopper finds the survey prompt in the storefront
// panel, answers on the App Proxy's survey page by keyboard (and sees it in German), and the
// merchant's feedback page shows the figures and the comment, escaped. The storefront runs on the
// stand-in (test/support/storefront-server.ts) against the built app on a fresh SQLite database;
// the admin page is the demo's. axe-core on every page, screenshots in test-results/screenshots.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { migrate } from "../../app/platform/db/migrate.server";
import { startAdminDouble, type AdminDouble } from "../mocks/shopify-admin";
import { startAccountHost, type AccountHost } from "../support/account-host";
import { adminCall, installShop } from "../support/app-proxy";
import { startAppServer, TEST_API_KEY, TEST_API_SECRET, TEST_SCOPES, type AppServer } from "../support/app-server";
import { expectAccessible } from "../support/axe";
import { launchBrowser } from "../support/browser";
import { freshDatabase } from "../support/database";
import { BROWSER_HEADERS } from "../support/session-token";
import { CUSTOMER_COOKIE, startStorefront, waitForProgramMetafield, type Storefront } from "../support/storefront-server";
import { orderPayload, sendWebhook, uniqueShop } from "../support/webhooks";
import { waitFor } from "../support/wait";

const SCREENSHOTS = "test-results/screenshots";
const DAY_MS = 86_400_000;
let browser: Browser;
let double: AdminDouble;
let app: AppServer;
let storefront: Storefront;
let host: AccountHost;
const shop = uniqueShop("feedback-e2e");
const memberId = String(8_300_000_000_000_000_000n + BigInt(Date.now() % 1_000_000));
/** The survey page's storefront URL, as the panel's prompt opened it. */
let surveyUrl = "";

beforeAll(async () => {
  const databaseUrl = await freshDatabase("sqlite", "comeback_feedback_e2e");
  await migrate(databaseUrl);
  double = await startAdminDouble({ apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, scopes: TEST_SCOPES });
  app = await startAppServer({ databaseUrl, adminDoubleUrl: double.url });
  browser = await launchBrowser();
  await installShop(app.url, double.url, shop);
  const program = await adminCall(app.url, shop, "/app/api/loyalty/program", {
    enabled: true,
    settings: { pendingDays: 0 },
    rules: [
      { id: "purchase", kind: "purchase", points: 1, perAmount: "100", effectiveFrom: new Date(Date.now() - 400 * DAY_MS) },
    ],
  });
  expect(program.status, await program.clone().text()).toBe(200);
  const surveys = await adminCall(app.url, shop, "/app/api/feedback/settings", {
    enabled: true,
    questions: { nps: true, csat: true, ces: false },
    trigger: "fulfillment",
    delayDays: 0,
    openDays: 30,
    points: 25,
    texts: {},
  });
  expect(surveys.status, await surveys.clone().text()).toBe(200);
  const order = orderPayload(memberId, new Date(Date.now() - 3 * DAY_MS).toISOString(), "60.00");
  expect((await sendWebhook(app.url, { topic: "orders/create", shop, body: order })).status).toBe(200);
  const fulfilled = {
    ...order,
    updated_at: new Date().toISOString(),
    fulfillments: [{ status: "success", created_at: new Date().toISOString() }],
  };
  expect((await sendWebhook(app.url, { topic: "orders/fulfilled", shop, body: fulfilled })).status).toBe(200);
  await waitForProgramMetafield(double.url, shop);
  host = await startAccountHost({ appUrl: app.url, shop, customerGid: `gid://shopify/Customer/${memberId}` });
  storefront = await startStorefront({
    appUrl: app.url,
    adminDoubleUrl: double.url,
    shop,
    currency: "USD",
    product: { id: 8_100_000_000_002, title: "Enamel mug", variants: [{ id: 45_000_000_000_003, title: "Small", price: 1999 }] },
  });
});

afterAll(async () => {
  await browser?.close();
  await storefront?.close();
  await host?.close();
  await app?.stop();
  await double?.close();
});

async function shopperPage(): Promise<{ page: Page; errors: string[]; close: () => Promise<void> }> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 }, locale: "en-US" });
  await context.addCookies([{ name: CUSTOMER_COOKIE, value: memberId, url: storefront.url }]);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  return { page, errors, close: () => context.close() };
}

describe("customer feedback", () => {
  it("prompts on the customer account page with the survey's signed link", async () => {
    const context = await browser.newContext({
      viewport: { width: 900, height: 1200 },
      userAgent: BROWSER_HEADERS["User-Agent"],
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(String(error)));
    await page.goto(host.page("customer-account.page.render"), { waitUntil: "load" });
    await page.getByRole("heading", { name: "How was your order?" }).waitFor();
    const link = page.getByRole("link", { name: "Answer the survey" });
    expect(await link.getAttribute("href")).toMatch(
      new RegExp(`^https://${shop.replaceAll(".", "\\.")}/apps/comeback/survey\\?t=[\\w.-]+&via=account$`),
    );
    expect(errors).toEqual([]);
    await expectAccessible(page);
    await page.screenshot({ path: `${SCREENSHOTS}/feedback-account-prompt.png`, fullPage: true });
    await context.close();
  });

  it("prompts in the panel and takes the answer on the survey page by keyboard", async () => {
    const { page, errors, close } = await shopperPage();
    await page.goto(`${storefront.url}/products/enamel-mug`, { waitUntil: "load" });
    await page.locator("[data-comeback-launcher]").click();
    const prompt = page.getByRole("link", { name: "How was your order? Tell us in a minute" });
    await prompt.waitFor();
    await expectAccessible(page, { include: [".comeback"] });
    await page.screenshot({ path: `${SCREENSHOTS}/feedback-panel-prompt.png` });
    await prompt.click();
    await page.waitForURL(/\/apps\/comeback\/survey\?t=/);
    surveyUrl = page.url();
    await page.getByRole("group", { name: "How likely are you to recommend us to a friend?" }).waitFor();
    await expectAccessible(page);
    await page.screenshot({ path: `${SCREENSHOTS}/feedback-survey.png`, fullPage: true });

    // Keyboard only: Tab into the NPS scale, arrows to 9; then CSAT 5; the comment; Enter.
    await page.keyboard.press("Tab");
    await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement).name)).toBe("nps");
    for (let i = 0; i < 9; i++) await page.keyboard.press("ArrowRight");
    await page.keyboard.press("Tab");
    for (let i = 0; i < 4; i++) await page.keyboard.press("ArrowRight");
    await page.keyboard.press("Tab");
    await page.keyboard.type("<b>Quick</b> & friendly");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await page.getByText("Thank you for your answer!").waitFor();
    expect(await page.locator("textarea").inputValue()).toBe("<b>Quick</b> & friendly");
    expect(await page.locator("input[name=nps]:checked").getAttribute("value")).toBe("9");
    expect(await page.locator("input[name=csat]:checked").getAttribute("value")).toBe("5");
    await expectAccessible(page);
    await page.screenshot({ path: `${SCREENSHOTS}/feedback-survey-answered.png`, fullPage: true });
    expect(errors).toEqual([]);

    // The answer is stored once with its points; the prompt is gone.
    const ledger = await waitFor("the feedback points", async () => {
      const member = await (await adminCall(app.url, shop, `/app/api/loyalty/members/${memberId}`)).json();
      return member.ledger?.some((entry: { reason: string }) => entry.reason === "Feedback") && member.ledger;
    });
    expect(ledger.filter((entry: { reason: string }) => entry.reason === "Feedback")).toEqual([
      expect.objectContaining({ points: 25 }),
    ]);
    const analysis = await (await adminCall(app.url, shop, "/app/api/feedback/analysis")).json();
    expect(analysis.comments.shown).toEqual([
      expect.objectContaining({ surface: "panel", comment: "<b>Quick</b> & friendly", nps: 9, csat: 5 }),
    ]);
    await close();
  });

  it("speaks German on the survey page, and offers the change of an answer for a day", async () => {
    const { page, close } = await shopperPage();
    await page.goto(`${surveyUrl}&lang=de`, { waitUntil: "load" });
    await page.getByRole("heading", { name: "Deine Meinung" }).waitFor();
    await page.getByRole("group", { name: "Wie wahrscheinlich ist es, dass du uns weiterempfiehlst?" }).waitFor();
    expect(await page.getByRole("status").textContent()).toContain("Du kannst deine Antwort bis");
    expect(await page.locator("input[name=nps]:checked").getAttribute("value")).toBe("9");
    await expectAccessible(page);
    await page.screenshot({ path: `${SCREENSHOTS}/feedback-survey-de.png`, fullPage: true });
    // Answered: the panel offers no survey any more.
    expect(await page.evaluate(async () => (await (await fetch("/apps/comeback/panel")).json()).survey)).toBeNull();
    await close();
  });
});

describe("the merchant's feedback page (the demo's seeded answers)", () => {
  it("shows the settings and the figures in English and German, accessibly", async () => {
    const url = inject("demoUrl");
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    await page.goto(`${url}/app/feedback`, { waitUntil: "networkidle" });
    await page.getByRole("heading", { name: "Customer feedback" }).waitFor();
    // The demo's seeded answers: enough for a verdict, each score with its interval.
    expect(await page.locator("#feedback-verdict").textContent()).toMatch(/^Based on \d+ answers/);
    expect(await page.getByRole("row", { name: /^NPS/ }).textContent()).toMatch(/95 % interval -?\d+ to -?\d+/);
    expect(
      await page
        .getByRole("row", { name: /^Promoters/ })
        .first()
        .textContent(),
    ).toMatch(/95 % interval/);
    // The breakdowns follow the period: each group's four figures in the three periods.
    const members = page.locator("#feedback-breakdown-membership");
    expect(await members.getByRole("columnheader").allTextContents()).toEqual([
      "Group",
      "Figure",
      "This period",
      "Previous period",
      "A year earlier",
    ]);
    // The first group's first row: its NPS this period, with its interval.
    expect(await members.getByRole("row").nth(1).textContent()).toMatch(/NPS.*95 % interval/);
    expect(await members.getByRole("row", { name: /Response rate/ }).count()).toBeGreaterThan(0);
    expect(await page.locator("#feedback-retention-fixed").textContent()).toContain("do not follow the chosen period");
    await expectAccessible(page);
    await page.screenshot({ path: `${SCREENSHOTS}/feedback-admin.png`, fullPage: true });
    // The question texts, per language, the defaults as placeholders; a bad one is refused next to its field.
    await page.getByLabel("Language").selectOption("de");
    const question = page.getByLabel("NPS question");
    expect(await question.getAttribute("placeholder")).toBe("Wie wahrscheinlich ist es, dass du uns weiterempfiehlst?");
    await question.fill("x".repeat(301));
    await page.getByRole("button", { name: "Save" }).click();
    await page.locator("#feedback-settings-errors").getByText("German · NPS question: must be at most 300 characters").waitFor();
    expect(await question.getAttribute("aria-invalid")).toBe("true");
    await expectAccessible(page);
    await page.screenshot({ path: `${SCREENSHOTS}/feedback-admin-texts-error.png` });
    await question.fill("Würdest du uns weiterempfehlen?");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText("Survey settings saved").waitFor();
    await page.reload({ waitUntil: "networkidle" });
    await page.getByLabel("Language").selectOption("de");
    expect(await page.getByLabel("NPS question").inputValue()).toBe("Würdest du uns weiterempfehlen?");
    await page.getByLabel("Language").selectOption("fr");
    expect(await page.getByLabel("NPS question").inputValue()).toBe("");
    // The comments, searched.
    await page.getByLabel("Search the comments").fill("late");
    await page.getByRole("button", { name: "Show" }).click();
    await page.waitForURL(/q=late/);
    await page.waitForLoadState("networkidle");
    await expect
      .poll(async () => {
        const comments = await page.locator("#feedback-comments li").allTextContents();
        return comments.length > 0 && comments.every((comment) => comment.toLowerCase().includes("late"));
      })
      .toBe(true);
    await page.goto(`${url}/app/feedback?locale=de`, { waitUntil: "networkidle" });
    await page.getByRole("heading", { name: "Kundenfeedback" }).waitFor();
    await expectAccessible(page);
    await page.screenshot({ path: `${SCREENSHOTS}/feedback-admin-de.png`, fullPage: true });
    await context.close();
  });
});
