import { describe, expect, it } from "vitest";
import { ALLOCATOR_ENV, HEAP_HEADROOM_MIB, heapLimitMiB, restartWithLimits } from "./heap-limit.mjs";
import { parseEnv } from "./env.server";

describe("the heap limit", () => {
  it("follows the cache budget, default or set", () => {
    expect(heapLimitMiB({})).toBe(512 + HEAP_HEADROOM_MIB);
    expect(heapLimitMiB({ COMEBACK_CACHE_BUDGET_MIB: "" })).toBe(512 + HEAP_HEADROOM_MIB);
    expect(heapLimitMiB({ COMEBACK_CACHE_BUDGET_MIB: "1024" })).toBe(1024 + HEAP_HEADROOM_MIB);
  });

  it("is COMEBACK_HEAP_MIB when that is set", () => {
    expect(heapLimitMiB({ COMEBACK_CACHE_BUDGET_MIB: "1024", COMEBACK_HEAP_MIB: "700" })).toBe(700);
  });

  it("is not derived from bad values, which the environment check then names", () => {
    for (const env of [{ COMEBACK_CACHE_BUDGET_MIB: "lots" }, { COMEBACK_HEAP_MIB: "32" }, { COMEBACK_HEAP_MIB: "1e3" }]) {
      expect(heapLimitMiB(env)).toBeNull();
      expect(restartWithLimits({ execArgv: [], argv: ["node", "server.mjs"], env })).toBeNull();
      expect(() => parseEnv(env)).toThrow(Object.keys(env)[0]);
    }
    expect(parseEnv({ COMEBACK_HEAP_MIB: "64" }).COMEBACK_HEAP_MIB).toBe(64);
  });

  it("restarts the server with the flag and the allocator setting, once, replacing a flag given before", () => {
    const argv = ["/usr/bin/node", "/app/server.mjs"];
    const env = { COMEBACK_CACHE_BUDGET_MIB: "256" };
    const flag = `--max-old-space-size=${256 + HEAP_HEADROOM_MIB}`;
    const restarted = { ...env, MALLOC_MMAP_THRESHOLD_: "131072" };
    expect(restartWithLimits({ execArgv: ["--env-file-if-exists=.env"], argv, env })).toEqual({
      args: ["--env-file-if-exists=.env", flag, "/app/server.mjs"],
      env: restarted,
    });
    expect(restartWithLimits({ execArgv: ["--max_old_space_size=4000"], argv, env })?.args).toEqual([flag, "/app/server.mjs"]);
    expect(restartWithLimits({ execArgv: [flag], argv, env: restarted })).toBeNull();
    // Either one missing is enough to restart with both.
    expect(restartWithLimits({ execArgv: [flag], argv, env })).toEqual({ args: [flag, "/app/server.mjs"], env: restarted });
  });

  it("keeps the operator's own allocator setting", () => {
    const env = { MALLOC_MMAP_THRESHOLD_: "1048576" };
    expect(restartWithLimits({ execArgv: [], argv: ["node", "server.mjs"], env })?.env).toEqual(env);
    expect(Object.keys(ALLOCATOR_ENV)).toEqual(["MALLOC_MMAP_THRESHOLD_"]);
  });
});
