// Global setup of the "e2e" project: `npm run demo` started once, as a merchant would run it, on a
// fresh SQLite file; every browser test file visits it at the URL it provides ("demoUrl"). A browser
// loads the dashboard once before any test starts: Vite's dev server transforms the client modules on
// first request, which on a busy two-core machine took longer than a test's wait for hydration.
import { spawn } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import type { TestProject } from "vitest/node";
import { freePort } from "../support/app-server";
import { hydrated, launchBrowser } from "../support/browser";
import { waitFor } from "../support/wait";

declare module "vitest" {
  export interface ProvidedContext {
    demoUrl: string;
  }
}

export default async function setup(project: TestProject) {
  mkdirSync("test-results/screenshots", { recursive: true });
  const database = "test-results/demo-e2e.sqlite";
  for (const suffix of ["", "-wal", "-shm"]) rmSync(database + suffix, { force: true });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = "";
  const demo = spawn("npm", ["run", "demo"], {
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
      return fetch(`${url}/app`).then(
        (r) => r.ok,
        () => false,
      );
    },
    180_000,
  );
  await firstHydration(url);
  project.provide("demoUrl", url);
  return () => {
    if (demo.pid && demo.exitCode === null) process.kill(-demo.pid, "SIGTERM");
  };
}

/** Loads /app until React hydrates it, reloading if a load stalls (Vite may re-optimise a dependency). */
async function firstHydration(url: string) {
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    for (let attempt = 1; ; attempt++) {
      try {
        await page.goto(`${url}/app`, { waitUntil: "load", timeout: 120_000 });
        await hydrated(page, 120_000);
        return;
      } catch (error) {
        if (attempt === 3) throw new Error(`the demo's dashboard never hydrated: ${String(error)}`);
      }
    }
  } finally {
    await browser.close();
  }
}
