// Starts the built app (build/server) as a real HTTP server in a child process, the way
// `npm start` runs it (server.mjs), with Shopify's servers replaced by the Admin API double.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { resolve } from "node:path";

export const TEST_API_KEY = "comeback-test-key";
export const TEST_API_SECRET = "comeback-test-secret";
export const TEST_SCOPES =
  "read_orders,read_all_orders,read_customers,write_customers,write_discounts,write_store_credit_account_transactions,read_store_credit_accounts,read_store_credit_account_transactions";

export interface AppServer {
  url: string;
  process: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
    server.on("error", reject);
  });
}

export async function startAppServer(options: {
  databaseUrl: string;
  adminDoubleUrl: string;
  env?: Record<string, string>;
  waitForHealth?: boolean;
}): Promise<AppServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = "";
  const child = spawn(process.execPath, [resolve("server.mjs")], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_URL: options.databaseUrl,
      SHOPIFY_API_KEY: TEST_API_KEY,
      SHOPIFY_API_SECRET: TEST_API_SECRET,
      SHOPIFY_APP_URL: url,
      SCOPES: TEST_SCOPES,
      SHOPIFY_ADMIN_DOUBLE_URL: options.adminDoubleUrl,
      NODE_OPTIONS: `--import ${resolve("test/mocks/shopify-network.mjs")}`,
      COMEBACK_WORKER_INTERVAL_MS: "200",
      COMEBACK_LEASE_MS: "2000",
      COMEBACK_RETRY_BASE_MS: "100",
      COMEBACK_QUIET: "1",
      ...(process.env.TEST_SERVER_LOG ? { COMEBACK_QUIET: "" } : {}),
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => {
    output += chunk;
    if (process.env.TEST_SERVER_LOG) process.stderr.write(chunk);
  });
  const server: AppServer = {
    url,
    process: child,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return; // exited, or killed by a signal
      const exited = new Promise((done) => child.once("exit", done));
      child.kill("SIGTERM");
      // Idle keep-alive connections can hold a graceful shutdown open; tests don't wait for them.
      const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
  if (options.waitForHealth === false) return server;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`app server exited with ${child.exitCode}:\n${output}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return server;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  await server.stop();
  throw new Error(`app server did not become healthy:\n${output}`);
}
