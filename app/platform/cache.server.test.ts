import { describe, expect, it } from "vitest";
import { MemoryCache, pressureRelief, TRANSIENT_MARGIN_MIB } from "./cache.server";
import { PROCESS_ALLOWANCE_MIB } from "./heap-limit.mjs";

const bytesOf = (value: Float64Array) => value.byteLength;

describe("one memory budget for every cache", () => {
  it("keeps every kind within the budget, pushing out the least recently used entry of any kind", () => {
    const cache = new MemoryCache(10_000);
    const evicted: string[] = [];
    const facts = cache.kind<Float64Array>("facts", { sizeOf: bytesOf, onEvict: (key) => evicted.push(`facts ${key}`) });
    const lists = cache.kind<Float64Array>("lists", { sizeOf: bytesOf, onEvict: (key) => evicted.push(`lists ${key}`) });

    facts.set("a.myshopify.com", new Float64Array(400)); // 3,200 bytes
    lists.set("a.myshopify.com", new Float64Array(400));
    facts.set("b.myshopify.com", new Float64Array(400));
    expect(cache.stats().bytes).toBe(9_600);
    expect(facts.get("a.myshopify.com")).toHaveLength(400); // now the most recently used

    lists.set("b.myshopify.com", new Float64Array(400));
    expect(evicted).toEqual(["lists a.myshopify.com"]);
    expect(lists.get("a.myshopify.com")).toBeUndefined();
    expect(cache.stats()).toEqual({
      budgetBytes: 10_000,
      bytes: 9_600,
      entries: 3,
      kinds: {
        facts: { hits: 1, misses: 0, evictions: 0, bytes: 6_400, entries: 2 },
        lists: { hits: 0, misses: 1, evictions: 1, bytes: 3_200, entries: 1 },
      },
    });
  });

  it("measures an entry again when it grows in place, and evicts others to make room", () => {
    const cache = new MemoryCache(1_000);
    const rows: number[] = [];
    const growing = cache.kind<number[]>("rows", { sizeOf: (value) => value.length * 100 });
    const other = cache.kind<string>("other", { sizeOf: () => 400 });
    other.set("x", "x");
    growing.set("shop", rows);
    expect(cache.stats().kinds.rows.bytes).toBe(1); // empty still takes a byte: lru-cache needs a size
    rows.push(1, 2, 3, 4, 5, 6, 7);
    growing.resize("shop");
    expect(cache.stats().kinds.rows).toMatchObject({ bytes: 700, entries: 1 });
    expect(cache.stats().kinds.other).toMatchObject({ bytes: 0, entries: 0, evictions: 1 });
    expect(cache.stats().bytes).toBe(700);
  });

  it("does not keep a value larger than the whole budget, and counts deletes and replacements as no evictions", () => {
    const cache = new MemoryCache(1_000);
    const kind = cache.kind<Float64Array>("facts", { sizeOf: bytesOf });
    kind.set("huge", new Float64Array(1_000));
    expect(kind.get("huge")).toBeUndefined();
    kind.set("shop", new Float64Array(10));
    kind.set("shop", new Float64Array(20));
    expect(cache.stats().kinds.facts).toMatchObject({ bytes: 160, entries: 1, evictions: 0 });
    kind.delete("shop");
    expect(cache.stats()).toMatchObject({ bytes: 0, entries: 0, kinds: { facts: { bytes: 0, entries: 0, evictions: 0 } } });
  });

  it("forgets an entry after its time to live", async () => {
    const cache = new MemoryCache(1_000);
    const kind = cache.kind<string>("shops", { sizeOf: () => 10, ttlMs: 20 });
    kind.set("shop", "row");
    expect(kind.get("shop")).toBe("row");
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(kind.get("shop")).toBeUndefined();
    expect(cache.stats().kinds.shops).toMatchObject({ hits: 1, misses: 1, evictions: 0, bytes: 0, entries: 0 });
  });

  it("gives way under memory pressure: least recently used first, down to a floor, each eviction counted", () => {
    const cache = new MemoryCache(10_000);
    const evicted: string[] = [];
    const facts = cache.kind<Float64Array>("facts", { sizeOf: bytesOf, onEvict: (key) => evicted.push(key) });
    for (const shop of ["a", "b", "c", "d"]) facts.set(shop, new Float64Array(250)); // 2,000 bytes each
    facts.get("a");
    expect(cache.shrinkBy(3_000)).toBe(4_000); // whole entries: b, then c
    expect(evicted).toEqual(["b", "c"]);
    expect(cache.shrinkBy(10_000, { floorBytes: 2_000 })).toBe(2_000); // d goes; a stays at the floor
    expect(evicted).toEqual(["b", "c", "d"]);
    expect(facts.get("a")).toHaveLength(250);
    expect(cache.stats().kinds.facts).toMatchObject({ evictions: 3, bytes: 2_000, entries: 1 });
    expect(cache.shrinkBy(0)).toBe(0);
  });

  it("under pressure keeps the shops used within the idle time, however much is asked", async () => {
    const cache = new MemoryCache(10_000);
    const facts = cache.kind<Float64Array>("facts", { sizeOf: bytesOf });
    facts.set("idle", new Float64Array(250));
    facts.set("busy", new Float64Array(250));
    await new Promise((resolve) => setTimeout(resolve, 60));
    facts.get("busy");
    expect(cache.shrinkBy(10_000, { idleMs: 50 })).toBe(2_000);
    expect(facts.get("idle")).toBeUndefined();
    expect(facts.get("busy")).toHaveLength(250);
  });

  it("asks the cache to give back what the process holds beyond its budget, allowance and margin", () => {
    const MIB = 1024 * 1024;
    const budget = 512 * MIB;
    const ceiling = budget + (PROCESS_ALLOWANCE_MIB - TRANSIENT_MARGIN_MIB) * MIB;
    expect(pressureRelief(ceiling, budget)).toBe(0);
    expect(pressureRelief(400 * MIB, budget)).toBe(0);
    expect(pressureRelief(ceiling + 90 * MIB, budget)).toBe(90 * MIB);
  });

  it("refuses a second kind of the same name, whose keys would mix with the first's", () => {
    const cache = new MemoryCache(1_000);
    cache.kind("facts", { sizeOf: () => 1 });
    expect(() => cache.kind("facts", { sizeOf: () => 1 })).toThrow(/exists already/);
  });
});
