// npm run import -- --shop <domain> <file.jsonl> [--timezone Europe/Helsinki] [--currency EUR]
// Imports a Shopify Bulk Operation JSONL export of orders (the query in
// app/sync/history-import.server.ts) into DATABASE_URL. Safe to run again: it converges.
import "./env";
import { parseArgs } from "node:util";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { shop: { type: "string" }, timezone: { type: "string" }, currency: { type: "string" }, quiet: { type: "boolean" } },
});
const file = positionals[0];
if (!values.shop || !file) {
  console.error(
    "usage: npm run import -- --shop <shop.myshopify.com> <file.jsonl> [--timezone <IANA zone>] [--currency <ISO code>]",
  );
  process.exit(2);
}
if (!/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(values.shop)) {
  console.error(`--shop must be a myshopify.com domain, got "${values.shop}"`);
  process.exit(2);
}

const { importFile } = await import("../app/sync/file-import.server");
const { errorLine } = await import("../app/sync/history-import.server");
const started = performance.now();
let progress = false;
const onProgress = (lines: number) => {
  progress = true;
  process.stderr.write(`\r${lines.toLocaleString("en")} lines`);
};
// Whatever goes wrong is one line on stderr and exit status 1: a line that is not an order (the
// import is recorded as failed, naming the line), a file that cannot be read, the database.
const fail = (error: string) => {
  if (progress) process.stderr.write("\n");
  console.error(`import failed: ${error}`);
};
const job = await importFile(values.shop, file, {
  timezone: values.timezone,
  currency: values.currency,
  onProgress: values.quiet ? undefined : onProgress,
}).catch((error) => {
  fail(errorLine(error));
  process.exit(1);
});
const seconds = (performance.now() - started) / 1000;
if (job.status === "failed") fail(job.error ?? "unknown error");
else if (progress) process.stderr.write("\n");
console.log(
  JSON.stringify({
    shop: values.shop,
    status: job.status,
    orders: job.ordersImported,
    lines: job.linesDone,
    seconds: Number(seconds.toFixed(2)),
    ordersPerSecond: Math.round(job.ordersImported / seconds),
    error: job.error,
  }),
);
process.exit(job.status === "completed" ? 0 : 1);
