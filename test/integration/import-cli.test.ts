// The operator's `npm run import`: a Bulk Operation JSONL file, streamed, resumable and idempotent.
import { spawn } from "node:child_process";
import { createWriteStream, mkdirSync, writeFileSync } from "node:fs";
import { once } from "node:events";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { syntheticJsonl } from "../../app/demo/synthetic-history";
import { toMinorUnits } from "../../app/sync/money";
import { TEST_API_SECRET } from "../support/app-server";
import { testDb } from "../support/db";
import { uniqueShop } from "../support/webhooks";

const FILE = `test-results/import-${process.pid}.jsonl`;
let orderLines = 0;
let fileTotal = 0n;

function runImport(shop: string, file: string, onStderr?: (text: string, kill: () => void) => void) {
  const child = spawn(process.execPath, ["node_modules/tsx/dist/cli.mjs", "scripts/import.ts", "--shop", shop, file], {
    env: { ...process.env, DATABASE_URL: inject("databaseUrl"), SHOPIFY_API_SECRET: TEST_API_SECRET, COMEBACK_QUIET: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
    onStderr?.(stderr, () => child.kill("SIGKILL"));
  });
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on("exit", (code) => resolve({ code, stdout, stderr })),
  );
}

beforeAll(async () => {
  mkdirSync("test-results", { recursive: true });
  const out = createWriteStream(FILE);
  for (const line of syntheticJsonl({ customers: 25_000, start: new Date("2022-01-01T00:00:00Z"), end: new Date("2025-01-01T00:00:00Z"), seed: 11 })) {
    orderLines++;
    fileTotal += toMinorUnits(JSON.parse(line).totalPriceSet.shopMoney.amount, "EUR");
    if (!out.write(line + "\n")) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
});

describe("npm run import", () => {
  it("resumes after being killed mid-import and converges when run again", async () => {
    const shop = uniqueShop("cli");
    const killed = await runImport(shop, FILE, (stderr, kill) => {
      if (/\d lines/.test(stderr)) kill(); // at the first committed batch
    });
    expect(killed.code).toBeNull(); // killed by the signal
    const db = testDb();
    const partial = await db.order.count({ where: { shopDomain: shop } });
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(orderLines);

    const resumed = await runImport(shop, FILE);
    expect(resumed.code).toBe(0);
    const summary = JSON.parse(resumed.stdout.trim().split("\n").pop()!);
    expect(summary).toMatchObject({ status: "completed", orders: orderLines, lines: orderLines });
    const jobs = await db.historyImport.findMany({ where: { shopDomain: shop } });
    expect(jobs).toHaveLength(1); // the same import, resumed

    const again = await runImport(shop, FILE);
    expect(again.code).toBe(0);
    expect(await db.order.count({ where: { shopDomain: shop } })).toBe(orderLines);
    const sum = await db.order.aggregate({ where: { shopDomain: shop }, _sum: { totalAmount: true } });
    expect(sum._sum.totalAmount).toBe(fileTotal);
  });

  it("stops at an invalid line with its number and writes nothing of that batch", async () => {
    const shop = uniqueShop("badline");
    const lines = [...syntheticJsonl({ customers: 20, start: new Date("2024-01-01T00:00:00Z"), end: new Date("2024-06-01T00:00:00Z"), seed: 3 })];
    lines.splice(5, 0, JSON.stringify({ ...JSON.parse(lines[5]), totalPriceSet: { shopMoney: { amount: "12,50" } } }));
    const file = `test-results/bad-${process.pid}.jsonl`;
    writeFileSync(file, lines.join("\n") + "\n");
    const result = await runImport(shop, file);
    expect(result.code).toBe(1);
    const summary = JSON.parse(result.stdout.trim());
    expect(summary.status).toBe("failed");
    expect(summary.error).toMatch(/^line 6: totalPriceSet\.shopMoney\.amount/);
    expect(await testDb().order.count({ where: { shopDomain: shop } })).toBe(0);
  });

  it("refuses bad arguments with a usage message", async () => {
    const result = await runImport("not a shop", FILE);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/myshopify\.com/);
  });
});
