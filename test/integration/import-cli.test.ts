// The operator's `npm run import`: a Bulk Operation JSONL file, streamed, resumable and idempotent.
import "../support/second-instance";
import { spawn } from "node:child_process";
import { createWriteStream, mkdirSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { once } from "node:events";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { syntheticJsonl } from "../../app/demo/synthetic-history";
import { BATCH_LINES } from "../../app/sync/history-import.server";
import { toMinorUnits } from "../../app/platform/money";
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
  for (const line of syntheticJsonl({
    customers: 25_000,
    start: new Date("2022-01-01T00:00:00Z"),
    end: new Date("2025-01-01T00:00:00Z"),
    seed: 11,
  })) {
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
    // Its stderr names the cause if it fails (a rehearsal saw exit status 1 here once, on PostgreSQL).
    expect(resumed.code, resumed.stderr + resumed.stdout).toBe(0);
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
    const lines = [
      ...syntheticJsonl({
        customers: 20,
        start: new Date("2024-01-01T00:00:00Z"),
        end: new Date("2024-06-01T00:00:00Z"),
        seed: 3,
      }),
    ];
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

  // Hostile input: one line on stderr naming the line, exit status 1, the import recorded as failed
  // (never "importing" under a lease), and nothing of the refused batch written.
  const lastLine = (text: string) => text.trim().split("\n").pop()!;
  const importOf = (shop: string) => testDb().historyImport.findFirst({ where: { shopDomain: shop } });
  const fileOf = (name: string, lines: string[]) => {
    const file = `test-results/${name}-${process.pid}.jsonl`;
    writeFileSync(file, lines.join("\n") + "\n");
    return file;
  };
  const fewOrders = () => [
    ...syntheticJsonl({ customers: 20, start: new Date("2024-01-01T00:00:00Z"), end: new Date("2024-06-01T00:00:00Z"), seed: 5 }),
  ];

  it("refuses a directory with one line, exit status 1, and records nothing", async () => {
    const shop = uniqueShop("dir");
    mkdirSync("test-results/a-directory.jsonl", { recursive: true });
    const result = await runImport(shop, "test-results/a-directory.jsonl");
    expect([result.code, result.stderr.trim()]).toEqual([1, "import failed: not a file: test-results/a-directory.jsonl"]);
    expect(result.stdout).toBe("");
    expect(await importOf(shop)).toBeNull();
    const missing = await runImport(shop, "test-results/no-such-file.jsonl");
    expect([missing.code, missing.stderr.trim()]).toEqual([1, "import failed: no such file: test-results/no-such-file.jsonl"]);
  });

  // A file that fails while it is read (Linux: reading /proc/self/mem from its start is an I/O error).
  it.runIf(process.platform === "linux")(
    "fails the import of a file that cannot be read to its end, without leaving it importing",
    async () => {
      const shop = uniqueShop("eio");
      const result = await runImport(shop, "/proc/self/mem");
      expect([result.code, lastLine(result.stderr)]).toEqual([1, "import failed: EIO: i/o error, read"]);
      expect(await importOf(shop)).toMatchObject({ status: "failed", leaseUntil: null, error: "EIO: i/o error, read" });
    },
  );

  it("stops at a null line after a committed batch: line number, exit status 1, failed without a lease, resumable by running again", async () => {
    const shop = uniqueShop("nullline");
    const lines = (await readFile(FILE, "utf8"))
      .trim()
      .split("\n")
      .slice(0, BATCH_LINES + 10);
    const file = fileOf("null", [...lines.slice(0, BATCH_LINES + 4), "null", ...lines.slice(BATCH_LINES + 4)]);
    const result = await runImport(shop, file);
    expect(result.code).toBe(1);
    expect(lastLine(result.stderr)).toBe(`import failed: line ${BATCH_LINES + 5}: not a JSON object`);
    expect(JSON.parse(result.stdout.trim())).toMatchObject({
      status: "failed",
      error: `line ${BATCH_LINES + 5}: not a JSON object`,
    });
    // The first batch is in; the one with the null line is not.
    expect(await importOf(shop)).toMatchObject({
      status: "failed",
      leaseUntil: null,
      linesDone: BATCH_LINES,
      ordersImported: BATCH_LINES,
      finishedAt: expect.any(Date),
    });
    expect(await testDb().order.count({ where: { shopDomain: shop } })).toBe(BATCH_LINES);

    // The file mended: the import runs again and converges.
    const mended = await runImport(shop, fileOf("null", lines));
    expect(mended.code).toBe(0);
    expect(await testDb().order.count({ where: { shopDomain: shop } })).toBe(BATCH_LINES + 10);
  });

  it("stops at a line that is not JSON, or JSON but not an object, naming the line", async () => {
    for (const [bad, error] of [
      ["{ not json", "not valid JSON"],
      ["[1, 2]", "not a JSON object"],
      ['"an order"', "not a JSON object"],
    ]) {
      const shop = uniqueShop("notjson");
      const lines = fewOrders();
      lines.splice(2, 0, bad);
      const result = await runImport(shop, fileOf("notjson", lines));
      expect([result.code, lastLine(result.stderr)], bad).toEqual([1, `import failed: line 3: ${error}`]);
      expect(await importOf(shop)).toMatchObject({ status: "failed", leaseUntil: null, error: `line 3: ${error}` });
      expect(await testDb().order.count({ where: { shopDomain: shop } })).toBe(0);
    }
  });

  it("stops at an amount or a date that is no amount or date, naming the line", async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ totalPriceSet: { shopMoney: { amount: "1e400" } } }, /^line 4: totalPriceSet\.shopMoney\.amount/],
      [{ processedAt: "not a date" }, /^line 4: processedAt/],
    ];
    for (const [change, error] of cases) {
      const shop = uniqueShop("absurd");
      const lines = fewOrders();
      lines[3] = JSON.stringify({ ...JSON.parse(lines[3]!), ...change });
      const result = await runImport(shop, fileOf("absurd", lines));
      expect(result.code).toBe(1);
      expect(lastLine(result.stderr)).toMatch(new RegExp(`^import failed: ${error.source.slice(1)}`));
      expect(await importOf(shop)).toMatchObject({ status: "failed", leaseUntil: null, error: expect.stringMatching(error) });
      expect(await testDb().order.count({ where: { shopDomain: shop } })).toBe(0);
    }
  });

  // Needs helper A's bounds in app/sync/bulk-order.ts (issue 11): until they are merged, an amount
  // beyond the money range and a date before 1990 are not refused by line (the amount fails its
  // batch's write, the date is stored).
  it("stops at an absurd amount or date, out of the range the app holds, naming the line", async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ totalPriceSet: { shopMoney: { amount: "5000000000.00" } } }, /^line 4: totalPriceSet\.shopMoney\.amount/],
      [{ processedAt: "1900-01-01T00:00:00Z" }, /^line 4: processedAt/],
    ];
    for (const [change, error] of cases) {
      const shop = uniqueShop("range");
      const lines = fewOrders();
      lines[3] = JSON.stringify({ ...JSON.parse(lines[3]!), ...change });
      const result = await runImport(shop, fileOf("range", lines));
      expect(result.code).toBe(1);
      expect(lastLine(result.stderr)).toMatch(new RegExp(`^import failed: ${error.source.slice(1)}`));
      expect(await importOf(shop)).toMatchObject({ status: "failed", leaseUntil: null, error: expect.stringMatching(error) });
      expect(await testDb().order.count({ where: { shopDomain: shop } })).toBe(0);
    }
  });

  it("refuses bad arguments with a usage message", async () => {
    const result = await runImport("not a shop", FILE);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/myshopify\.com/);
  });
});
