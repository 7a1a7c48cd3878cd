// Memory for many shops: SHOPS generated shops (test/support/generated-shop.ts, ORDERS orders
// each) are loaded one after another by one fresh process (bench/metrics-probe.ts, task
// "caches"), once within a small COMEBACK_CACHE_BUDGET_MIB and once within the default 512 MiB.
// With the small budget, RSS must level off once the budget is full while the shops keep coming.
import pg from "pg";
import Database from "better-sqlite3";
import { migrate } from "../app/platform/db/migrate.server";
import { sqliteFilePath } from "../app/platform/db/url";
import { freshDatabase, type TestDatabaseKind } from "../test/support/database";
import { generatedShop } from "../test/support/generated-shop";
import { probe } from "./metrics";

export const CACHE_BENCH = { shops: 40, orders: 25_000, customers: 5_000, smallBudgetMiB: 16, defaultBudgetMiB: 512 };

interface CachesProbe {
  seconds: number;
  after: { rssMiB: number; heapMiB: number; cacheMiB: number }[];
  stats: { bytes: number; entries: number; kinds: Record<string, { evictions: number; entries: number; bytes: number }> };
}

export interface CacheBudgetResult {
  database: TestDatabaseKind;
  shops: number;
  ordersPerShop: number;
  runs: { budgetMiB: number; seconds: number; rssMiB: number[]; cacheMiB: number[]; shopsKept: number; evictions: number }[];
}

async function runStatements(databaseUrl: string, sql: string) {
  if (databaseUrl.startsWith("file:")) {
    const connection = new Database(sqliteFilePath(databaseUrl));
    connection.exec(sql);
    connection.close();
    return;
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function runCacheBudget(database: TestDatabaseKind, signal: AbortSignal): Promise<CacheBudgetResult> {
  const { shops: count, orders, customers, smallBudgetMiB, defaultBudgetMiB } = CACHE_BENCH;
  const databaseUrl = await freshDatabase(database, "comeback_bench_caches");
  await migrate(databaseUrl);
  console.error(`[caches/${database}] writing ${count} shops of ${orders.toLocaleString("en")} orders`);
  const shops = Array.from({ length: count }, (_, n) => `bench-caches-${n}.myshopify.com`);
  for (const shop of shops) await runStatements(databaseUrl, generatedShop(database, shop, orders, customers).sql);
  if (database === "postgresql") await runStatements(databaseUrl, "ANALYZE");

  const runs: CacheBudgetResult["runs"] = [];
  for (const budgetMiB of [smallBudgetMiB, defaultBudgetMiB]) {
    // Each run starts without snapshots, as the first did: a run after it would find theirs.
    await runStatements(databaseUrl, `DELETE FROM "MetricsSnapshot"`);
    console.error(`[caches/${database}] loading them with a budget of ${budgetMiB} MiB`);
    const result = await probe<CachesProbe>({ task: "caches", shops }, databaseUrl, signal, {
      COMEBACK_CACHE_BUDGET_MIB: String(budgetMiB),
    });
    const facts = result.stats.kinds["order facts"];
    runs.push({
      budgetMiB,
      seconds: result.seconds,
      rssMiB: result.after.map((a) => a.rssMiB),
      cacheMiB: result.after.map((a) => a.cacheMiB),
      shopsKept: facts.entries,
      evictions: facts.evictions,
    });
  }
  return { database, shops: count, ordersPerShop: orders, runs };
}
