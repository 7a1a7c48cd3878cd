// Debian's Chromium driven by playwright-core (Playwright cannot download browsers here).
import { chromium, type Browser, type Page } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
    ],
  });
}

/**
 * Waits until React has hydrated the admin page (the root marks <html>): input typed earlier is
 * lost and links navigate without the app's own handlers. A cold Vite dev server may take a while.
 */
export function hydrated(page: Page, timeout = 60_000): Promise<void> {
  return page.locator("html[data-hydrated]").waitFor({ state: "attached", timeout });
}
