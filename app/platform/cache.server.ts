// One memory budget for everything this instance keeps per shop (order facts, customer lists,
// loyalty standings, shop rows, throttles): a single least-recently-used cache sized in bytes, so
// memory stays bounded however many shops an instance serves. Each kind of entry states its own
// size; a shop pushed out is loaded again on its next use. See docs/decisions/0020-one-cache-budget.md.
// Platform code: it imports no domain module.
import { LRUCache } from "lru-cache";
import { env } from "./env.server";
import { log } from "./log.server";
import { PROCESS_ALLOWANCE_MIB } from "./heap-limit.mjs";

export interface CacheKindOptions<V> {
  /**
   * Bytes the value holds, estimated honestly (typed arrays' byteLength, rows times the bytes a
   * row takes). Read when the value is set or `resize`d.
   */
  sizeOf(value: V): number;
  /** Forget an entry this long after it was set, whatever the budget. */
  ttlMs?: number;
  /** Called when the budget pushes an entry out (not on delete, replacement or expiry). */
  onEvict?(key: string, value: V): void;
}

export interface KindStats {
  hits: number;
  misses: number;
  evictions: number;
  bytes: number;
  entries: number;
}

export interface CacheStats {
  budgetBytes: number;
  bytes: number;
  entries: number;
  kinds: Record<string, KindStats>;
}

interface KindState {
  stats: KindStats;
  onEvict?: (key: string, value: never) => void;
}

interface Slot {
  kind: KindState;
  key: string;
  value: unknown;
  size: number;
  /** When it was last set or read (Date.now()). */
  usedAt: number;
}

export class MemoryCache {
  private readonly lru: LRUCache<string, Slot>;
  private readonly kinds = new Map<string, KindState>();

  constructor(readonly budgetBytes: number) {
    this.lru = new LRUCache<string, Slot>({
      maxSize: budgetBytes,
      sizeCalculation: (slot) => slot.size,
      // Every set brings a new slot, so an insert always adds and a dispose always removes one.
      onInsert: (slot) => {
        slot.kind.stats.bytes += slot.size;
        slot.kind.stats.entries++;
      },
      dispose: (slot, _key, reason) => {
        slot.kind.stats.bytes -= slot.size;
        slot.kind.stats.entries--;
        if (reason !== "evict") return;
        slot.kind.stats.evictions++;
        slot.kind.onEvict?.(slot.key, slot.value as never);
      },
    });
  }

  /** A kind of entry in this cache, with its own keys, sizes and counters. */
  kind<V>(name: string, options: CacheKindOptions<V>): CacheKind<V> {
    if (this.kinds.has(name)) throw new Error(`cache kind "${name}" exists already`);
    const state: KindState = {
      stats: { hits: 0, misses: 0, evictions: 0, bytes: 0, entries: 0 },
      onEvict: options.onEvict as KindState["onEvict"],
    };
    this.kinds.set(name, state);
    return new CacheKind<V>(this.lru, name, state, options);
  }

  /**
   * Pushes out least recently used entries (of any kind, as the budget would) until `bytes` are
   * freed, only `floorBytes` remain, or the next one was used within `idleMs` (a shop in use would
   * only be loaded again at once); returns the bytes freed.
   */
  shrinkBy(bytes: number, { floorBytes = 0, idleMs = 0 } = {}): number {
    const before = this.lru.calculatedSize;
    const now = Date.now();
    while (before - this.lru.calculatedSize < bytes && this.lru.calculatedSize > floorBytes) {
      const oldest = this.lru.rvalues().next().value;
      if (!oldest || now - oldest.usedAt < idleMs) break;
      this.lru.pop();
    }
    return before - this.lru.calculatedSize;
  }

  stats(): CacheStats {
    const kinds = Object.fromEntries([...this.kinds].map(([name, state]) => [name, { ...state.stats }]));
    return { budgetBytes: this.budgetBytes, bytes: this.lru.calculatedSize, entries: this.lru.size, kinds };
  }
}

export class CacheKind<V> {
  constructor(
    private readonly lru: LRUCache<string, Slot>,
    private readonly name: string,
    private readonly state: KindState,
    private readonly options: CacheKindOptions<V>,
  ) {}

  private slotKey(key: string) {
    return `${this.name}\u0000${key}`;
  }

  /** The entry, counted as a hit or a miss, and marked as just used. */
  get(key: string): V | undefined {
    const slot = this.lru.get(this.slotKey(key));
    if (slot) {
      this.state.stats.hits++;
      slot.usedAt = Date.now();
    } else this.state.stats.misses++;
    return slot?.value as V | undefined;
  }

  /**
   * Keeps `value`, pushing out the least recently used entries of any kind until the budget
   * holds. A value larger than the whole budget is not kept (a warning says so).
   */
  set(key: string, value: V): void {
    const size = Math.max(1, Math.ceil(this.options.sizeOf(value)));
    const slot: Slot = { kind: this.state, key, value, size, usedAt: Date.now() };
    const status: LRUCache.Status<string, Slot> = {};
    this.lru.set(this.slotKey(key), slot, { ttl: this.options.ttlMs, status });
    if (status.maxEntrySizeExceeded) log.warn("cache entry larger than the budget", { kind: this.name, key, bytes: size });
  }

  /** Measures an entry again after its value grew or shrank in place; keeps its expiry. */
  resize(key: string): void {
    const slot = this.lru.peek(this.slotKey(key));
    if (!slot) return;
    const size = Math.max(1, Math.ceil(this.options.sizeOf(slot.value as V)));
    if (size === slot.size) return;
    this.lru.set(this.slotKey(key), { ...slot, size }, { noUpdateTTL: true });
  }

  delete(key: string): void {
    this.lru.delete(this.slotKey(key));
  }
}

const MIB = 1024 * 1024;
const mib = (bytes: number) => +(bytes / MIB).toFixed(1);

/** This instance's per-shop caches, within COMEBACK_CACHE_BUDGET_MIB. */
export const shopCaches = new MemoryCache(env.COMEBACK_CACHE_BUDGET_MIB * MIB);

/**
 * Room kept below that for what comes and goes in seconds: the model thread's heap (decision 34)
 * and a heavy job's transients. The fleet bench measured jumps of 60–140 MiB within 2 s (a large
 * shop's list rebuilt while the thread computes its predictions), on top of what the margin let stay.
 */
export const TRANSIENT_MARGIN_MIB = 192;
/** Under pressure the cache gives way down to this share of its budget, and only shops idle this long. */
const PRESSURE_FLOOR = 0.25;
const PRESSURE_IDLE_MS = 60_000;
const PRESSURE_CHECK_MS = 2_000;
/** Freed entries leave the RSS only after the collector has run: no second shrink before then. */
const PRESSURE_COOLDOWN_MS = 30_000;

/**
 * The bytes the cache should give back when the instance holds more than its budget, the
 * allowance and the margin allow, i.e. when the rest of the process outgrew its allowance: the
 * cache yields instead of the process growing past the budget plus the allowance.
 */
export function pressureRelief(rssBytes: number, budgetBytes: number): number {
  return Math.max(0, rssBytes - (budgetBytes + (PROCESS_ALLOWANCE_MIB - TRANSIENT_MARGIN_MIB) * MIB));
}

let lastRelief = 0;
setInterval(() => {
  if (Date.now() - lastRelief < PRESSURE_COOLDOWN_MS) return;
  const relief = pressureRelief(process.memoryUsage.rss(), shopCaches.budgetBytes);
  if (relief === 0) return;
  lastRelief = Date.now();
  const freed = shopCaches.shrinkBy(relief, { floorBytes: shopCaches.budgetBytes * PRESSURE_FLOOR, idleMs: PRESSURE_IDLE_MS });
  log.info("cache gave way to memory pressure", {
    overMiB: mib(relief),
    freedMiB: mib(freed),
    usedMiB: mib(shopCaches.stats().bytes),
  });
}, PRESSURE_CHECK_MS).unref();

const STATS_EVERY_MS = 60_000;

// Operators read the counters in the log, one line a minute (hits, misses, evictions, bytes per
// kind), beside the process's memory: what the cache counts against what the instance holds.
setInterval(() => {
  const { budgetBytes, bytes, entries, kinds } = shopCaches.stats();
  const { rss, heapTotal, heapUsed, external, arrayBuffers } = process.memoryUsage();
  log.info("cache", {
    budgetMiB: budgetBytes / MIB,
    usedMiB: mib(bytes),
    entries,
    kinds,
    memoryMiB: {
      rss: mib(rss),
      heapTotal: mib(heapTotal),
      heapUsed: mib(heapUsed),
      external: mib(external),
      arrayBuffers: mib(arrayBuffers),
    },
  });
}, STATS_EVERY_MS).unref();
