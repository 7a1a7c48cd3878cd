// Win-back campaigns in a real browser against the shared demo: the list with the demo's finished
// and running campaigns, the finished one's results with the verdict per offer, a new campaign with
// the audience preview's count and a refused save, then a saved draft, and German. axe-core on
// every page and a screenshot of each. Other browser tests use the same demo at the same time:
// this file only adds draft campaigns, which enter nobody.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { expectAccessible } from "../support/axe";
import { hydrated, launchBrowser } from "../support/browser";

const url = inject("demoUrl");
let browser: Browser;
const pageErrors: string[] = [];

async function openPage(path: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, reducedMotion: "reduce" });
  page.on("pageerror", (error) => pageErrors.push(`${path}: ${error}`));
  await page.goto(`${url}${path}`, { waitUntil: "networkidle" });
  await hydrated(page);
  // On a cold start Vite's dev server optimises dependencies and reloads the page once.
  await page.locator("h1").first().waitFor({ timeout: 60_000 });
  return page;
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: `test-results/screenshots/campaigns-${name}.png`, fullPage: true });

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

describe("campaign pages", () => {
  it("lists the campaigns and shows a finished one's results per group with its verdict", async () => {
    const list = await openPage("/app/campaigns");
    expect(await list.locator("h1").first().textContent()).toBe("Campaigns");
    expect(await list.title()).toBe("Campaigns · Comeback");
    await list.getByRole("link", { name: "Overdue regulars" }).waitFor();
    await expectAccessible(list);
    await shot(list, "list");

    await list.getByRole("link", { name: "Spring win-back" }).click();
    await list.waitForURL(/\/app\/campaigns\/[0-9a-f-]{36}$/);
    await list.locator("#campaign-verdict-a").waitFor();
    expect(await list.locator("h1").first().textContent()).toBe("Spring win-back");
    // The code arm's sentence names it and gives the difference with its interval.
    expect(await list.locator("#campaign-verdict-a").textContent()).toMatch(
      /^15 % off brought [\d,]+ more customers back: \+[\d.]+ pp \[/,
    );
    expect(await list.locator("#campaign-verdict-b").textContent()).toMatch(/200 bonus points/);
    expect(await list.getByRole("row", { name: /Control/ }).count()).toBe(1);
    await expectAccessible(list);
    await shot(list, "finished");
    await list.close();
  });

  it("counts the audience before saving, refuses a bad campaign field by field, and saves a draft", async () => {
    const page = await openPage("/app/campaigns/new");
    await page.getByLabel("Name", { exact: true }).fill("Browser test draft");
    await page.getByRole("button", { name: "Count customers" }).click();
    await page.locator("#audience-count").waitFor();
    expect(await page.locator("#audience-count").textContent()).toMatch(/^\d[\d,]* customers? match(es)? now\.$/);
    await expectAccessible(page);
    await shot(page, "new");

    // A percentage above 100 is refused and nothing is saved.
    await page.getByLabel("Value", { exact: true }).fill("150");
    await page.getByRole("button", { name: "Save as draft" }).click();
    await page.getByText("Please correct the fields marked.").waitFor();
    await page.getByText("Not a valid value here").waitFor();
    expect(new URL(page.url()).pathname).toBe("/app/campaigns/new");

    await page.getByLabel("Value", { exact: true }).fill("15");
    await page.getByRole("button", { name: "Save as draft" }).click();
    await page.waitForURL(/\/app\/campaigns\/[0-9a-f-]{36}$/);
    await page.getByText("Not started yet: nobody has entered.").waitFor();
    expect(await page.locator("h1").first().textContent()).toBe("Browser test draft");
    await expectAccessible(page);
    await page.close();
  });

  it("speaks German", async () => {
    const page = await openPage("/app/campaigns?locale=de");
    expect(await page.locator("h1").first().textContent()).toBe("Kampagnen");
    await page.getByRole("link", { name: "Spring win-back" }).click();
    await page.waitForURL(/\/app\/campaigns\/[0-9a-f-]{36}\?locale=de$/);
    await page.getByText("Ergebnisse je Gruppe").waitFor();
    await expectAccessible(page);
    await shot(page, "finished-de");
    await page.close();
    expect(pageErrors).toEqual([]);
  });
});
