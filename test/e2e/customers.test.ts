// The customers pages of `npm run demo` in a real browser: the list with real data, its search,
// filters, sort and pages, the analysis and marketing CSV exports of a filtered list, a member's
// page with one order count, links to the Shopify admin, the next expected order, orders, ledger
// and tier history, a manual adjustment and its validation, and the list in German. Another test
// changes the program's settings meanwhile, so nothing here depends on a rule's or tier's values.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { marketingStateOf } from "../../app/demo/synthetic-history";
import { expectAccessible } from "../support/axe";
import { hydrated, launchBrowser } from "../support/browser";

let browser: Browser;
const url = inject("demoUrl");
const ROWS = 'tr[id^="gid://shopify/Customer/"]';
// The list's pagination bar is sticky, which a full-page capture paints mid-page: lists are captured as seen.
const shot = (page: Page, name: string, fullPage = true) =>
  page.screenshot({ path: `test-results/screenshots/customers-${name}.png`, fullPage });

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

async function open(path: string, ready: string, options: { locale?: string } = {}) {
  const page = await browser.newPage({
    viewport: { width: 1400, height: 900 },
    locale: options.locale ?? "en-US",
    acceptDownloads: true,
  });
  const pageErrors: string[] = [];
  page.on("pageerror", (error) => pageErrors.push(String(error)));
  await page.goto(`${url}${path}`, { waitUntil: "networkidle" });
  await hydrated(page);
  // On a cold start Vite's dev server optimises dependencies and may reload the page once.
  await page.locator(ready).first().waitFor({ timeout: 60_000 });
  return { page, pageErrors };
}

/**
 * Opens the list's search and filters. A click that lands while the table is still re-rendering
 * from the previous navigation can miss the button; it is tried again until the search box shows.
 */
async function openFilters(page: Page) {
  const searchBox = page.getByRole("textbox", { name: "Search by name, e-mail or customer ID" });
  await expect
    .poll(
      async () => {
        if (await searchBox.isVisible()) return true;
        await page
          .getByRole("button", { name: "Search and filter results" })
          .click({ timeout: 2_000 })
          .catch(() => undefined);
        return searchBox.isVisible();
      },
      { timeout: 30_000 },
    )
    .toBe(true);
}

const cellTexts = (page: Page, column: number) => page.locator(`${ROWS} td:nth-child(${column})`).allTextContents();
/** "€1,234.56" -> 123456 (minor units), "—" -> null. */
const minor = (text: string) => (text.includes("€") ? Number(text.replace(/[^\d]/g, "")) : null);

describe("customers", () => {
  it("lists real customers, searches, filters by tier, sorts, pages and exports the filtered rows", async () => {
    const { page, pageErrors } = await open("/app", "nav a[href='/app/customers']");
    await page.getByRole("link", { name: "Customers" }).click();
    await page.waitForURL(/\/app\/customers$/);
    await page.locator(ROWS).first().waitFor();
    expect(await page.locator("h1").first().textContent()).toBe("Customers");
    expect(await page.locator(ROWS).count()).toBe(50);
    const total = Number(
      (await page.getByText(/customers · figures as of today/).textContent())!.match(/^([\d,]+)/)![1].replace(/,/g, ""),
    );
    expect(total).toBeGreaterThan(3000);
    // Net spend, highest first, money in euros; names and e-mails came with the history import.
    const spend = (await cellTexts(page, 4)).map(minor);
    expect(spend.every((value, i) => value !== null && (i === 0 || value <= spend[i - 1]!))).toBe(true);
    expect((await cellTexts(page, 1))[0]).toMatch(/^\p{Lu}\p{Ll}+ (de )?\p{Lu}\p{Ll}+/u);
    expect(await page.locator(ROWS).first().textContent()).toMatch(/@example\.com/);
    expect(await page.getByText(`Page 1 of ${Math.ceil(total / 50)}`).count()).toBe(1);
    await expectAccessible(page);
    await shot(page, "list", false);

    // A column heading sorts on the server.
    await page.getByRole("button", { name: "Orders" }).first().click();
    await page.waitForURL(/sort=orders/);
    const descending = new URL(page.url()).searchParams.get("direction") !== "asc";
    // The URL changes as the new rows arrive; they render a moment later.
    await expect
      .poll(
        async () => {
          const orders = (await cellTexts(page, 3)).map((text) => Number(text.replace(/,/g, "")));
          return orders.every((value, i) => i === 0 || (descending ? value <= orders[i - 1]! : value >= orders[i - 1]!));
        },
        { timeout: 20_000 },
      )
      .toBe(true);

    // The next page.
    await page.getByRole("button", { name: "Next" }).click();
    await page.waitForURL(/page=2/);
    await page.getByText(`Page 2 of`).waitFor();
    expect(await page.locator(ROWS).count()).toBe(50);

    // A tier filter (whichever tier the program has first): only its members, every page counted.
    await openFilters(page);
    await page.getByRole("button", { name: "Tier", exact: true }).click();
    const tier = page.locator(".Polaris-Popover input[type=checkbox]").first();
    const tierName = (await page.locator(".Polaris-Popover label").first().textContent())!.trim();
    await tier.click();
    await page.waitForURL(/tier=/);
    expect(new URL(page.url()).searchParams.get("page")).toBeNull();
    await page.keyboard.press("Escape");
    await expect.poll(async () => [...new Set(await cellTexts(page, 10))], { timeout: 20_000 }).toEqual([tierName]);
    const filtered = Number(
      (await page.getByText(/customers · figures as of today/).textContent())!.match(/^([\d,]+)/)![1].replace(/,/g, ""),
    );
    await shot(page, "filtered", false);

    // Every row says when its next order is expected, in the shop's calendar.
    expect((await cellTexts(page, 6)).every((text) => /^(Expected|Overdue since) \w{3} \d{1,2}, \d{4}/.test(text))).toBe(true);

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export analysis CSV (no names or e-mails)" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^comeback-customers-filtered-\d{4}-\d\d-\d\d\.csv$/);
    const lines = readFileSync((await download.path())!, "utf8")
      .trim()
      .split("\r\n");
    expect(lines[0]).toBe("customer_gid,segment,orders,net_spend,last_order,p_alive,predicted_clv_12m,churn_risk,points,tier");
    expect(lines).toHaveLength(filtered + 1);
    expect(lines.slice(1).every((line) => line.endsWith(`,${tierName}`) && /^gid:\/\/shopify\/Customer\/\d+,/.test(line))).toBe(
      true,
    );
    await page.getByText(`Exported ${filtered.toLocaleString("en")} customers`).waitFor();

    // The marketing export of the same list: only the customers who accepted e-mail marketing, as
    // many as its button says, with names and e-mails, in a file named apart.
    const marketingButton = page.getByRole("button", {
      name: /^Export marketing list \(only the [\d,]+ customers? who accepted e-mail marketing\)$/,
    });
    const subscribed = Number((await marketingButton.textContent())!.match(/only the ([\d,]+)/)![1]!.replace(/,/g, ""));
    expect(subscribed).toBeGreaterThan(0);
    expect(subscribed).toBeLessThan(filtered);
    const [marketing] = await Promise.all([page.waitForEvent("download"), marketingButton.click()]);
    expect(marketing.suggestedFilename()).toMatch(/^comeback-marketing-filtered-\d{4}-\d\d-\d\d\.csv$/);
    const marketingLines = readFileSync((await marketing.path())!, "utf8")
      .trim()
      .split("\r\n");
    expect(marketingLines[0]).toBe("first_name,last_name,email,segment,churn_risk,next_order_due,overdue_days");
    expect(marketingLines).toHaveLength(subscribed + 1);
    // The demo's customer n (in the e-mail address) was subscribed by the generator's rule.
    const numbers = marketingLines.slice(1).map((line) => Number(line.split(",")[2]!.match(/\.(\d+)@example\.com$/)![1]));
    expect(numbers.every((n) => marketingStateOf(n - 1) === "SUBSCRIBED")).toBe(true);
    await page.getByText(`Exported ${subscribed.toLocaleString("en")} customers who accepted e-mail marketing to`).waitFor();

    // A search by a customer's id finds that customer alone.
    const gid = lines[1]!.split(",")[0]!;
    const number = gid.split("/").pop()!;
    await page.goto(`${url}/app/customers`, { waitUntil: "networkidle" });
    await hydrated(page);
    await openFilters(page);
    await page.getByRole("textbox", { name: "Search by name, e-mail or customer ID" }).fill(number);
    await page.waitForURL(/q=/);
    await page.waitForFunction(
      (expected) =>
        document.querySelectorAll('tr[id^="gid://shopify/Customer/"]').length === 1 && !!document.getElementById(expected),
      gid,
    );
    // A shared link shows the same search.
    await page.reload({ waitUntil: "networkidle" });
    await hydrated(page);
    expect(await page.locator(ROWS).count()).toBe(1);

    // A search by first and last name, in any case and order, finds only customers of that name.
    await page.goto(`${url}/app/customers?q=${encodeURIComponent("müller greta")}`, { waitUntil: "networkidle" });
    await hydrated(page);
    await page.locator(ROWS).first().waitFor();
    const names = await cellTexts(page, 1);
    expect(names.length).toBeGreaterThan(0);
    expect(names.every((name) => name.startsWith("Greta Müller"))).toBe(true);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it("shows a member's orders, ledger and tier history, and records a manual adjustment once, refusing bad input and asking before a deduction beyond the balance", async () => {
    // The member with the most points has a ledger and, having earned them, a tier.
    const { page, pageErrors } = await open("/app/customers?sort=points&member=member", ROWS);
    await page.locator(`${ROWS} a`).first().click();
    await page.waitForURL(/\/app\/customers\/\d+$/);
    await page.locator("#customer-orders").waitFor();
    const orderRows = await page.locator("#customer-orders tbody tr").count();
    expect(orderRows).toBeGreaterThan(0);
    // One order count: the profile's is the orders card's.
    const counted = (await page.locator("#customer-orders-count").textContent())!;
    expect(await page.locator("#customer-orders-summary").textContent()).toMatch(new RegExp(`^${counted} orders?, newest first`));
    expect(await page.locator("body").textContent()).not.toMatch(/\b1 (orders|points)\b/);
    // The customer and each order open in the Shopify admin.
    const number = new URL(page.url()).pathname.split("/").pop();
    expect(await page.getByRole("link", { name: "Open in Shopify admin" }).getAttribute("href")).toBe(
      `shopify://admin/customers/${number}`,
    );
    const orderLinks = page.locator('#customer-orders a[href^="shopify://admin/orders/"]');
    expect(await orderLinks.count()).toBe(orderRows);
    expect(await orderLinks.first().getAttribute("target")).toBe("_top");
    expect(await page.locator("#customer-next-order").textContent()).toMatch(/^(Expected|Overdue since) \w{3} \d{1,2}, \d{4}/);
    expect(await page.locator("#customer-orders").textContent()).toMatch(/€\d/);
    expect(await page.locator("#customer-ledger tbody tr").count()).toBeGreaterThan(0);
    // The app's own reasons are shown in the merchant's language, not as stored.
    expect(await page.locator("#customer-ledger").textContent()).toContain("Purchase");
    expect(await page.locator("#customer-tier-history").textContent()).toContain("Promotion");
    expect(await page.locator("#customer-p-alive").textContent()).toMatch(/^\d+%$/);
    const available = async () => Number((await page.locator("#points-available").textContent())!.replace(/,/g, ""));
    const before = await available();
    expect(await page.title()).toBe(`${await page.locator("h1").first().textContent()} · Customers · Comeback`);
    await expectAccessible(page);
    await shot(page, "customer");

    // 0 points and no reason: both fields say why, nothing is recorded.
    await page.getByLabel("Points", { exact: true }).fill("0");
    await page.getByRole("button", { name: "Record adjustment" }).click();
    await page.getByText("An adjustment cannot be 0 points.").waitFor();
    await page.getByText("Enter a reason for the adjustment.").waitFor();
    expect(await available()).toBe(before);
    await expectAccessible(page);
    await shot(page, "adjust-errors");

    await page.getByLabel("Points", { exact: true }).fill("25");
    await page.getByLabel("Reason", { exact: true }).fill("E2E goodwill");
    // A double click posts the same request id twice: one entry.
    await page.getByRole("button", { name: "Record adjustment" }).dblclick();
    await page.getByText("25 points recorded").waitFor();
    await page.waitForFunction(
      (expected) => document.getElementById("points-available")?.textContent?.replace(/,/g, "") === String(expected),
      before + 25,
    );
    await page.reload({ waitUntil: "networkidle" });
    await hydrated(page);
    expect(await available()).toBe(before + 25);
    expect(await page.locator("#customer-ledger").getByText("E2E goodwill").count()).toBe(1);

    // A deduction beyond the balance: the page names the available points and asks; only then is it recorded.
    const balance = await available();
    await page.getByLabel("Points", { exact: true }).fill(String(-(balance + 100)));
    await page.getByLabel("Reason", { exact: true }).fill("E2E deduction");
    await page.getByRole("button", { name: "Record adjustment" }).click();
    await page.getByText(`Only ${balance.toLocaleString("en")} points are available`).waitFor();
    expect(await available()).toBe(balance);
    await expectAccessible(page);
    await shot(page, "adjust-confirm");
    await page.getByRole("button", { name: "Deduct anyway" }).click();
    await page.getByText(`${(-balance).toLocaleString("en")} points recorded`).waitFor();
    await page.waitForFunction(() => document.getElementById("points-available")?.textContent === "0");
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it("pages a long order history, with no disabled link on the first or last page", async () => {
    const { page, pageErrors } = await open("/app/customers?sort=orders", ROWS);
    await page.locator(`${ROWS} a`).first().click();
    await page.waitForURL(/\/app\/customers\/\d+$/);
    await page.locator("#customer-orders tbody tr").first().waitFor();
    // The demo's most loyal customer has more than one page of 20 orders (cancelled and test ones included).
    const pages = Number((await page.getByText(/^Page 1 of \d+$/).textContent())!.split(" of ")[1]);
    expect(pages).toBeGreaterThan(1);
    await expectAccessible(page);
    await page.getByRole("link", { name: "Next" }).click();
    await page.waitForURL(/\?orders=2$/);
    await page.getByText(`Page 2 of ${pages}`).waitFor();
    await expectAccessible(page);
    await page.goto(`${page.url().replace(/\?.*$/, "")}?orders=${pages}`, { waitUntil: "networkidle" });
    await hydrated(page);
    await page.getByText(`Page ${pages} of ${pages}`).waitFor();
    expect(await page.locator("#customer-orders tbody tr").count()).toBeGreaterThan(0);
    await expectAccessible(page);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it("reads in German", async () => {
    const { page, pageErrors } = await open("/app/customers?locale=de", ROWS, { locale: "de-DE" });
    expect(await page.locator("h1").first().textContent()).toBe("Kunden");
    expect(await page.getByRole("button", { name: "Nettoumsatz" }).count()).toBeGreaterThan(0);
    expect((await cellTexts(page, 4))[0]).toMatch(/^[\d.]+,\d\d\s€$/);
    expect((await cellTexts(page, 1))[0]).toMatch(/^\p{Lu}\p{Ll}+ (de )?\p{Lu}\p{Ll}+/u);
    await expectAccessible(page);
    await shot(page, "de", false);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it("says so when a link's filter cannot be read, and for an unknown customer", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 700 } });
    await page.goto(`${url}/app/customers?sort=name`, { waitUntil: "networkidle" });
    await hydrated(page);
    await page.getByText("This list link is not valid").waitFor();
    await page.goto(`${url}/app/customers/1`, { waitUntil: "networkidle" });
    await hydrated(page);
    await page.getByText("Not found").waitFor();
    // The page's own error boundary keeps the app's navigation around the message.
    expect(await page.getByRole("link", { name: "Customers", exact: true }).count()).toBe(1);
    await expectAccessible(page);
    await shot(page, "not-found");
    await page.close();
  });
});
