// `npm run demo` as a merchant would use it: the seeded demo shop's sync status in a real browser.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser } from "playwright-core";
import { launchBrowser } from "../support/browser";
import { waitFor } from "../support/wait";

let browser: Browser;
const url = inject("demoUrl");

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

describe("npm run demo", () => {
  it("shows the demo shop's sync status at localhost", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(String(error)));
    await page.goto(url, { waitUntil: "networkidle" });
    expect(new URL(page.url()).pathname).toBe("/app");
    // On a cold start Vite's dev server optimises dependencies and reloads the page once.
    await page.locator("#orders-synced").waitFor({ timeout: 60_000 });
    expect(await page.locator("h1").first().textContent()).toContain("Sync status");
    const orders = Number((await page.locator("#orders-synced").textContent())!.replace(/,/g, ""));
    const customers = Number((await page.locator("#customers-synced").textContent())!.replace(/,/g, ""));
    expect(orders).toBeGreaterThan(5000);
    expect(customers).toBeGreaterThan(3000);
    expect(await page.getByText("completed").count()).toBeGreaterThan(0);
    expect(await page.getByText("EUR · Europe/Berlin").count()).toBe(1);
    expect(pageErrors).toEqual([]);
    await page.screenshot({ path: "test-results/screenshots/demo-sync-status.png", fullPage: true });
    await page.close();
  });

  it("shows the retention dashboard with real figures, a chosen period, a clear error and CSV exports", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(String(error)));
    await page.goto(`${url}/app`, { waitUntil: "networkidle" });
    await page.getByRole("link", { name: "Retention" }).click();
    await page.locator("#kpi-netRevenue").waitFor({ timeout: 60_000 });
    expect(await page.locator("h1").first().textContent()).toContain("Retention");
    expect(await page.locator("#kpi-netRevenue").textContent()).toMatch(/^€[\d,]+\.\d\d$/);
    expect(await page.locator("#kpi-retentionRate").textContent()).toMatch(/^\d+\.\d %$/);
    expect(await page.getByText("Customer retention rate").count()).toBe(1);
    expect(await page.getByText("Of the customers active when the period began", { exact: false }).count()).toBeGreaterThan(0);
    expect(await page.getByText("Champions").count()).toBeGreaterThan(0);

    // The worker fits the purchase models in the background; the page shows them once fitted.
    await waitFor("predictions", async () => {
      await page.reload({ waitUntil: "networkidle" });
      return (await page.locator("#predicted-revenue").count()) > 0;
    }, 60_000);
    expect(await page.locator("#predicted-revenue").textContent()).toMatch(/^€[\d,]+\.\d\d$/);
    await page.screenshot({ path: "test-results/screenshots/demo-retention.png", fullPage: true });

    // A chosen period: the whole of last year's December.
    const year = new Date().getUTCFullYear() - 1;
    await page.getByLabel("From").fill(`${year}-12-01`);
    await page.getByLabel("To (included)").fill(`${year}-12-31`);
    await page.getByRole("button", { name: "Show" }).click();
    await page.waitForURL(/from=/);
    await page.getByText(`${year}-12-01 to ${year}-12-31`, { exact: false }).first().waitFor();
    expect(await page.locator("#kpi-netRevenue").textContent()).toMatch(/^€[\d,]+\.\d\d$/);

    const [cohorts] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export cohorts (CSV)" }).click()]);
    const csv = readFileSync((await cohorts.path())!, "utf8");
    expect(csv.split("\r\n")[0]).toBe("cohort,cohort_customers,month,customers,percent,orders,net_revenue,cumulative_net_revenue_per_customer");
    expect(csv).toContain(`${year}-12,`);
    const [customers] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export customers (CSV)" }).click()]);
    const customerLines = readFileSync((await customers.path())!, "utf8").trim().split("\r\n");
    expect(customerLines.length).toBeGreaterThan(3000);
    expect(customerLines[1]).toMatch(/^gid:\/\/shopify\/Customer\/\d+,/);

    // The lookback window round-trips; a bad value is refused with a message and changes nothing.
    const lookback = page.getByLabel("A customer is active while their last order is at most this many days old");
    await lookback.fill("90");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText("active = ordered in the last 90 days", { exact: false }).waitFor();
    await lookback.fill("7");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText("from 30 to 1095", { exact: false }).waitFor();
    await page.reload({ waitUntil: "networkidle" });
    await page.getByText("active = ordered in the last 90 days", { exact: false }).waitFor();
    await lookback.fill("365");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText("active = ordered in the last 365 days", { exact: false }).waitFor();

    // From after to: a clear error, not a blank page.
    await page.goto(`${url}/app/retention?from=${year}-12-31&to=${year}-12-01`, { waitUntil: "networkidle" });
    expect(await page.getByText("The period is not valid").count()).toBe(1);
    expect(await page.getByText("is after to").count()).toBe(1);
    await page.screenshot({ path: "test-results/screenshots/demo-retention-invalid-period.png", fullPage: true });
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
