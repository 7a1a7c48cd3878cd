// Limits on what one signed-in shopper may do through the App Proxy, per shop. A redemption costs
// a Shopify mutation and a locked member row; a birthday is a write; a panel or history read
// loads the member's whole ledger. The limits are far above what a shopper clicking does and low
// enough that a script looping on one account cannot load the app or Shopify's API budget.
// Guests can only read the program; they are counted per address, in each instance's memory.

export type RateLimitedAction = "redeem" | "birthday" | "read" | "feedback";

export interface RateLimit {
  /** Requests allowed per window. */
  limit: number;
  windowMs: number;
}

export const RATE_LIMITS: Record<RateLimitedAction, RateLimit> = {
  redeem: { limit: 5, windowMs: 60_000 },
  birthday: { limit: 5, windowMs: 60_000 },
  read: { limit: 60, windowMs: 60_000 },
  // Opening and sending feedback surveys (app/feedback), on every surface together.
  feedback: { limit: 20, windowMs: 60_000 },
};

/**
 * Guests' reads per shop and address. Generous: shoppers behind one address (an office, a mobile
 * carrier's NAT) share it.
 */
export const GUEST_READ_LIMIT: RateLimit = { limit: 120, windowMs: 60_000 };

/** Counter rows whose window ended this long ago are deleted by the worker. */
export const RATE_LIMIT_RETENTION_MS = 60 * 60_000;

/** Whole seconds until the window that began at `windowStart` is over (at least 1), for Retry-After. */
export function retryAfterSeconds(windowStart: Date, windowMs: number, now: Date): number {
  return Math.max(1, Math.ceil((windowStart.getTime() + windowMs - now.getTime()) / 1000));
}

/**
 * Fixed-window request counts in memory, for limits that need not hold across instances. At most
 * `maxKeys` windows are kept: past that, ended windows go first, then the oldest.
 */
export class WindowCounter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly rule: RateLimit,
    private readonly maxKeys = 100_000,
  ) {}

  /** Counts a request for `key`; the seconds to wait when the window was already full, else null. */
  spend(key: string, now: number): number | null {
    const { limit, windowMs } = this.rule;
    let window = this.windows.get(key);
    if (!window || window.start + windowMs <= now) {
      this.windows.delete(key);
      if (this.windows.size >= this.maxKeys) this.evict(now);
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    window.count += 1;
    return window.count > limit ? retryAfterSeconds(new Date(window.start), windowMs, new Date(now)) : null;
  }

  get size(): number {
    return this.windows.size;
  }

  private evict(now: number) {
    for (const [key, window] of this.windows) if (window.start + this.rule.windowMs <= now) this.windows.delete(key);
    // Insertion order is window order: the oldest go first.
    for (const key of this.windows.keys()) {
      if (this.windows.size < this.maxKeys) break;
      this.windows.delete(key);
    }
  }
}
