// `npm run demo` as a merchant would use it: the seeded demo shop's sync status in a real browser.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { freePort } from "../support/app-server";
import { launchBrowser } from "../support/browser";
import { waitFor } from "../support/wait";

let demo: ChildProcess;
let browser: Browser;
let url: string;
let output = "";

beforeAll(async () => {
  mkdirSync("test-results/screenshots", { recursive: true });
  const database = "test-results/demo-e2e.sqlite";
  for (const suffix of ["", "-wal", "-shm"]) rmSync(database + suffix, { force: true });
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  demo = spawn("npm", ["run", "demo"], {
    env: { ...process.env, PORT: String(port), DATABASE_URL: `file:./${database}`, COMEBACK_QUIET: "1" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  demo.stdout!.on("data", (chunk) => (output += chunk));
  demo.stderr!.on("data", (chunk) => (output += chunk));
  await waitFor(
    "the demo to serve /app",
    async () => {
      if (demo.exitCode !== null) throw new Error(`demo exited: ${output}`);
      return fetch(`${url}/app`).then((r) => r.ok, () => false);
    },
    180_000,
  );
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  if (demo?.pid && demo.exitCode === null) process.kill(-demo.pid, "SIGTERM");
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
});
