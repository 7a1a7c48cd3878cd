// The dashboard in a real browser against the shared demo: real figures formatted for the
// merchant, the charts and both heatmap modes, a chosen period, every preset and every refused
// period, the choice of comparison, the CSV exports, the lookback setting's round trip with its
// validation error, and the German view with its ?locale= kept from page to page.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { expectAccessible } from "../support/axe";
import { hydrated, launchBrowser } from "../support/browser";
import { waitFor } from "../support/wait";

let browser: Browser;
const url = inject("demoUrl");
const year = new Date().getUTCFullYear() - 1;
// Intl puts no-break spaces between a German amount and its currency sign.
const plain = (text: string | null) => (text ?? "").replace(/[\u00a0\u202f]/g, " ").trim();
// The demo shop's calendar (scripts/demo.ts imports its history in Europe/Berlin).
const shopToday = () => new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Berlin" }).format(new Date());
const addDays = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

async function open(path: string, options: { acceptDownloads?: boolean } = {}) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, ...options });
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  await page.goto(`${url}${path}`, { waitUntil: "networkidle" });
  await hydrated(page);
  // On a cold start Vite's dev server optimises dependencies and reloads the page once.
  await page.locator("h1").first().waitFor({ timeout: 60_000 });
  return { page, errors };
}

/** The charts draw after hydration and animate in; screenshots wait for both. */
async function chartsDrawn(page: Page) {
  for (const chart of ["#chart-revenue", "#chart-retention", "#chart-segments", "#chart-backtest", "#chart-gaps"]) {
    await page.locator(`${chart} svg`).first().waitFor({ timeout: 30_000 });
  }
  await page.waitForTimeout(1500);
}

describe("dashboard", () => {
  it("shows the period's KPIs with changes and definitions, predictions, charts and the heatmap in both modes", async () => {
    const { page, errors } = await open("/app");
    expect(await page.locator("h1").first().textContent()).toBe("Dashboard");
    expect(await page.locator("#kpi-netRevenue").textContent()).toMatch(/^€[\d,]+\.\d\d$/);
    expect(await page.locator("#kpi-netRevenueNew").textContent()).toMatch(/^€[\d,]+\.\d\d$/);
    expect(await page.locator("#kpi-netRevenueReturning").textContent()).toMatch(/^€[\d,]+\.\d\d$/);
    expect(await page.locator("#kpi-averageOrderValue").textContent()).toMatch(/^€[\d,]+\.\d\d$/);
    for (const rate of ["retentionRate", "churnRate", "returningCustomerRate", "repeatPurchaseRate"]) {
      expect(await page.locator(`#kpi-${rate}`).textContent(), rate).toMatch(/^\d+\.\d%$/);
    }
    expect(await page.locator("#kpi-purchaseFrequency").textContent()).toMatch(/^\d+\.\d\d$/);
    expect(await page.locator("#kpi-medianDaysToSecondOrder").textContent()).toMatch(/^[\d.]+ days?$/);
    // The headline rate says what it measures: customers active at the start still active at the end.
    expect(await page.getByText("Active customers kept (365-day window)", { exact: true }).count()).toBe(1);
    expect(await page.getByText("Active customers lost (365-day window)", { exact: true }).count()).toBe(1);
    expect(
      await page.getByText("Of the customers active when the period began, the share still active", { exact: false }).count(),
    ).toBe(1);
    expect(await page.getByText(/vs previous period/).count()).toBeGreaterThanOrEqual(12);
    expect(await page.getByText(/vs a year ago/).count()).toBeGreaterThanOrEqual(12);
    expect(await page.locator("#compared-with").textContent()).toMatch(
      /^Compared with .+ \(previous period\) and .+ \(a year earlier\)$/,
    );

    // The worker fits the purchase models in the background; the page shows them once fitted.
    await waitFor(
      "predictions",
      async () => {
        await page.reload({ waitUntil: "networkidle" });
        await hydrated(page);
        return (await page.locator("#predicted-revenue").count()) > 0;
      },
      60_000,
    );
    // A forecast, rounded to three significant digits and dated: it does not follow the chosen period.
    const predicted = (await page.locator("#predicted-revenue").textContent())!;
    expect(predicted).toMatch(/^€[\d,]+$/);
    expect(predicted.replace(/[€,]/g, "")).toMatch(/^[1-9]\d{0,2}0*$/);
    expect(await page.locator("#predicted-as-of").textContent()).toMatch(
      /^For the 12 months after \w{3} \d+, \d{4}, whatever period is chosen above/,
    );
    expect(await page.getByText(/^Churn risk: [\d,]+ low · [\d,]+ medium · [\d,]+ high$/).count()).toBe(1);
    // How the predictions did on the demo's own last 26 weeks, in plain words and as a chart.
    expect(await page.locator("#backtest-summary").textContent()).toMatch(
      /^Fitted on the orders before .+, the predictions expected [\d,]+ orders from those [\d,]+ customers from .+ to .+; there were [\d,]+\. (Close|Fair|Far off): \d+\.\d% /,
    );
    expect(await page.getByText(/^The predictions use (BG\/NBD|Pareto\/NBD), which came closer per customer/).count()).toBe(1);
    const backtestRows = page.locator("#chart-backtest-table tbody tr");
    expect(await backtestRows.count()).toBe(8);
    expect(await backtestRows.last().locator("th").textContent()).toBe("7 or more");
    // The rhythm of reorders: quartiles in words, a histogram with its table.
    expect(await page.locator("#gaps-firstToSecond").textContent()).toMatch(
      /^First to second order: median [\d.,]+ days; half of these [\d,]+ customers took between [\d.,]+ and [\d.,]+ days\.$/,
    );
    expect(await page.locator("#gaps-secondToThird").textContent()).toMatch(/^Second to third order: median [\d.,]+ days;/);
    const gapRows = page.locator("#chart-gaps-table tbody tr");
    expect(await gapRows.allTextContents()).toHaveLength(8);
    expect(await gapRows.first().locator("th").textContent()).toBe("0–7");
    expect(await gapRows.last().locator("th").textContent()).toBe("over 365");

    await chartsDrawn(page);
    expect(await page.locator("#chart-revenue").getByText("Returning customers").count()).toBeGreaterThan(0);
    expect(await page.locator("#chart-revenue").getByText("New customers").count()).toBeGreaterThan(0);
    expect(await page.locator("#chart-retention").getByText("Month 1").count()).toBeGreaterThan(0);
    expect(await page.locator("#chart-segments").getByText("Champions").count()).toBeGreaterThan(0);

    const heatmap = page.locator("#cohort-heatmap");
    expect(await heatmap.getAttribute("data-mode")).toBe("percent");
    expect(await heatmap.locator("tbody tr").count()).toBe(13);
    expect(await heatmap.locator("thead th").allTextContents()).toEqual([
      "Cohort",
      "Customers",
      ...Array.from({ length: 13 }, (_, k) => `M${k}`),
    ]);
    const firstRow = heatmap.locator("tbody tr").first();
    expect(await firstRow.locator("td").nth(1).textContent()).toBe("100.0%");
    expect(await firstRow.locator("td").nth(2).textContent()).toMatch(/^\d+\.\d%$/);
    // Cells are shaded by value: more than one shade in the table.
    const steps = new Set(
      await heatmap.locator("td[data-step]").evaluateAll((cells) => cells.map((c) => c.getAttribute("data-step"))),
    );
    expect(steps.size).toBeGreaterThan(2);
    // Today's month is still under way: it is marked, not shaded, as the newest observed month of
    // every cohort the table shows it for (all rows but the oldest when today's cohort is still empty).
    expect(await heatmap.locator("td[data-in-progress]").count()).toBeGreaterThanOrEqual(12);
    expect(await heatmap.locator("td[data-in-progress] ~ td[data-step]").count()).toBe(0);
    expect(
      await heatmap
        .locator("tbody tr")
        .filter({ has: page.locator("td[data-in-progress]") })
        .count(),
    ).toBe(await heatmap.locator("td[data-in-progress]").count());
    expect(await page.getByText("Dashed: the month in progress, counted so far").count()).toBe(1);
    // The revenue chart's figures, as a screen reader gets them: 24 months, the last one so far.
    const revenueRows = page.locator("#chart-revenue-table tbody tr");
    expect(await revenueRows.count()).toBe(24);
    expect(await revenueRows.last().locator("th").textContent()).toMatch(/^\w{3} \d{4} \(so far\)$/);
    expect(await revenueRows.last().locator("td").first().textContent()).toMatch(/^€[\d,]+\.\d\d$/);
    expect(await page.getByText("The last month is still under way: counted so far.", { exact: false }).count()).toBe(1);
    // ...and drawn as a bar of its own, with its own legend entry naming the last day counted.
    const [year0, month0, day0] = shopToday().split("-").map(Number);
    const todayText = new Date(Date.UTC(year0!, month0! - 1, day0)).toLocaleDateString("en-US", {
      month: "short",
      day: "numeric",
      year: "numeric",
      timeZone: "UTC",
    });
    expect(await page.locator("#chart-revenue").getByText(`Month in progress (to ${todayText})`, { exact: true }).count()).toBe(
      1,
    );
    await expectAccessible(page);
    await page.screenshot({ path: "test-results/screenshots/dashboard-overview.png", fullPage: true });

    await page.locator("#heatmap-mode-ltv").click();
    expect(await heatmap.getAttribute("data-mode")).toBe("ltv");
    const ltv = await firstRow.locator("td").nth(1).textContent();
    expect(ltv).toMatch(/^€[\d,]+\.\d\d$/);
    // LTV is cumulative: never lower a month later.
    const amount = (text: string | null) => Number(text!.replace(/[€,]/g, ""));
    expect(amount(await firstRow.locator("td").nth(3).textContent())).toBeGreaterThanOrEqual(amount(ltv));
    expect(await page.getByText("Cumulative net revenue per cohort customer", { exact: false }).count()).toBe(1);
    await expectAccessible(page);
    await page.screenshot({ path: "test-results/screenshots/dashboard-heatmap-ltv.png", fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it("shows a chosen period, refuses a bad one clearly, and exports both CSVs", async () => {
    const { page, errors } = await open("/app", { acceptDownloads: true });
    await page.getByLabel("From").fill(`${year}-12-01`);
    await page.getByLabel("To (included)").fill(`${year}-12-31`);
    await page.getByRole("button", { name: "Show" }).click();
    await page.waitForURL(/from=/);
    await page.getByText(`Dec 1, ${year} – Dec 31, ${year}`, { exact: false }).first().waitFor();
    expect(await page.locator("#compared-with").textContent()).toContain(`Oct 31, ${year} – Nov 30, ${year} (previous period)`);
    expect(await page.locator("#compared-with").textContent()).toContain(
      `Dec 1, ${year - 1} – Dec 31, ${year - 1} (a year earlier)`,
    );
    expect(await page.locator("#kpi-netRevenue").textContent()).toMatch(/^€[\d,]+\.\d\d$/);
    // The newest cohort is the period's last month.
    await page.locator("#cohort-heatmap").waitFor();
    expect(await page.locator("#cohort-heatmap tbody tr th").last().textContent()).toBe(`Dec ${year}`);

    const [cohorts] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export cohorts (CSV)" }).click(),
    ]);
    expect(cohorts.suggestedFilename()).toBe(`cohorts-${year}-12-31.csv`);
    const csv = readFileSync((await cohorts.path())!, "utf8");
    expect(csv.split("\r\n")[0]).toBe(
      "cohort,cohort_customers,month,customers,percent,orders,net_revenue,cumulative_net_revenue_per_customer,in_progress",
    );
    expect(csv).toContain(`${year}-12,`);
    expect(csv).not.toContain(`${year + 1}-01,`);
    await page.getByText(`cohorts-${year}-12-31.csv downloaded`).waitFor();
    const [customers] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export customers (CSV)" }).click(),
    ]);
    const customerLines = readFileSync((await customers.path())!, "utf8")
      .trim()
      .split("\r\n");
    expect(customerLines.length).toBeGreaterThan(3000);
    expect(customerLines[1]).toMatch(/^gid:\/\/shopify\/Customer\/\d+,/);
    await chartsDrawn(page);
    // A period that ended with a whole month has no month in progress.
    expect(
      await page
        .locator("#chart-revenue")
        .getByText(/^Month in progress/)
        .count(),
    ).toBe(0);
    await page.screenshot({ path: "test-results/screenshots/dashboard-period.png", fullPage: true });

    // The comparison is the merchant's choice, kept in the URL with the period; the KPIs and the
    // "compared with" line follow it.
    await page.getByLabel("Compare with").selectOption("yearAgo");
    await page.waitForURL(/compare=yearAgo/);
    // (The URL changes before React renders the new page: wait for the text itself.)
    await page.getByText(`Compared with Dec 1, ${year - 1} – Dec 31, ${year - 1} (a year earlier)`, { exact: true }).waitFor();
    expect(await page.getByText(/vs a year ago/).count()).toBeGreaterThanOrEqual(12);
    expect(await page.getByText(/vs previous period/).count()).toBe(0);
    expect(new URL(page.url()).searchParams.get("from")).toBe(`${year}-12-01`);
    await page.getByLabel("Compare with").selectOption("previous");
    await page.waitForURL(/compare=previous/);
    await page.getByText(`Compared with Oct 31, ${year} – Nov 30, ${year} (previous period)`, { exact: true }).waitFor();
    expect(await page.getByText(/vs a year ago/).count()).toBe(0);
    // A preset keeps the chosen comparison.
    await page.getByLabel("Period").selectOption("last90");
    await page.waitForURL(/preset=last90/);
    expect(new URL(page.url()).searchParams.get("compare")).toBe("previous");
    await page.getByText(/^Compared with .+ \(previous period\)$/).waitFor();
    await page.getByLabel("Compare with").selectOption("none");
    await page.waitForURL(/compare=none/);
    await page.getByText("Not compared with another period", { exact: true }).waitFor();
    expect(await page.getByText(/vs (previous period|a year ago)/).count()).toBe(0);
    await page.getByLabel("Compare with").selectOption("both");
    await page.waitForURL((address) => !address.searchParams.has("compare"));
    await page.getByText(/\(previous period\) and .+ \(a year earlier\)$/).waitFor();

    // From after to, through the old retention URL (a redirect to the dashboard with its query).
    await page.goto(`${url}/app/retention?from=${year}-12-31&to=${year}-12-01`, { waitUntil: "networkidle" });
    await hydrated(page);
    expect(new URL(page.url()).pathname).toBe("/app");
    expect(new URL(page.url()).search).toBe(`?from=${year}-12-31&to=${year}-12-01`);
    expect(await page.getByText("The period is not valid").count()).toBe(1);
    expect(
      await page.getByText(`The first day (Dec 31, ${year}) is after the last day (Dec 1, ${year}).`, { exact: false }).count(),
    ).toBe(1);
    // The form is still there to put it right, with both fields marked.
    expect(await page.getByLabel("From").inputValue()).toBe(`${year}-12-31`);
    expect(await page.getByLabel("From").getAttribute("aria-invalid")).toBe("true");
    expect(await page.getByLabel("To (included)").getAttribute("aria-invalid")).toBe("true");
    await expectAccessible(page);
    await page.screenshot({ path: "test-results/screenshots/dashboard-invalid-period.png", fullPage: true });
    // Typed into the form, the same: the page stays, the fields keep what was typed and are marked.
    await page.goto(`${url}/app`, { waitUntil: "networkidle" });
    await hydrated(page);
    await page.getByLabel("From").fill(`${year}-06-30`);
    await page.getByLabel("To (included)").fill(`${year}-06-01`);
    await page.getByRole("button", { name: "Show" }).click();
    await page.getByText("The period is not valid").waitFor();
    expect(
      await page.getByText(`The first day (Jun 30, ${year}) is after the last day (Jun 1, ${year}).`, { exact: false }).count(),
    ).toBe(1);
    expect(await page.locator("h1").first().textContent()).toBe("Dashboard");
    expect(await page.getByLabel("From").inputValue()).toBe(`${year}-06-30`);
    expect(await page.getByLabel("To (included)").inputValue()).toBe(`${year}-06-01`);
    expect(await page.getByLabel("From").getAttribute("aria-invalid")).toBe("true");
    expect(await page.getByLabel("To (included)").getAttribute("aria-invalid")).toBe("true");
    // A period or comparison the page does not offer names itself and marks its field.
    await page.goto(`${url}/app?preset=lastWeek`, { waitUntil: "networkidle" });
    await hydrated(page);
    expect(await page.getByText("“lastWeek” is not one of the periods this page offers.").count()).toBe(1);
    expect(await page.getByLabel("Period").getAttribute("aria-invalid")).toBe("true");
    await page.goto(`${url}/app?compare=lastWeek`, { waitUntil: "networkidle" });
    await hydrated(page);
    expect(await page.getByText("“lastWeek” is not one of the comparisons this page offers.").count()).toBe(1);
    expect(await page.getByLabel("Compare with").getAttribute("aria-invalid")).toBe("true");
    await page.goto(`${url}/app?from=${year}-02-30`, { waitUntil: "networkidle" });
    await hydrated(page);
    expect(await page.getByText(`“${year}-02-30” is not a date (from).`, { exact: false }).count()).toBe(1);

    // A period that ends after today, or before the shop's first order, would show zeros as facts.
    await page.goto(`${url}/app?from=${year + 1}-12-01&to=${year + 3}-01-31`, { waitUntil: "networkidle" });
    await hydrated(page);
    expect(await page.getByText(`The last day (Jan 31, ${year + 3}) is after today`, { exact: false }).count()).toBeGreaterThan(
      0,
    );
    expect(await page.getByLabel("To (included)").getAttribute("aria-invalid")).toBe("true");
    await page.goto(`${url}/app?from=2000-01-01&to=2000-01-31`, { waitUntil: "networkidle" });
    await hydrated(page);
    expect(
      await page.getByText(/The period ends \(Jan 31, 2000\) before the shop's first order on \w{3} \d+, \d{4}/).count(),
    ).toBeGreaterThan(0);
    await expectAccessible(page);

    // A named period shows as soon as it is chosen.
    await page.getByLabel("Period").selectOption("previousYear");
    await page.waitForURL(/preset=previousYear/);
    await page.getByText(`Jan 1, ${year} – Dec 31, ${year}`, { exact: false }).first().waitFor();
    expect(await page.getByLabel("Period").inputValue()).toBe("previousYear");
    await page.getByLabel("Period").selectOption("monthToDate");
    await page.waitForURL(/preset=monthToDate/);
    expect(await page.getByLabel("From").inputValue()).toMatch(/^\d{4}-\d{2}-01$/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("shows each preset's days on the shop's calendar", async () => {
    const { page, errors } = await open("/app");
    const today = shopToday();
    const [y, m] = [Number(today.slice(0, 4)), Number(today.slice(5, 7))];
    const pad = (n: number) => String(n).padStart(2, "0");
    const expected: Record<string, [string, string]> = {
      last30: [addDays(today, -29), today],
      last90: [addDays(today, -89), today],
      monthToDate: [`${today.slice(0, 8)}01`, today],
      quarterToDate: [`${y}-${pad(m - ((m - 1) % 3))}-01`, today],
      yearToDate: [`${y}-01-01`, today],
      last12Months: [addDays(`${y - 1}${today.slice(4)}`, 1), today],
      previousYear: [`${y - 1}-01-01`, `${y - 1}-12-31`],
    };
    for (const [preset, [from, to]] of Object.entries(expected)) {
      await page.getByLabel("Period").selectOption(preset);
      await page.waitForURL(new RegExp(`preset=${preset}`));
      // The URL changes before React has rendered the new period's form.
      await waitFor(`${preset} from ${from}`, async () => (await page.getByLabel("From").inputValue()) === from);
      expect(await page.getByLabel("To (included)").inputValue(), preset).toBe(to);
      expect(await page.getByLabel("Period").inputValue(), preset).toBe(preset);
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it("saves the lookback window, refuses a bad one with a message and changes nothing", async () => {
    const { page, errors } = await open("/app");
    const lookback = page.getByLabel("A customer is active while their last order is at most this many days old");
    const save = page.getByRole("button", { name: "Save" });
    try {
      await lookback.fill("90");
      await save.click();
      await page.getByText("Lookback window saved: 90 days").waitFor();
      await page.getByText("active = ordered in the last 90 days", { exact: false }).waitFor();
      await lookback.fill("7");
      await save.click();
      await page.getByText("Enter a whole number of days from 30 to 1095.").waitFor();
      await page.screenshot({ path: "test-results/screenshots/dashboard-lookback-error.png" });
      await page.reload({ waitUntil: "networkidle" });
      await hydrated(page);
      await page.getByText("active = ordered in the last 90 days", { exact: false }).waitFor();
      expect(await lookback.inputValue()).toBe("90");
    } finally {
      // The demo is shared with the other browser tests: put the default back.
      await lookback.fill("365");
      await save.click();
      await page.getByText("active = ordered in the last 365 days", { exact: false }).waitFor();
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it("reads in German with ?locale=de, numbers and money formatted the German way", async () => {
    const { page, errors } = await open("/app?locale=de");
    expect(await page.locator("html").getAttribute("lang")).toBe("de");
    expect(await page.locator("h1").first().textContent()).toBe("Übersicht");
    expect(await page.getByText("Gehaltene aktive Kunden (365-Tage-Fenster)", { exact: true }).count()).toBe(1);
    expect(await page.getByText("Nettoumsatz mit Neukunden", { exact: true }).count()).toBe(1);
    expect(plain(await page.locator("#kpi-netRevenue").textContent())).toMatch(/^[\d.]+,\d\d €$/);
    expect(plain(await page.locator("#kpi-retentionRate").textContent())).toMatch(/^\d+,\d %$/);
    expect(await page.getByText(/ggü\. Vorperiode/).count()).toBeGreaterThanOrEqual(12);
    expect(await page.getByRole("button", { name: "Kohorten exportieren (CSV)" }).count()).toBe(1);
    expect(await page.locator("#cohort-heatmap thead th").first().textContent()).toBe("Kohorte");
    await chartsDrawn(page);
    expect(await page.locator("#chart-revenue").getByText("Wiederkehrende Kunden").count()).toBeGreaterThan(0);
    // Axis ticks in whole German money: "0 €", "10.000 €".
    expect(
      await page
        .locator("#chart-revenue")
        .getByText(/^10\.000\s€$/)
        .count(),
    ).toBeGreaterThan(0);
    // Month ticks whole, not cut to "Mä…": the month alone, with the year on January.
    const ticks = (await page.locator("#chart-revenue svg text").allTextContents()).filter((text) => !text.includes("€"));
    expect(ticks).toHaveLength(24);
    expect(ticks.filter((tick) => tick.endsWith("…"))).toEqual([]);
    expect(ticks).toContain("Mär");
    expect(ticks[0]).toMatch(/ \d\d$/);
    expect(ticks.filter((tick) => / \d\d$/.test(tick)).every((tick, i) => i === 0 || tick.startsWith("Jan. "))).toBe(true);
    expect(ticks.some((tick) => /^Jan\. \d\d$/.test(tick))).toBe(true);
    expect(
      await page
        .locator("#chart-revenue")
        .getByText(/^Laufender Monat \(bis \d\d\.\d\d\.\d{4}\)$/)
        .count(),
    ).toBe(1);
    await expectAccessible(page);
    await page.screenshot({ path: "test-results/screenshots/dashboard-de.png", fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it("keeps ?locale=de through the navigation, links, the period form and a reload", async () => {
    const { page, errors } = await open("/app?locale=de");
    const locale = () => new URL(page.url()).searchParams.get("locale");
    await page.getByRole("link", { name: "Kunden", exact: true }).click();
    await page.waitForURL(/\/app\/customers\?/);
    expect(locale()).toBe("de");
    await page.locator("a[href*='/app/customers/']").first().click();
    await page.waitForURL(/\/app\/customers\/\d+/);
    expect(locale()).toBe("de");
    // A reload reads the language from the URL again.
    await page.reload({ waitUntil: "networkidle" });
    await hydrated(page);
    expect(await page.locator("html").getAttribute("lang")).toBe("de");
    await page.getByRole("link", { name: "Übersicht", exact: true }).click();
    await page.waitForURL(/\/app\?/);
    expect(locale()).toBe("de");
    await page.getByLabel("Zeitraum").selectOption("last90");
    await page.waitForURL(/preset=last90/);
    expect(locale()).toBe("de");
    // The form is drawn anew for the preset's days; type into the new one.
    const ninetyDaysAgo = addDays(shopToday(), -89);
    await waitFor("the last 90 days", async () => (await page.getByLabel("Von").inputValue()) === ninetyDaysAgo);
    await page.getByLabel("Von").fill(`${year}-03-01`);
    await page.getByLabel("Bis (einschließlich)").fill(`${year}-03-31`);
    await page.getByRole("button", { name: "Anzeigen" }).click();
    await page.waitForURL(/from=/);
    expect(locale()).toBe("de");
    await page.getByText(`und 01.03.${year - 1} – 31.03.${year - 1} (ein Jahr davor)`, { exact: false }).waitFor();
    await page.getByLabel("Vergleichen mit").selectOption("yearAgo");
    await page.waitForURL(/compare=yearAgo/);
    expect(locale()).toBe("de");
    await page.getByText(`Verglichen mit 01.03.${year - 1} – 31.03.${year - 1} (ein Jahr davor)`, { exact: true }).waitFor();
    await page.reload({ waitUntil: "networkidle" });
    await hydrated(page);
    expect(await page.locator("h1").first().textContent()).toBe("Übersicht");
    expect(errors).toEqual([]);
    await page.close();
  });
});
