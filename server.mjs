// @ts-check
// The production server (`npm start`): what @remix-run/serve set up (compression, build/client's
// hashed assets cached for a year as immutable, public/ for an hour, a one-line log of each request,
// PORT and HOST), plus the one thing it could not do: POST /webhooks is answered on node's own
// request, before Express, compression and Remix, which cost as much CPU as the delivery itself.
// See docs/decisions/0022-webhook-fast-path.md. Plain JavaScript, checked by tsc: production runs it
// without a TypeScript loader.
import { createServer } from "node:http";
import { getHeapStatistics } from "node:v8";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import { installGlobals } from "@remix-run/node";
import compression from "compression";
import express from "express";
import morgan from "morgan";
import { restartWithLimits } from "./app/platform/heap-limit.mjs";

/** @typedef {import("@remix-run/node").ServerBuild & { entry: { module: typeof import("./app/entry.server") } }} Build */

/** How long in-flight requests may take to finish after SIGTERM or SIGINT before their connections are cut. */
const DRAIN_MS = 10_000;

// The heap limit follows the cache budget, and malloc returns large freed blocks
// (app/platform/heap-limit.mjs): started without them, the server replaces itself with the same
// program, the limit and the allocator setting, keeping its process id, so signals, supervisors
// and `kill -9` reach the server itself.
const restart = restartWithLimits({ execArgv: process.execArgv, argv: process.argv, env: process.env });
if (restart && process.execve)
  process.execve(process.execPath, [process.execPath, ...restart.args], /** @type {NodeJS.ProcessEnv} */ (restart.env));
if (restart)
  console.warn("[comeback] this Node.js cannot restart itself: set --max-old-space-size and MALLOC_MMAP_THRESHOLD_ yourself");

process.env.NODE_ENV ??= "production";
// Stack traces name the app's source files, as remix-serve's source-map-support did.
process.setSourceMapsEnabled(true);
// This server stops the worker once its last request is answered (app/worker/worker.server.ts).
globalThis.comebackServerStopsWorker = true;

/** @type {Build} */
const build = await import(pathToFileURL(resolve("build/server/index.js")).href);
installGlobals({ nativeFetch: build.future.v3_singleFetch });
const { isWebhookRequest, serveWebhook, stopWorker } = build.entry.module;

const app = express();
app.disable("x-powered-by");
app.use(compression());
app.use(build.publicPath, express.static(build.assetsBuildDirectory, { immutable: true, maxAge: "1y" }));
app.use(express.static("public", { maxAge: "1h" }));
app.use(morgan("tiny"));
app.all("*", createRequestHandler({ build, mode: process.env.NODE_ENV }));

const server = createServer((request, response) => {
  if (!isWebhookRequest(request.url)) return void app(request, response);
  const started = performance.now();
  void serveWebhook(request, response).then(() => {
    // morgan's "tiny" line, as every other request gets, without its per-request machinery.
    const length = response.getHeader("Content-Length") ?? "-";
    const status = response.headersSent ? response.statusCode : "-";
    process.stdout.write(
      `${request.method} ${request.url} ${status} ${length} - ${(performance.now() - started).toFixed(3)} ms\n`,
    );
  });
});

const port = Number(process.env.PORT || 3000);
const host = process.env.HOST || undefined;
const heapMiB = Math.round(getHeapStatistics().heap_size_limit / 2 ** 20);
server.listen(port, host, () => console.log(`[comeback] http://${host ?? "localhost"}:${port} (V8 heap limit ${heapMiB} MiB)`));

// Graceful stop: no new connections, in-flight requests answered, then the worker and the database
// released, then exit. Shopify retries any delivery that was cut off.
let stopping = false;
for (const signal of /** @type {const} */ (["SIGTERM", "SIGINT"])) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    // A keep-alive connection is closed as soon as its request is answered; a client that does
    // not take its answer is cut off after DRAIN_MS.
    const idle = setInterval(() => server.closeIdleConnections(), 50);
    const cut = setTimeout(() => server.closeAllConnections(), DRAIN_MS);
    server.close((error) => {
      clearInterval(idle);
      clearTimeout(cut);
      if (error) console.error(error);
      stopWorker().finally(() => process.exit(0));
    });
  });
}
