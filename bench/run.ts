// npm run bench -- [--seconds 30] [--orders 1000000] [--only webhooks|import] [--db sqlite|postgresql] [--cpu-prof]
//
// Measures the two performance targets on this machine, on SQLite and PostgreSQL:
//   A. webhook latency at 100 deliveries/s, open loop (bench/webhook-load.ts), target p99 <= 50 ms;
//   B. history import throughput with `npm run import` (bench/import-throughput.ts), target
//      >= 20,000 orders/s on SQLite with flat memory.
// Prints a table and writes every figure to bench-results/bench-<timestamp>.json.
import "../scripts/env";
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { TestDatabaseKind } from "../test/support/database";
import { historyFile, runImport, type ImportResult } from "./import-throughput";
import { runWebhookLoad, type WebhookResult } from "./webhook-load";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "30" },
    orders: { type: "string", default: "1000000" },
    only: { type: "string" },
    db: { type: "string" },
    // V8 CPU profiles of the app server and the importer, in bench-results/profiles-<timestamp>/.
    "cpu-prof": { type: "boolean", default: false },
  },
});
const seconds = Number(values.seconds);
const orders = Number(values.orders);
if (!Number.isInteger(seconds) || seconds < 1 || seconds > 600) usage("--seconds must be an integer from 1 to 600");
if (!Number.isInteger(orders) || orders < 1 || orders > 10_000_000) usage("--orders must be an integer from 1 to 10,000,000");
if (values.only && !["webhooks", "import"].includes(values.only)) usage("--only must be webhooks or import");
if (values.db && !["sqlite", "postgresql"].includes(values.db)) usage("--db must be sqlite or postgresql");
const databases = (values.db ? [values.db] : ["sqlite", "postgresql"]) as TestDatabaseKind[];

function usage(message: string): never {
  console.error(`${message}\nusage: npm run bench -- [--seconds N] [--orders N] [--only webhooks|import] [--db sqlite|postgresql] [--cpu-prof]`);
  process.exit(2);
}

// ctrl-C / SIGTERM: abort the running part, whose `finally` stops its child processes.
const abort = new AbortController();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping...`);
    abort.abort();
    setTimeout(() => process.exit(130), 10_000).unref();
  });
}

function newestMtime(dir: string): number {
  return Math.max(...readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => statSync(join(e.parentPath, e.name)).mtimeMs));
}

/** The webhook bench runs the built app, so a build older than its sources would measure old code. */
function ensureBuild() {
  const built = (() => {
    try {
      return statSync("build/server/index.js").mtimeMs;
    } catch {
      return 0;
    }
  })();
  const sources = Math.max(newestMtime("app"), statSync("vite.config.ts").mtimeMs);
  if (built >= sources) return;
  console.error("building the app (build/ is missing or older than app/)...");
  execFileSync("remix", ["vite:build"], { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, PATH: `${process.cwd()}/node_modules/.bin:${process.env.PATH}` } });
}

const pad = (value: unknown, width: number) => String(value).padStart(width);

function printWebhooks(result: WebhookResult) {
  console.log(`\nA. Webhooks on ${result.database}: ${result.sent} deliveries in ${result.seconds} s offered at ${result.offeredRate}/s (open loop, after 2 s warm-up)`);
  console.log(`${"webhook".padEnd(18)}${pad("count", 7)}${pad("p50 ms", 9)}${pad("p90 ms", 9)}${pad("p99 ms", 9)}${pad("max ms", 9)}`);
  for (const [kind, s] of Object.entries(result.latency).sort(([a], [b]) => (a === "all" ? 1 : b === "all" ? -1 : a.localeCompare(b)))) {
    console.log(`${kind.padEnd(18)}${pad(s.count, 7)}${pad(s.p50, 9)}${pad(s.p90, 9)}${pad(s.p99, 9)}${pad(s.max, 9)}`);
  }
  const p99 = result.latency.all?.p99 ?? NaN;
  console.log(`errors (non-2xx or no answer): ${result.errors}   achieved: ${result.achievedRate}/s   target p99 <= 50 ms: ${p99 <= 50 && result.errors === 0 ? "MET" : "MISSED"}`);
  console.log(`client send lag p99 ${result.sendLag.p99} ms, max ${result.sendLag.max} ms   CPU: app server ${result.cpu.appServer}%, bench client ${result.cpu.benchClient}% (of one core)`);
  for (const sample of result.errorSamples) console.log(`  error: ${sample}`);
}

function printImport(result: ImportResult) {
  const met = result.database === "sqlite" ? (result.ordersPerSecond >= 20_000 ? "   target >= 20,000/s: MET" : "   target >= 20,000/s: MISSED") : "";
  console.log(
    `\nB. Import on ${result.database}: ${result.orders.toLocaleString("en")} orders in ${result.seconds} s = ${result.ordersPerSecond.toLocaleString("en")} orders/s (${result.status})${met}`,
  );
  console.log(`RSS of the import process: start ${result.rssMiB.start} MiB, peak ${result.rssMiB.peak} MiB, end ${result.rssMiB.end} MiB (${result.rssMiB.samples} samples, every 250 ms)`);
  if (result.error) console.log(`  error: ${result.error}`);
}

const command = `npm run bench${process.argv.length > 2 ? " -- " + process.argv.slice(2).join(" ") : ""}`;
const startedAt = new Date().toISOString();
const stamp = startedAt.replace(/[:.]/g, "-");
const cpuProfileDir = values["cpu-prof"] ? `bench-results/profiles-${stamp}` : undefined;
const git = (...args: string[]) => {
  try {
    return execFileSync("git", args, { encoding: "utf8" }).trim();
  } catch {
    return null;
  }
};
const report: Record<string, unknown> = {
  command,
  startedAt,
  // Which code was measured: the commit plus uncommitted changes to the app.
  code: { commit: git("rev-parse", "HEAD"), uncommitted: git("status", "--short", "--", "app", "scripts", "prisma")?.split("\n").filter(Boolean) ?? null },
  // Other work on this 2-core machine skews every figure; the load average at the start tells.
  machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version, loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100) },
  options: { seconds, orders, only: values.only ?? null, databases },
};
mkdirSync("bench-results", { recursive: true });

// Two benches at once would share databases and files (and halve each other's CPU): one at a time.
const LOCK = "bench-results/.bench.lock";
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
try {
  writeFileSync(LOCK, String(process.pid), { flag: "wx" });
} catch {
  const holder = Number(readFileSync(LOCK, "utf8"));
  if (isRunning(holder)) {
    console.error(`another bench is running (pid ${holder}); try again when it has finished`);
    process.exit(1);
  }
  writeFileSync(LOCK, String(process.pid)); // left behind by a bench that was killed
}
process.on("exit", () => rmSync(LOCK, { force: true }));

try {
  console.log(`${command}  (${cpus().length} CPUs, Node ${process.version}, load average ${loadavg()[0].toFixed(2)})`);
  if (loadavg()[0] > 0.5) console.log("warning: the machine is already busy; figures will be pessimistic");
  if (values.only !== "import") {
    ensureBuild();
    const webhooks: WebhookResult[] = (report.webhooks = []);
    for (const database of databases) {
      webhooks.push(await runWebhookLoad(database, seconds, abort.signal, { cpuProfileDir }));
      printWebhooks(webhooks.at(-1)!);
    }
  }
  if (values.only !== "webhooks") {
    const history = await historyFile(orders);
    report.history = history;
    console.log(`\nhistory file: ${history.file}, ${history.lines.toLocaleString("en")} orders${history.generated ? " (generated)" : " (reused)"}`);
    const imports: ImportResult[] = (report.imports = []);
    for (const database of databases) {
      imports.push(await runImport(database, history.file, history.lines, abort.signal, { cpuProfileDir }));
      printImport(imports.at(-1)!);
    }
  }
} catch (error) {
  report.error = String(error);
  console.error(abort.signal.aborted ? "\ninterrupted" : `\nbench failed: ${(error as Error).stack ?? error}`);
  process.exitCode = 1;
} finally {
  report.finishedAt = new Date().toISOString();
  const file = `bench-results/bench-${stamp}.json`;
  writeFileSync(file, JSON.stringify(report, null, 2) + "\n");
  console.log(`\nfigures: ${file}${cpuProfileDir ? `\nCPU profiles: ${cpuProfileDir}/` : ""}`);
}
// Anything still open (idle keep-alive sockets, the pg pool of freshDatabase) must not keep us alive.
process.exit(abort.signal.aborted ? 130 : (process.exitCode ?? 0));
