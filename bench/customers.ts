// The customers list on the metrics bench's store (~1,000,000 orders, 200,000 customers over five
// years; bench/metrics.ts writes and reuses the history file), on SQLite or PostgreSQL:
//   npx tsx bench/customers.ts [--db sqlite|postgresql]
// The history is imported with `npm run import` into bench-results/customers.sqlite (or a fresh
// PostgreSQL database, analyzed after the import as autovacuum would), the models are
// fitted, and half the customers become loyalty members with three ledger entries each (rows
// written directly: this measures reading them, not earning). Then, in this one process: the first
// list call (the shop's customer index is built), warm calls of each kind of query, the call right
// after an order changed (answered from the previous rows) and the time until the rebuilt rows
// answer, and the CSV export of every customer.
// Prints the medians and writes every sample to bench-results/customers-<time>.json.
import "../scripts/env";
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import pg from "pg";
import { freshDatabase } from "../test/support/database";
import { metricsHistoryFile, median, SHOP, TIMEZONE } from "./metrics";

const { values: args } = parseArgs({ options: { db: { type: "string", default: "sqlite" } } });
if (args.db !== "sqlite" && args.db !== "postgresql") throw new Error(`--db must be sqlite or postgresql, got ${args.db}`);
const SQLITE_FILE = "bench-results/customers.sqlite";
const WARM_CALLS = 9;
/** facts.server.ts re-reads rows changed within a minute of its last look; warm calls must not see the import's. */
const QUIET_AFTER_WRITES_MS = 62_000;

mkdirSync("bench-results", { recursive: true });
const history = await metricsHistoryFile();
for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(SQLITE_FILE + suffix, { force: true });
process.env.DATABASE_URL =
  args.db === "sqlite" ? `file:./${SQLITE_FILE}` : await freshDatabase("postgresql", "comeback_bench_customers");
process.env.COMEBACK_QUIET = "1";
// The list's modules load the Shopify configuration; nothing here talks to Shopify.
for (const name of ["SHOPIFY_API_KEY", "SHOPIFY_API_SECRET", "SCOPES"]) process.env[name] ||= "bench";
process.env.SHOPIFY_APP_URL ||= "http://localhost";
const { migrate } = await import("../app/platform/db/migrate.server");
await migrate(process.env.DATABASE_URL);
console.error(`[customers] importing ${history.file}`);
execFileSync("npm", ["run", "--silent", "import", "--", "--shop", SHOP, history.file, "--timezone", TIMEZONE, "--quiet"], {
  stdio: ["ignore", "ignore", "inherit"],
});
const importedAt = Date.now();

const { default: db } = await import("../app/platform/db/client.server");
const { insertRows } = await import("../app/platform/sql/rows.server");
const { insertEntries } = await import("../app/loyalty/store.server");
const { ledgerEntry } = await import("../app/loyalty/ledger");
const { refitModels } = await import("../app/metrics/metrics.server");
const { customerIndex, listCustomers, exportCustomers } = await import("../app/customers/list.server");
const { parseListQuery } = await import("../app/customers/list");

console.error("[customers] loyalty members and ledgers");
const customers = await db.customer.findMany({ where: { shopDomain: SHOP }, select: { gid: true }, orderBy: { id: "asc" } });
const TIERS = ["bronze", "silver", "gold"];
await db.loyaltyProgram.create({ data: { shopDomain: SHOP, enabled: true, settings: "{}", salt: "bench" } });
await db.loyaltyTier.createMany({
  data: TIERS.map((tierId, i) => ({
    shopDomain: SHOP,
    tierId,
    name: tierId,
    threshold: BigInt(i * 100),
    multiplierBasisPoints: 10_000,
  })),
});
const now = new Date();
const members = customers.filter((_, i) => i % 2 === 0);
for (let start = 0; start < members.length; start += 5000) {
  const batch = members.slice(start, start + 5000);
  await insertRows(
    db,
    "LoyaltyMember",
    [
      ["shopDomain", "text"],
      ["customerGid", "text"],
      ["enrolledAt", "time"],
      ["heldOut", "bool"],
      ["tierId", "text"],
    ],
    batch.map(({ gid }, i) => [SHOP, gid, now, i % 10 === 0, TIERS[i % 3]!]),
    `ON CONFLICT ("shopDomain", "customerGid") DO NOTHING`,
  );
  await insertEntries(
    db,
    SHOP,
    batch.flatMap(({ gid }, i) =>
      [1, 2, 3].map((n) =>
        ledgerEntry({
          sourceKey: `bench:${gid}:${n}`,
          memberGid: gid,
          type: "earn",
          source: "order",
          points: (i % 97) + n,
          reason: "purchase",
          createdAt: now,
        }),
      ),
    ),
  );
}

if (args.db === "postgresql") {
  // Planner statistics, as autovacuum would gather soon after a bulk load (bench/metrics.ts does the same).
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  await client.query("ANALYZE");
  await client.end();
}

const wait = importedAt + QUIET_AFTER_WRITES_MS - Date.now();
if (wait > 0) await new Promise((done) => setTimeout(done, wait));
console.error("[customers] model fit");
await refitModels(SHOP);

const QUERIES: Record<string, string> = {
  "default (net spend)": "",
  "sort by P(alive)": "sort=pAlive",
  "sort by predicted CLV, ascending": "sort=predictedClv&direction=asc",
  "sort by points": "sort=points",
  "segment filter": "segment=champions,loyal",
  "tier filter": "tier=gold",
  "not members": "member=not_member",
  "search (e-mail text)": "q=example",
  "page 2,000": "page=2000",
};

const time = async (work: () => Promise<unknown>) => {
  const started = performance.now();
  await work();
  return Number((performance.now() - started).toFixed(1));
};
const list = (search: string) => listCustomers(SHOP, parseListQuery(new URLSearchParams(search)));

const first = await time(() => list(""));
const warm: Record<string, number[]> = {};
for (const [name, search] of Object.entries(QUERIES)) {
  await list(search); // each query's sort order is built once, on first use
  warm[name] = [];
  for (let i = 0; i < WARM_CALLS; i++) warm[name].push(await time(() => list(search)));
}
// A webhook changes one order: the next call answers from the previous rows and starts the
// rebuild; how long until the rebuilt rows answer.
const before = await customerIndex(SHOP);
await db.order.updateMany({ where: { shopDomain: SHOP, id: 1 }, data: { currentSubtotalAmount: { increment: 1 } } });
const changedAt = performance.now();
const afterChange = await time(() => list(""));
while ((await customerIndex(SHOP)) === before) await new Promise((done) => setTimeout(done, 50));
const rebuiltAfterMs = Number((performance.now() - changedAt).toFixed(1));
const exportMs: number[] = [];
let exported = 0;
for (let i = 0; i < 3; i++)
  exportMs.push(
    await time(async () => (exported = (await exportCustomers(SHOP, parseListQuery(new URLSearchParams()))).rows.length)),
  );

const result = {
  database: args.db,
  store: { orders: history.lines, customers: customers.length, members: members.length, ledgerEntries: members.length * 3 },
  firstCallMs: first,
  afterOrderChangeMs: afterChange,
  rebuiltAfterMs,
  warmMedianMs: Object.fromEntries(Object.entries(warm).map(([name, samples]) => [name, median(samples)])),
  exportAllMedianMs: median(exportMs),
  exportedRows: exported,
  samples: { warm, exportMs },
};
writeFileSync(
  `bench-results/customers-${args.db}-${new Date().toISOString().replace(/[:.]/g, "-")}.json`,
  JSON.stringify(result, null, 2),
);
console.log(JSON.stringify({ ...result, samples: undefined }, null, 2));
await db.$disconnect();
