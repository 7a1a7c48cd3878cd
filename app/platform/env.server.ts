// Every environment variable the app reads, parsed and checked once when the app starts (this
// module is imported by the database client, the logger and the Shopify configuration). A bad
// value stops the app with an error naming the variable instead of turning into NaN at run time.
// README.md, "Environment variables", describes each one.
import { z } from "zod";
import { DEFAULT_DATABASE_URL, databaseKind } from "./db/url";
import { DEFAULT_CACHE_BUDGET_MIB, MIN_HEAP_MIB } from "./heap-limit.mjs";

/** An empty variable counts as unset, as `VAR= npm start` and the test servers mean it. */
const unsetIfEmpty = (value: unknown) => (value === "" ? undefined : value);

const wholeNumber = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .regex(/^\d+$/, "must be a whole number")
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const port = wholeNumber(0, 65_535);

const schema = z.object({
  NODE_ENV: z.string().optional(),
  // Required by the Shopify configuration (shopify.server.ts), not by the scripts that share the
  // app's modules (npm run import, npm run metrics).
  SHOPIFY_API_KEY: z.string().optional(),
  SHOPIFY_API_SECRET: z.string().optional(),
  SHOPIFY_APP_URL: z.url("must be a URL (https://...)").optional(),
  SCOPES: z
    .string()
    .optional()
    .transform((scopes) => scopes?.split(",")),
  DATABASE_URL: z
    .string()
    .default(DEFAULT_DATABASE_URL)
    .refine(
      (url) => {
        try {
          return Boolean(databaseKind(url));
        } catch {
          return false;
        }
      },
      { message: "must start with file: (SQLite) or postgres:// (PostgreSQL)" },
    ),
  DATABASE_POOL_SIZE: wholeNumber(1).default(10),
  // PORT and HOST are read by server.mjs (npm start); checked here so that a typo stops the app
  // with the variable's name. The rest is Vite's (vite.config.ts):
  // FRONTEND_PORT is set by `shopify app dev`, HMR_PORT by `npm run demo`.
  PORT: port.optional(),
  HOST: z.string().optional(),
  HMR_PORT: port.optional(),
  FRONTEND_PORT: port.optional(),
  COMEBACK_WORKER: z
    .enum(["on", "off"], "must be on or off")
    .default("on")
    .transform((value) => value === "on"),
  COMEBACK_WORKER_INTERVAL_MS: wholeNumber(1).default(5000),
  // Jobs one instance runs at once (app/platform/jobs.server.ts).
  COMEBACK_WORKER_CONCURRENCY: wholeNumber(1, 64).default(4),
  COMEBACK_RETRY_BASE_MS: wholeNumber(1).default(1000),
  COMEBACK_LEASE_MS: wholeNumber(1).default(5 * 60_000),
  // Memory for everything kept per shop, all kinds together (app/platform/cache.server.ts).
  COMEBACK_CACHE_BUDGET_MIB: wholeNumber(1).default(DEFAULT_CACHE_BUDGET_MIB),
  // The V8 heap limit server.mjs starts with; unset, it follows the budget (heap-limit.mjs).
  COMEBACK_HEAP_MIB: wholeNumber(MIN_HEAP_MIB).optional(),
  // How many X-Forwarded-For entries the app's own host appends after Shopify's (docs/app-proxy.md).
  COMEBACK_HOST_PROXIES: wholeNumber(0, 9).default(1),
  COMEBACK_QUIET: z
    .string()
    .optional()
    .transform((value) => value !== undefined),
  COMEBACK_DEMO: z
    .enum(["0", "1"], "must be 1 (on) or 0")
    .default("0")
    .transform((value) => value === "1"),
});

export type Env = z.output<typeof schema>;

/** Values not repeated in an error message: they are secrets or may hold one (a password). */
const SECRET = new Set(["SHOPIFY_API_SECRET", "DATABASE_URL"]);

/** The configuration in `source` (process.env), or an error that names every bad variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const values = Object.fromEntries(Object.keys(schema.shape).map((name) => [name, unsetIfEmpty(source[name])]));
  const result = schema.safeParse(values);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = String(issue.path[0]);
    return `${name} ${issue.message}${SECRET.has(name) ? "" : `, got "${source[name]}"`}`;
  });
  throw new Error(`Invalid environment (see README.md, "Environment variables"):\n  ${problems.join("\n  ")}`);
}

export const env: Env = parseEnv(process.env);

/** A variable the running app cannot do without (the Shopify credentials). */
export function requiredEnv(name: "SHOPIFY_API_KEY" | "SHOPIFY_API_SECRET" | "SHOPIFY_APP_URL"): string {
  const value = env[name];
  if (!value) throw new Error(`${name} is not set; see README.md, "Environment variables"`);
  return value;
}
