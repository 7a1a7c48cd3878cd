// The referrals admin page in a real browser against the shared demo: the settings with every field
// error shown and nothing saved, the review queue and the figures (the demo has no referrals: the
// page says there is too little data), in English and German, checked with axe.
// Other browser tests use the same demo: this file saves nothing.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { expectAccessible } from "../support/axe";
import { hydrated, launchBrowser } from "../support/browser";

const url = inject("demoUrl");
const SCREENSHOTS = "test-results/screenshots";

let browser: Browser;
const pageErrors: string[] = [];

async function openPage(path: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, reducedMotion: "reduce" });
  page.on("pageerror", (error) => pageErrors.push(`${path}: ${error}`));
  await page.goto(`${url}${path}`, { waitUntil: "networkidle" });
  await hydrated(page);
  await page.locator("h1").first().waitFor({ timeout: 60_000 });
  return page;
}

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

describe("referrals admin page", () => {
  it("shows the settings, the empty queue and the figures, and refuses a bad value with nothing saved", async () => {
    const before = await (await fetch(`${url}/app/api/referrals/program`)).json();
    const page = await openPage("/app/referrals");
    expect(await page.locator("h1").first().textContent()).toBe("Referrals");
    expect(await page.getByLabel("Points for the member who refers").inputValue()).toBe("500");
    expect(await page.textContent("body")).toContain("No referral is waiting for review.");
    expect(await page.textContent("body")).toContain("Referral rate");
    await expectAccessible(page);
    await page.screenshot({ path: `${SCREENSHOTS}/referrals-admin.png`, fullPage: true });

    await page.getByLabel("Referrals per member in 7 days before review").fill("0");
    await page.getByLabel("Amount off").fill("ten");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByText("1 field needs a change").waitFor();
    expect(await page.textContent("body")).toContain("Enter a number.");
    expect(await (await fetch(`${url}/app/api/referrals/program`)).json()).toEqual(before);
    await expectAccessible(page);
    await page.close();
  });

  it("speaks German", async () => {
    const page = await openPage("/app/referrals?locale=de");
    expect(await page.locator("h1").first().textContent()).toBe("Empfehlungen");
    expect(await page.textContent("body")).toContain("Keine Empfehlung wartet auf eine Prüfung.");
    await expectAccessible(page);
    await page.screenshot({ path: `${SCREENSHOTS}/referrals-admin-de.png`, fullPage: true });
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
