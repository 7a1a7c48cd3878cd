// `npm run models` as an analyst runs it: a real process on a summary CSV.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = async (...args: string[]) => {
  try {
    const { stdout, stderr } = await promisify(execFile)("npx", ["tsx", "scripts/models.ts", ...args]);
    return { status: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { status: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
};

const folder = mkdtempSync(join(tmpdir(), "comeback-models-"));
const file = (name: string, text: string) => {
  const path = join(folder, name);
  writeFileSync(path, text);
  return path;
};
// The CDNOW fixture (ID,x,t_x,T,zbar) in the analysts' layout.
const cdnow = file(
  "cdnow.csv",
  readFileSync("test/fixtures/cdnow/cdnow_customers_summary_with_transactions.csv", "utf8")
    .trim()
    .split("\n")
    .map((line, i) => (i === 0 ? "ID,frequency,recency,T,monetary_value" : line))
    .join("\n"),
);

describe("npm run models", { timeout: 60_000 }, () => {
  it("fits each model on CDNOW to the published parameters", async () => {
    const pareto = JSON.parse((await run("fit", cdnow, "--model", "pareto-nbd")).stdout);
    expect(pareto).toMatchObject({ model: "pareto-nbd", customers: 2357 });
    expect(Object.values(pareto.params).map((value) => (value as number).toFixed(2))).toEqual(["0.55", "10.58", "0.61", "11.67"]);
    expect(pareto.logLikelihood).toBeCloseTo(-9595.0, 0);
    expect(typeof pareto.seconds).toBe("number");
    const bg = JSON.parse((await run("fit", cdnow, "--model", "bgnbd")).stdout);
    expect(Object.values(bg.params).map((value) => (value as number).toFixed(3))).toEqual(["0.243", "4.414", "0.793", "2.426"]);
    const spend = JSON.parse((await run("fit", cdnow, "--model", "gamma-gamma")).stdout);
    // Published p = 6.25, q = 3.74, gamma = 15.44 (the fit's optimum is at 15.447).
    expect(Object.keys(spend.params)).toEqual(["p", "q", "gamma"]);
    for (const [name, value] of Object.entries({ p: 6.25, q: 3.74, gamma: 15.44 }))
      expect(Math.abs(spend.params[name] - value)).toBeLessThan(0.01);
  });

  it("predicts every customer's P(alive) and expected purchases", async () => {
    const { status, stdout } = await run("predict", cdnow, "--model", "bgnbd", "--horizon", "39");
    expect(status).toBe(0);
    const lines = stdout.trim().split("\n");
    expect(lines[0]).toBe("ID,p_alive,expected_purchases");
    expect(lines).toHaveLength(2358);
    // Fader, Hardie & Lee's example customer: x = 2, t_x = 30.43, T = 38.86 expects 1.226 in 39 weeks.
    const [, pAlive, expected] = lines[1].split(",").map(Number);
    expect(pAlive).toBeGreaterThan(0);
    expect(Math.abs(expected - 1.226)).toBeLessThan(0.002);
  });

  it("refuses bad input with the line number and exit status 1", async () => {
    const cases: [text: string, message: RegExp][] = [
      ["ID,frequency,T\n1,2,30\n", /line 1: missing column recency/],
      ["ID,frequency,recency,T\n1,2,30,38\n2,1,40,38\n", /line 3: recency 40 is after T 38/],
      ["ID,frequency,recency,T\n1,-2,30,38\n", /line 2: frequency is negative/],
      ["ID,frequency,recency,T\n1,2,thirty,38\n", /line 2: recency is not a number/],
      ["ID,frequency,recency,T\n1,2,30\n", /line 2: 3 values, the header has 4/],
    ];
    const results = await Promise.all(cases.map(([text], i) => run("fit", file(`bad-${i}.csv`, text), "--model", "pareto-nbd")));
    results.forEach((result, i) => {
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(cases[i][1]);
      expect(result.stdout).toBe("");
    });
    expect((await run("fit", folder, "--model", "bgnbd")).stderr).toMatch(/not a file/);
    expect((await run("fit", cdnow, "--model", "nope")).status).toBe(2);
  });
});
