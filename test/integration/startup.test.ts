// The app checks its environment when it starts: a bad value stops it with the variable's name.
// The production server runs with a V8 heap limit derived from the cache budget, and malloc's
// mmap threshold fixed.
import { readFileSync } from "node:fs";
import { describe, expect, inject, it } from "vitest";
import { HEAP_HEADROOM_MIB } from "../../app/platform/heap-limit.mjs";
import { startAppServer } from "../support/app-server";

/** The running server's heap flag (from its command line, as the kernel has it) and the V8 limit it logged. */
async function heapOf(env: Record<string, string>) {
  const server = await startAppServer({ databaseUrl: inject("databaseUrl"), adminDoubleUrl: inject("adminDoubleUrl"), env });
  try {
    const commandLine = readFileSync(`/proc/${server.process.pid}/cmdline`, "utf8").split("\0");
    const flag = commandLine.find((arg) => arg.startsWith("--max-old-space-size="));
    const logged = /V8 heap limit (\d+) MiB/.exec(server.output());
    const environment = readFileSync(`/proc/${server.process.pid}/environ`, "utf8").split("\0");
    const mmapThreshold = environment.find((line) => line.startsWith("MALLOC_MMAP_THRESHOLD_="));
    return { flag, loggedMiB: logged ? Number(logged[1]) : null, mmapThreshold };
  } finally {
    await server.stop();
  }
}

describe("start-up", () => {
  it("refuses to start with a bad COMEBACK_LEASE_MS, naming the variable", async () => {
    const server = await startAppServer({
      databaseUrl: inject("databaseUrl"),
      adminDoubleUrl: inject("adminDoubleUrl"),
      env: { COMEBACK_LEASE_MS: "abc" },
      waitForHealth: false,
    });
    const code = await new Promise<number | null>((resolve) => {
      if (server.process.exitCode !== null) resolve(server.process.exitCode);
      server.process.once("exit", resolve);
      setTimeout(() => resolve(null), 20_000);
    });
    await server.stop();
    expect(code, server.output()).not.toBeNull();
    expect(code).not.toBe(0);
    expect(server.output()).toContain('COMEBACK_LEASE_MS must be a whole number, got "abc"');
  });

  it("runs with a heap limit of the cache budget plus the headroom, in the same process", async () => {
    const { flag, loggedMiB, mmapThreshold } = await heapOf({ COMEBACK_CACHE_BUDGET_MIB: "100" });
    expect(flag).toBe(`--max-old-space-size=${100 + HEAP_HEADROOM_MIB}`);
    // And malloc gives large blocks back when they are freed (heap-limit.mjs, ALLOCATOR_ENV).
    expect(mmapThreshold).toBe("MALLOC_MMAP_THRESHOLD_=131072");
    // V8's limit adds the young generation to the old space's.
    expect(loggedMiB).toBeGreaterThanOrEqual(100 + HEAP_HEADROOM_MIB);
    expect(loggedMiB).toBeLessThanOrEqual(100 + HEAP_HEADROOM_MIB + 64);
  });

  it("runs with COMEBACK_HEAP_MIB's heap limit when it is set", async () => {
    const { flag, loggedMiB } = await heapOf({ COMEBACK_CACHE_BUDGET_MIB: "100", COMEBACK_HEAP_MIB: "300" });
    expect(flag).toBe("--max-old-space-size=300");
    expect(loggedMiB).toBeGreaterThanOrEqual(300);
    expect(loggedMiB).toBeLessThanOrEqual(364);
  });
});
