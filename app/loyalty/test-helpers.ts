// Test helpers for the loyalty tests: dates, rules, a seeded random source.
import type { PurchaseRule } from "./program";

export const at = (iso: string): Date => new Date(iso);

export const SETTINGS_NEVER = { pendingDays: 14, expiry: { mode: "never", months: 12 } } as const;
export const SETTINGS_BATCH = { pendingDays: 14, expiry: { mode: "batch", months: 12 } } as const;

/** Version 1 of "1 point per 10.00 EUR", in force since 2024-01-01. */
export const ONE_PER_TEN_EUR: PurchaseRule = {
  id: "rule-purchase",
  version: 1,
  kind: "purchase",
  points: 1,
  perAmount: 1000n,
  effectiveFrom: at("2024-01-01T00:00:00Z"),
  retiredAt: null,
};

/** mulberry32: a tiny seeded generator, so property tests fail the same way every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
