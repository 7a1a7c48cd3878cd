// Limits on what one signed-in shopper may do through the App Proxy, per shop. A redemption costs
// a Shopify mutation and a locked member row; a birthday is a write; a panel or history read
// loads the member's whole ledger. The limits are far above what a shopper clicking does and low
// enough that a script looping on one account cannot load the app or Shopify's API budget.

export type RateLimitedAction = "redeem" | "birthday" | "read";

export interface RateLimit {
  /** Requests allowed per window. */
  limit: number;
  windowMs: number;
}

export const RATE_LIMITS: Record<RateLimitedAction, RateLimit> = {
  redeem: { limit: 5, windowMs: 60_000 },
  birthday: { limit: 5, windowMs: 60_000 },
  read: { limit: 60, windowMs: 60_000 },
};

/** Counter rows whose window ended this long ago are deleted by the worker. */
export const RATE_LIMIT_RETENTION_MS = 60 * 60_000;

/** Whole seconds until the window that began at `windowStart` is over (at least 1), for Retry-After. */
export function retryAfterSeconds(windowStart: Date, windowMs: number, now: Date): number {
  return Math.max(1, Math.ceil((windowStart.getTime() + windowMs - now.getTime()) / 1000));
}
