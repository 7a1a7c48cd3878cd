// `npm run demo` as a merchant would use it: the seeded demo shop's dashboard at localhost, and
// the sync page with the history import, webhooks per topic, failed deliveries and a re-run.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser } from "playwright-core";
import { DEMO_SHOP } from "../../app/demo/mode.server";
import { expectAccessible } from "../support/axe";
import { hydrated, launchBrowser } from "../support/browser";
import { waitFor } from "../support/wait";
import { fixture, sendWebhook, sign } from "../support/webhooks";

let browser: Browser;
const url = inject("demoUrl");
/** The secret `npm run demo` runs with (scripts/demo.ts), so the demo verifies these webhooks. */
const DEMO_SECRET = process.env.SHOPIFY_API_SECRET || "comeback-demo-secret";
const count = (text: string | null) => Number(text!.replace(/,/g, ""));

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

async function deliver(topic: string, body: Record<string, unknown>) {
  const text = JSON.stringify(body);
  return sendWebhook(url, { topic, shop: DEMO_SHOP, body: text, hmac: sign(text, DEMO_SECRET) });
}

describe("npm run demo", () => {
  it("opens on the dashboard at localhost and links to every page", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(String(error)));
    await page.goto(url, { waitUntil: "networkidle" });
    await hydrated(page);
    expect(new URL(page.url()).pathname).toBe("/app");
    // On a cold start Vite's dev server optimises dependencies and reloads the page once.
    await page.locator("#kpi-netRevenue").waitFor({ timeout: 60_000 });
    expect(await page.locator("h1").first().textContent()).toBe("Dashboard");
    expect(await page.title()).toBe("Dashboard · Comeback");
    for (const name of ["Dashboard", "Customers", "Campaigns", "Loyalty program", "Sync"]) {
      expect(await page.getByRole("link", { name, exact: true }).count(), name).toBe(1);
    }
    await page.getByRole("link", { name: "Sync", exact: true }).click();
    await page.waitForURL(/\/app\/sync$/);
    await page.locator("#orders-synced").waitFor();
    expect(await page.locator("h1").first().textContent()).toBe("Sync");
    expect(await page.title()).toBe("Sync · Comeback");
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it("shows the sync: import progress, the last webhook per topic, failed deliveries, and re-runs the import", async () => {
    // A stale update of a demo order (older than the stored state, so it changes nothing) and a
    // delivery whose payload is not an order (rejected, never retried).
    const existing = {
      ...fixture("orders/updated"),
      admin_graphql_api_id: `gid://shopify/Order/${2n ** 53n + 1n}`,
      updated_at: "2000-01-01T00:00:00Z",
      customer: null,
      refunds: [],
    };
    expect((await deliver("orders/updated", existing)).status).toBe(200);
    expect((await deliver("orders/create", { id: 1, note: "not an order" })).status).toBe(422);

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(String(error)));
    await page.goto(`${url}/app/sync`, { waitUntil: "networkidle" });
    await hydrated(page);
    await page.locator("#orders-synced").waitFor({ timeout: 60_000 });
    expect(count(await page.locator("#orders-synced").textContent())).toBeGreaterThan(5000);
    expect(count(await page.locator("#customers-synced").textContent())).toBeGreaterThan(3000);
    expect(await page.getByText("Comeback Demo Store · EUR · Europe/Berlin").count()).toBe(1);

    const historyImport = page.locator("#history-import");
    expect(await historyImport.getByText("Completed", { exact: true }).count()).toBe(1);
    expect(await historyImport.getByText("From the file demo-history.jsonl").count()).toBe(1);
    const imported = count((await page.locator("#orders-imported").textContent())!.match(/^([\d,]+) orders imported$/)![1]!);
    expect(imported).toBeGreaterThan(5000);

    const webhooks = page.locator("#webhooks-table");
    // Topics in the merchant's words, over Shopify's Admin API name (WebhookSubscriptionTopic).
    const updatedRow = webhooks.locator("tr", { hasText: "ORDERS_UPDATED" });
    expect(await updatedRow.count()).toBe(1);
    expect(await updatedRow.locator("td").first().textContent()).toBe("Order updatedORDERS_UPDATED");
    expect(await updatedRow.locator("td").nth(1).textContent()).toMatch(/^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d\d\s[AP]M$/);
    const createRow = webhooks.locator("tr", { hasText: "ORDERS_CREATE" });
    expect(Number(await createRow.locator("td").nth(3).textContent())).toBeGreaterThanOrEqual(1);

    const errors = page.locator("#errors-table");
    const rejected = errors.locator("tr", { hasText: "ORDERS_CREATE" }).first();
    expect(await rejected.textContent()).toContain("Not retried: rejected");
    expect(await rejected.locator("td").nth(2).textContent()).toContain("admin_graphql_api_id");
    expect(count(await page.locator("#failed-deliveries").textContent())).toBeGreaterThanOrEqual(1);
    await expectAccessible(page);
    await page.screenshot({ path: "test-results/screenshots/sync-status.png", fullPage: true });

    // Re-run: confirm in the modal, a toast says it started, the page follows it to the end.
    await page.getByRole("button", { name: "Re-run import" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    expect(
      await dialog.getByText("imports its own history file (prisma/demo-history.jsonl) again", { exact: false }).count(),
    ).toBe(1);
    await expectAccessible(page);
    await page.screenshot({ path: "test-results/screenshots/sync-rerun-modal.png" });
    await dialog.getByRole("button", { name: "Re-run import" }).click();
    // The dialog closes first; while open it holds a hidden copy of the toast's text.
    await dialog.waitFor({ state: "hidden" });
    await page.getByText("History import started").waitFor();
    await waitFor(
      "the re-run to finish",
      async () =>
        (await page.getByText("Earlier imports").count()) > 0 &&
        (await historyImport.getByText("Completed", { exact: true }).count()) === 1,
      60_000,
    );
    expect(count((await page.locator("#orders-imported").textContent())!.match(/^([\d,]+)/)![1]!)).toBe(imported);
    expect(count(await page.locator("#orders-synced").textContent())).toBeGreaterThan(5000);
    await page.waitForTimeout(1000); // the progress bar's animation
    await page.screenshot({ path: "test-results/screenshots/sync-after-rerun.png", fullPage: true });
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it("reads in German", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(String(error)));
    await page.goto(`${url}/app/sync?locale=de`, { waitUntil: "networkidle" });
    await hydrated(page);
    await page.locator("#orders-synced").waitFor({ timeout: 60_000 });
    expect(await page.locator("h1").first().textContent()).toBe("Synchronisierung");
    expect(await page.title()).toBe("Synchronisierung · Comeback");
    expect(await page.getByText("Verlaufsimport", { exact: true }).count()).toBe(1);
    expect(await page.locator("#orders-synced").textContent()).toMatch(/^\d{1,3}(\.\d{3})+$/);
    await expectAccessible(page);
    await page.screenshot({ path: "test-results/screenshots/sync-de.png", fullPage: true });
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
