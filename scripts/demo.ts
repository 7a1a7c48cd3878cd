// npm run demo — the app on this machine without a Shopify store: a SQLite database, a demo shop
// with about three years of synthetic history (imported through the real importer), and the app
// at http://localhost:3000 with Shopify authentication bypassed for the demo shop only. The shop's
// loyalty program is seeded once, after the history (app/demo/loyalty.server.ts).
import "./env";
import { spawn } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { once } from "node:events";
import { createServer } from "node:net";

/** A port nobody listens on now (for Vite's HMR socket, unless HMR_PORT names one). */
async function freePort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

const port = process.env.PORT || "3000";
const env = {
  ...process.env,
  NODE_ENV: "development" as const,
  COMEBACK_DEMO: "1",
  DATABASE_URL: process.env.DATABASE_URL || "file:./prisma/demo.sqlite",
  SHOPIFY_API_KEY: process.env.SHOPIFY_API_KEY || "comeback-demo",
  SHOPIFY_API_SECRET: process.env.SHOPIFY_API_SECRET || "comeback-demo-secret",
  SHOPIFY_APP_URL: process.env.SHOPIFY_APP_URL || `http://localhost:${port}`,
  SCOPES: process.env.SCOPES || "read_orders,read_all_orders,read_customers",
  PORT: port,
  HMR_PORT: process.env.HMR_PORT || String(await freePort()),
};
Object.assign(process.env, env);

const { migrate } = await import("../app/platform/db/migrate.server");
await migrate(env.DATABASE_URL);

const { default: db } = await import("../app/platform/db/client.server");
const { DEMO_SHOP } = await import("../app/demo/mode.server");
const seeded = await db.historyImport.findFirst({ where: { shopDomain: DEMO_SHOP, status: "completed" } });
if (!seeded) {
  const { syntheticJsonl } = await import("../app/demo/synthetic-history");
  const { importFile } = await import("../app/sync/file-import.server");
  const end = new Date();
  const start = new Date(end.getTime() - 3 * 365 * 86_400_000);
  mkdirSync("prisma", { recursive: true });
  const file = "prisma/demo-history.jsonl";
  const out = createWriteStream(file);
  for (const line of syntheticJsonl({ customers: 4000, start, end, seed: 2026, currency: "EUR", profiles: true })) {
    if (!out.write(line + "\n")) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
  const job = await importFile(DEMO_SHOP, file, { timezone: "Europe/Berlin", currency: "EUR" });
  await db.shop.update({ where: { domain: DEMO_SHOP }, data: { name: "Comeback Demo Store" } });
  console.log(`demo shop seeded: ${job.ordersImported} orders`);
}
const { seedDemoLoyalty } = await import("../app/demo/loyalty.server");
const loyalty = await seedDemoLoyalty(DEMO_SHOP);
if (loyalty) console.log(`demo loyalty program seeded: ${loyalty.members} members, ${loyalty.entries} ledger entries`);
const { seedDemoCampaigns } = await import("../app/demo/campaigns.server");
const campaigns = await seedDemoCampaigns(DEMO_SHOP);
if (campaigns)
  console.log(`demo campaigns seeded: ${campaigns.finished} members of a finished one, ${campaigns.running} of a running one`);
const { seedDemoFeedback } = await import("../app/demo/feedback.server");
const feedback = await seedDemoFeedback(DEMO_SHOP);
if (feedback !== null) console.log(`demo feedback seeded: ${feedback} answers`);
await db.$disconnect();

console.log(`Comeback demo: http://localhost:${port}/app  (demo shop ${DEMO_SHOP}; Shopify auth bypassed)`);
const server = spawn("remix", ["vite:dev", "--host", "127.0.0.1", "--port", port, "--strictPort"], { stdio: "inherit", env });
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));
