// A continuous campaign's daily entry over 200,000 customers, as the campaign job runs it
// (app/campaigns/campaigns.server.ts enterAudience), on a fresh SQLite or PostgreSQL database.
// `npm run bench -- --only campaigns` runs it on both; alone:
//   npx tsx bench/campaign-audience.ts [--db sqlite|postgresql] [--customers 200000]
// The last line of its output is the JSON the bench reads.
// The customer rows, the members' standings and balances are the customers list's, which the
// job reads from the list's cache (their first build is the list's, measured by bench/customers.ts);
// here they are synthetic, in memory, with the shapes and spreads of the metrics bench store.
// Timed, with the app's own functions: the customers no campaign may enter (a query), the rule over
// every row (selectAudience), and the members' insert with their arms (insertMembers); then the
// next day's run, where everyone selected is already in (the insert finds them all there).
import "../scripts/env";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { rmSync, mkdirSync } from "node:fs";
import { freshDatabase } from "../test/support/database";
import type { CustomerRow, MemberStanding } from "../app/customers/list";
import { SEGMENTS } from "../app/metrics/segments";

const { values: args } = parseArgs({
  options: { db: { type: "string", default: "sqlite" }, customers: { type: "string", default: "200000" } },
});
const CUSTOMERS = Number(args.customers);
const SQLITE_FILE = "bench-results/campaign-audience.sqlite";
mkdirSync("bench-results", { recursive: true });
for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(SQLITE_FILE + suffix, { force: true });
process.env.DATABASE_URL =
  args.db === "sqlite" ? `file:./${SQLITE_FILE}` : await freshDatabase("postgresql", "comeback_bench_campaigns");
process.env.COMEBACK_QUIET = "1";
for (const name of ["SHOPIFY_API_KEY", "SHOPIFY_API_SECRET", "SCOPES"]) process.env[name] ||= "bench";
process.env.SHOPIFY_APP_URL ||= "http://localhost";
const { migrate } = await import("../app/platform/db/migrate.server");
await migrate(process.env.DATABASE_URL);
const { default: db } = await import("../app/platform/db/client.server");
const { audienceRule, selectAudience } = await import("../app/campaigns/audience");
const { insertMembers, unavailableCustomers } = await import("../app/campaigns/campaigns.server");

const SHOP = "bench-campaigns.myshopify.com";
await db.shop.create({ data: { domain: SHOP, timezone: "Europe/Berlin" } });

// A fixed pseudo-random sequence, so every run selects the same customers.
let seed = 42;
const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
const RISKS = ["high", "medium", "low"] as const;
const rows: CustomerRow[] = Array.from({ length: CUSTOMERS }, (_, i) => {
  const orders = 1 + Math.floor(-Math.log(1 - random()) * 2);
  const fitted = random() < 0.95;
  return {
    id: i + 1,
    gid: `gid://shopify/Customer/${7_000_000_000 + i}`,
    orders,
    netSpend: Math.round(orders * 4000 * (0.5 + random())),
    lastOrder: "2026-01-01",
    segment: SEGMENTS[Math.floor(random() * SEGMENTS.length)],
    pAlive: fitted ? random() : null,
    predictedClv: fitted ? Math.round(random() * 30_000) : null,
    risk: fitted ? RISKS[Math.floor(random() * 3)] : null,
    nextOrderDue: "2026-03-01",
    overdueDays: Math.floor(random() * 400),
    emailMarketing: random() < 0.6,
  };
});
const members: (MemberStanding | undefined)[] = rows.map(() =>
  random() < 0.5 ? { tierId: random() < 0.2 ? "gold" : "silver", heldOut: random() < 0.1 } : undefined,
);
const points = new Map(rows.filter((_, i) => members[i]).map((row) => [row.gid, Math.floor(random() * 2000)]));
const context = { members, points };

// Another campaign already holds 10 % of the customers.
const other = { id: "other", shopDomain: SHOP, salt: "other", controlPercent: 20, attributionDays: 30 };
const start = new Date();
await db.campaign.create({
  data: {
    id: "other",
    shopDomain: SHOP,
    name: "other",
    status: "running",
    audience: "{}",
    entryMode: "continuous",
    salt: "other",
  },
});
await insertMembers(
  other,
  [{ armId: "a", offer: '{"kind":"message"}' }],
  rows.filter((_, i) => i % 10 === 0).map((r) => r.gid),
  start,
);

const campaign = { id: "bench", shopDomain: SHOP, salt: "bench", controlPercent: 20, attributionDays: 30 };
await db.campaign.create({
  data: {
    id: "bench",
    shopDomain: SHOP,
    name: "bench",
    status: "running",
    audience: "{}",
    entryMode: "continuous",
    salt: "bench",
  },
});
const arms = [
  { armId: "a", offer: '{"kind":"percentage","percent":15,"validDays":14}' },
  { armId: "b", offer: '{"kind":"points","points":200,"validDays":30}' },
];
// "High churn risk, CLV above 50.00", members with points, overdue, e-mail consent: every kind of condition.
const rule = audienceRule.parse({
  risks: ["high", "medium"],
  predictedClv: { min: 5000 },
  overdueDays: { min: 10 },
  membership: "member",
  points: { min: 100 },
  emailConsent: true,
});

const days: { label: string; selected: number; entered: number; totalMs: number }[] = [];

async function run(label: string) {
  const now = new Date();
  const t0 = performance.now();
  const excluded = await unavailableCustomers(SHOP, 90, now);
  const t1 = performance.now();
  const gids = selectAudience(rows, rule, context, excluded);
  const t2 = performance.now();
  const entered = await insertMembers(campaign, arms, gids, now);
  const t3 = performance.now();
  console.log(
    `${label}: ${args.db}, ${CUSTOMERS} customers, ${excluded.size} unavailable, ${gids.length} selected, ${entered} entered — ` +
      `unavailable ${(t1 - t0).toFixed(0)} ms, rule ${(t2 - t1).toFixed(0)} ms, insert ${(t3 - t2).toFixed(0)} ms, total ${(t3 - t0).toFixed(0)} ms`,
  );
  days.push({ label, selected: gids.length, entered, totalMs: Math.round(t3 - t0) });
}

await run("first day");
await run("next day");
await run("day after");
await db.$disconnect();
console.log(JSON.stringify({ customers: CUSTOMERS, days }));
