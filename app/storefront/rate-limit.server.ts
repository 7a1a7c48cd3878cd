// The storefront's rate limits (rate-limit.ts) counted in the database, so that they hold across
// every app instance sharing it: one statement adds the request to the customer's window, or
// starts a new window when the last one is over, and returns the count. PostgreSQL's
// INSERT ... ON CONFLICT DO UPDATE locks the row, so concurrent requests on any instance count
// one after the other; SQLite runs one statement at a time.
import db from "../platform/db/client.server";
import { dialect } from "../platform/sql/dialect.server";
import {
  GUEST_READ_LIMIT,
  RATE_LIMIT_RETENTION_MS,
  RATE_LIMITS,
  retryAfterSeconds,
  WindowCounter,
  type RateLimitedAction,
} from "./rate-limit";

export class RateLimited extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`rate limited for ${retryAfterSeconds} s`);
  }
}

/** Counts the request; throws RateLimited when the customer's window for `action` is already full. */
export async function spendRequest(
  shopDomain: string,
  customerGid: string,
  action: RateLimitedAction,
  now = new Date(),
): Promise<void> {
  const { limit, windowMs } = RATE_LIMITS[action];
  const p = (index: number, type?: "time") => dialect.param(index, type);
  // The cutoff goes twice: SQLite's parameters are positional.
  const over = (index: number) => `"ProxyRateLimit"."windowStart" <= ${p(index, "time")}`;
  const cutoff = dialect.time(new Date(now.getTime() - windowMs));
  const [row] = await db.$queryRawUnsafe<{ count: number | bigint; windowStart: Date | string }[]>(
    `INSERT INTO "ProxyRateLimit" ("shopDomain", "customerGid", "action", "windowStart", "count")
     VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4, "time")}, 1)
     ON CONFLICT ("shopDomain", "customerGid", "action") DO UPDATE SET
       "count" = CASE WHEN ${over(5)} THEN 1 ELSE "ProxyRateLimit"."count" + 1 END,
       "windowStart" = CASE WHEN ${over(6)} THEN excluded."windowStart" ELSE "ProxyRateLimit"."windowStart" END
     RETURNING "count", "windowStart"`,
    shopDomain,
    customerGid,
    action,
    dialect.time(now),
    cutoff,
    cutoff,
  );
  if (Number(row.count) > limit) throw new RateLimited(retryAfterSeconds(new Date(row.windowStart), windowMs, now));
}

const guestReads = new WindowCounter(GUEST_READ_LIMIT);

/**
 * Counts a guest's read by shop and address (kept in memory only, never stored); throws
 * RateLimited when that window is full. Requests without an address share the shop's count.
 */
export function spendGuestRead(shopDomain: string, address: string | null, now = Date.now()): void {
  const wait = guestReads.spend(`${shopDomain} ${address ?? "-"}`, now);
  if (wait !== null) throw new RateLimited(wait);
}

/** Deletes counters whose window is long over (the worker, each tick). */
export async function pruneRateLimits(now = new Date()): Promise<number> {
  const { count } = await db.proxyRateLimit.deleteMany({
    where: { windowStart: { lt: new Date(now.getTime() - RATE_LIMIT_RETENTION_MS) } },
  });
  return count;
}
