// @ts-check
// The V8 heap limit of the production server, derived from the cache budget (docs/decisions/0020-one-cache-budget.md).
// Plain JavaScript: server.mjs reads it before the app (and its TypeScript build) is loaded, and
// restarts itself in place with the limit (and ALLOCATOR_ENV) when it was started without it. The fleet bench judges
// an instance's RSS against COMEBACK_CACHE_BUDGET_MIB + 300 MiB; without a limit V8 lets garbage
// grow toward its default of about 4 GiB before collecting it in earnest.

/** The cache budget when COMEBACK_CACHE_BUDGET_MIB is unset (env.server.ts has the same default). */
export const DEFAULT_CACHE_BUDGET_MIB = 512;

/**
 * Old-space beside the cache's own objects: the module graph and the values requests and jobs
 * hold while they run. The cache's typed arrays (order facts, histories) live outside the V8 heap,
 * so part of the budget needs none of it; the rest of the 300 MiB allowance is the young
 * generation (48 MiB), code, the query compiler's WebAssembly and the drivers' buffers.
 */
export const HEAP_HEADROOM_MIB = 128;

/**
 * What an instance may hold beside the cache's budget (RSS): the module graph, requests and jobs
 * while they run, V8's young generation, code and the drivers' buffers. The cache gives way when the
 * rest outgrows it (cache.server.ts); the fleet bench holds each instance to the budget plus this.
 */
export const PROCESS_ALLOWANCE_MIB = 300;

/** The smallest COMEBACK_HEAP_MIB env.server.ts accepts: less would not hold the app's own modules. */
export const MIN_HEAP_MIB = 64;

/**
 * A whole number of MiB of at least `min`, as env.server.ts accepts it; undefined when unset, null
 * for anything else (the app's check then names it).
 * @param {string | undefined} value
 * @param {number} min
 */
function mib(value, min) {
  if (value === undefined || value === "") return undefined;
  return /^\d+$/.test(value) && Number(value) >= min ? Number(value) : null;
}

/**
 * The heap limit (`--max-old-space-size`, MiB) for this environment: COMEBACK_HEAP_MIB if set,
 * else the cache budget plus HEAP_HEADROOM_MIB. Null when one of them is not a whole number: the
 * server then starts without a limit and stops at once on env.server.ts's error naming the variable.
 * @param {Record<string, string | undefined>} env
 * @returns {number | null}
 */
export function heapLimitMiB(env) {
  const override = mib(env.COMEBACK_HEAP_MIB, MIN_HEAP_MIB);
  if (override !== undefined) return override;
  const budget = mib(env.COMEBACK_CACHE_BUDGET_MIB, 1);
  if (budget === null) return null;
  return (budget ?? DEFAULT_CACHE_BUDGET_MIB) + HEAP_HEADROOM_MIB;
}

/**
 * glibc's malloc, which serves node's buffers and typed arrays outside the V8 heap, raises the size
 * from which it gives a block its own mapping each time such a block is freed (up to 32 MiB); then
 * large buffers come from its heap, and what they leave there when freed stays in the process. In
 * the fleet bench that was about 140 MiB of an instance's RSS (`malloc_trim` gave back 137 MiB).
 * A fixed threshold keeps large blocks in their own mappings, returned as soon as they are freed.
 * Other allocators (musl's) ignore the variable; one set by the operator is kept.
 */
export const ALLOCATOR_ENV = { MALLOC_MMAP_THRESHOLD_: String(128 * 1024) };

/**
 * How to start this process again with the heap limit of `env` and the allocator setting (node
 * arguments and environment), or null when it already runs with both (or the environment is invalid).
 * @param {{ execArgv: string[]; argv: string[]; env: Record<string, string | undefined> }} current
 * @returns {{ args: string[]; env: Record<string, string | undefined> } | null}
 */
export function restartWithLimits({ execArgv, argv, env }) {
  const limit = heapLimitMiB(env);
  if (limit === null) return null;
  const flag = `--max-old-space-size=${limit}`;
  const allocatorSet = Object.keys(ALLOCATOR_ENV).every((name) => env[name] !== undefined);
  if (execArgv.includes(flag) && allocatorSet) return null;
  return {
    // A limit given on the command line is replaced; one in NODE_OPTIONS yields to the command line.
    args: [...execArgv.filter((arg) => !/^--max[-_]old[-_]space[-_]size/.test(arg)), flag, ...argv.slice(1)],
    env: { ...ALLOCATOR_ENV, ...env },
  };
}
