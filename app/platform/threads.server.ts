// CPU-bound work that would hold the event loop for seconds (a large shop's model fits) runs in a
// worker thread (piscina): webhooks, pages and the job system keep their turns meanwhile, and the
// second core does the work. Docs: docs/decisions/0034-model-fits-in-a-thread.md.
//
// A thread module is a file `<name>.ts` whose exported functions each take one message and return one.
// It runs outside the Remix server bundle, so it may import only pure modules (no database, env or
// Shopify client). The production build emits it beside the server bundle as `<name>.js` (the
// list in vite.config.ts); from source (tests, scripts and benches run by tsx or vitest) the `.ts`
// file runs with tsx's loader.
import { existsSync } from "node:fs";
import { basename } from "node:path";
import { Piscina } from "piscina";

/**
 * A thread is let go after this long without work: its memory (about 100–180 MiB of RSS for a
 * 1M-order shop's models, heap and buffers) is held only while it works. An idle thread does not
 * keep the process alive (scripts exit after their refit).
 */
const IDLE_MS = 5_000;

/**
 * A thread's own heap limits, beside the instance's (heap-limit.mjs), small so that V8 collects
 * early instead of growing the heap: a 1M-order shop's fit (200,000 customers) runs within 64 MiB
 * of old space, so 128 leaves it twice that.
 */
const THREAD_HEAP_MIB = 128;
const THREAD_YOUNG_MIB = 8;

/** A thread module's exports, as the caller imports their types. */
type ThreadFunctions = Record<string, (input: never) => unknown>;

export interface ThreadPool<Module extends ThreadFunctions> {
  /** Runs the module's export `name` on `input` in the thread (copied there, the answer copied back). */
  run<Name extends keyof Module & string>(name: Name, input: Parameters<Module[Name]>[0]): Promise<ReturnType<Module[Name]>>;
}

/**
 * One thread at most per module and instance, started on first use: `heavyWork` already runs the
 * large jobs one at a time, and the other core belongs to the requests.
 */
export function threadPool<Module extends ThreadFunctions>(sourcePath: `app/${string}.ts`): ThreadPool<Module> {
  let pool: Piscina | undefined;
  return {
    run(name, input) {
      pool ??= new Piscina({
        ...threadFile(sourcePath),
        minThreads: 0,
        maxThreads: 1,
        idleTimeout: IDLE_MS,
        resourceLimits: { maxOldGenerationSizeMb: THREAD_HEAP_MIB, maxYoungGenerationSizeMb: THREAD_YOUNG_MIB },
      });
      return pool.run(input, { name }) as Promise<ReturnType<Module[typeof name]>>;
    },
  };
}

/**
 * In the server bundle this module's URL is the bundle's, and the thread module was built beside
 * it; from source it is this file's, and the source runs with tsx's loader.
 */
function threadFile(sourcePath: string): { filename: string; execArgv?: string[] } {
  if (!import.meta.url.endsWith(".ts")) {
    const built = new URL(basename(sourcePath).replace(/\.ts$/, ".js"), import.meta.url);
    if (!existsSync(built)) throw new Error(`the server build has no ${built.pathname}`);
    return { filename: built.href };
  }
  return { filename: new URL(`../../${sourcePath}`, import.meta.url).href, execArgv: ["--import", "tsx"] };
}
