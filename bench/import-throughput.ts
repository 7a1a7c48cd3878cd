// Target B: history import throughput with the operator's own command (`npm run import`), on a
// fresh database, while sampling the memory of the process that does the work.
import { spawn } from "node:child_process";
import { createWriteStream, existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { once } from "node:events";
import { resolve } from "node:path";
import { migrate } from "../app/platform/db/migrate.server";
import { syntheticJsonl } from "../app/demo/synthetic-history";
import { freshDatabase, type TestDatabaseKind } from "../test/support/database";

export const SHOP = "bench-shop.myshopify.com";
// See the header of app/demo/synthetic-history.ts: ~375,000 customers over 5 years give ~1,000,000 orders.
const CUSTOMERS_PER_ORDER = 0.375;
const HISTORY = { start: new Date("2020-01-01T00:00:00Z"), end: new Date("2025-01-01T00:00:00Z"), seed: 1 };
const SAMPLE_MS = 250;

export interface ImportResult {
  database: TestDatabaseKind;
  orders: number;
  seconds: number;
  ordersPerSecond: number;
  status: string;
  error: string | null;
  /** Resident memory of the importing node process, MiB. */
  rssMiB: { start: number; peak: number; end: number; samples: number };
  /** Every sample, MiB, so flatness can be checked (JSON only). */
  rssSeriesMiB: number[];
}

/**
 * Writes (or reuses) bench-results/history-<orders>.jsonl, or for another seed and id offset (one
 * shop of several) <dir>/history-<orders>-seed<seed>.jsonl. Generating 1M lines takes ~10 s.
 */
export async function historyFile(
  orders: number,
  shop: { seed: number; idOffset: bigint; dir: string } = { seed: HISTORY.seed, idOffset: 0n, dir: "bench-results" },
): Promise<{ file: string; lines: number; generated: boolean }> {
  const file = `${shop.dir}/history-${orders}${shop.seed === HISTORY.seed && shop.idOffset === 0n ? "" : `-seed${shop.seed}`}.jsonl`;
  const meta = `${file}.done`; // written last, so a file cut short by ctrl-C is never reused
  if (existsSync(file) && existsSync(meta)) return { file, lines: Number(readFileSync(meta, "utf8")), generated: false };
  const out = createWriteStream(`${file}.partial`);
  let lines = 0;
  let chunk: string[] = [];
  // Bounded: the generator ends on its own, and the file never gets more than `orders` lines.
  const options = { customers: Math.max(1, Math.round(orders * CUSTOMERS_PER_ORDER)), ...HISTORY, ...shop };
  for (const line of syntheticJsonl(options)) {
    chunk.push(line);
    if (++lines === orders || chunk.length === 1000) {
      if (!out.write(chunk.join("\n") + "\n")) await once(out, "drain");
      chunk = [];
    }
    if (lines === orders) break;
  }
  if (chunk.length) out.write(chunk.join("\n") + "\n");
  out.end();
  await once(out, "finish");
  renameSync(`${file}.partial`, file);
  writeFileSync(meta, String(lines));
  return { file, lines, generated: true };
}

/** Parent pid of every process (from /proc), to find the import's node process under npm and tsx. */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${entry}/stat`, "utf8").split(") ")[1].split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // exited meanwhile
    }
  }
  const found: number[] = [];
  const walk = (pid: number) => (children.get(pid) ?? []).forEach((child) => (found.push(child), walk(child)));
  walk(root);
  return found;
}

function rssKiB(pid: number): number | null {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

export async function runImport(
  database: TestDatabaseKind,
  file: string,
  lines: number,
  signal: AbortSignal,
  options: { cpuProfileDir?: string } = {},
): Promise<ImportResult> {
  console.error(`[import/${database}] fresh database, then npm run import of ${file}`);
  let databaseUrl: string;
  if (database === "sqlite") {
    for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(`bench-results/import.sqlite${suffix}`, { force: true });
    databaseUrl = "file:./bench-results/import.sqlite";
  } else {
    databaseUrl = await freshDatabase("postgresql", "comeback_bench");
  }
  await migrate(databaseUrl);

  // Its own process group, so that stopping it stops npm, tsx and node together.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${process.cwd()}/node_modules/.bin:${process.env.PATH}`,
    DATABASE_URL: databaseUrl,
  };
  // npm, tsx and the importer each write a profile; the importer's is the largest file.
  if (options.cpuProfileDir)
    env.NODE_OPTIONS = `--cpu-prof --cpu-prof-dir=${resolve(options.cpuProfileDir, `import-${database}`)}`;
  const child = spawn("npm", ["run", "--silent", "import", "--", "--shop", SHOP, file, "--quiet"], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const stopChild = () => {
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {
      // already gone
    }
  };
  process.once("exit", stopChild);
  signal.addEventListener("abort", stopChild, { once: true });
  // Generous, but bounded: 2 minutes plus 1 ms per line (17 min for a million).
  const timeout = setTimeout(stopChild, 120_000 + lines);

  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk) => (stdout += chunk));
  child.stderr!.on("data", (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  const exited = once(child, "exit");

  // RSS of each process in the tree; the importer is the one that grows the most.
  const series = new Map<number, number[]>();
  const sampler = setInterval(() => {
    for (const pid of descendants(child.pid!)) {
      const kib = rssKiB(pid);
      if (kib !== null) series.set(pid, [...(series.get(pid) ?? []), kib]);
    }
  }, SAMPLE_MS);
  try {
    const [code] = await exited;
    if (signal.aborted) throw new Error("interrupted");
    // The result is the one JSON line with ordersPerSecond; anything else on stdout is ignored.
    const result = stdout
      .split("\n")
      .map((line) => {
        try {
          return JSON.parse(line) as {
            status: string;
            orders: number;
            seconds: number;
            ordersPerSecond: number;
            error: string | null;
          };
        } catch {
          return null;
        }
      })
      .findLast((parsed) => parsed?.ordersPerSecond !== undefined);
    if (!result) throw new Error(`import printed no result (exit ${code}):\n${stdout.slice(-500)}\n${stderr}`);
    const importer = [...series.values()].sort((a, b) => Math.max(...b) - Math.max(...a))[0] ?? [];
    const mib = (kib: number | undefined) => Math.round((kib ?? NaN) / 1024);
    return {
      database,
      orders: result.orders,
      seconds: result.seconds,
      ordersPerSecond: result.ordersPerSecond,
      status: result.status,
      error: result.error ?? (code === 0 ? null : stderr.slice(-500)),
      rssMiB: { start: mib(importer[0]), peak: mib(Math.max(...importer)), end: mib(importer.at(-1)), samples: importer.length },
      rssSeriesMiB: importer.map(mib),
    };
  } finally {
    clearInterval(sampler);
    clearTimeout(timeout);
    process.off("exit", stopChild);
    stopChild();
  }
}
