// The one job system of the app (docs/decisions/0021-one-job-system.md). Background work lives in
// the tables it is about (a LoyaltyTask row, a failed WebhookEvent, a HistoryImport); a Queue names
// which columns of its table hold the lease, the attempts and the last error, and this module claims
// rows of any such table the same way:
// - fairly: the shops with work are taken in turn (round robin from where this instance last
//   stopped), and each gets an equal share of a claim, so a shop with 100,000 tasks waiting delays
//   another shop's five by one claim at most;
// - once: PostgreSQL claims with FOR UPDATE SKIP LOCKED, so instances never wait on or take each
//   other's rows; SQLite claims in one UPDATE, which holds its single write lock;
// - with a lease: a claimed row is the instance's until its lease runs out, so the work of a killed
//   instance is taken up again (kill -9 included), never lost;
// - with retries: a failed job waits COMEBACK_RETRY_BASE_MS · 2^attempts (at most an hour), and after
//   its queue's maxAttempts it is dead: never claimed again, kept with its last error to be shown.
// A pool of COMEBACK_WORKER_CONCURRENCY slots per instance runs the queues in turn.
// This module imports no domain: the domains define their queues, the worker runs them (app/worker/worker.server.ts).
import db from "./db/client.server";
import { env } from "./env.server";
import { log } from "./log.server";
import { dialect } from "./sql/dialect.server";

export interface Queue {
  /** For logs and the pool's counters. */
  name: string;
  table: string;
  /** The row's key (an integer or text column). */
  id: string;
  shop: string;
  /** When the holder's lease (or a failed job's retry delay) runs out; NULL: nobody holds the row. */
  lease: string;
  attempts: string;
  lastError: string;
  /** Besides a free lease, what makes a row work; `bind` turns a value into a placeholder. */
  ready?: (bind: (value: unknown) => string) => string;
  /**
   * How the shops with work are found. "outbox": every row is work (LoyaltyTask), and the shops
   * are skipped through in an index on (shop, id), one probe per shop however many rows it has;
   * "filter": work is a few rows among many (failed deliveries), found through the index on the
   * ready condition.
   */
  shops: "outbox" | "filter";
  maxAttempts: number;
  /** Jobs claimed at a time by one slot. */
  batch: number;
  leaseMs: () => number;
  run(job: Job): Promise<Outcome>;
  /**
   * Runs one shop's jobs of a claim together, when they share work (one read of the shop's
   * settings, one transaction): the outcome is every job's. If it throws, each job runs alone
   * with `run`, so that a bad job fails by itself.
   */
  runMany?(jobs: Job[]): Promise<Outcome>;
  /**
   * runMany takes a claim's jobs of all its shops at once (one transaction for the lot): with many
   * shops a claim holds one or two jobs of each, and shop by shop would mean a transaction per job.
   * If it throws, each shop's jobs run with runMany, then one by one.
   */
  acrossShops?: boolean;
  /** Called once when a job has failed its last attempt. */
  dead?(job: Job, error: string): Promise<void>;
}

export interface Job {
  id: string | number;
  shopDomain: string;
  /** Failed attempts before this one. */
  attempts: number;
}

/**
 * What became of a job that did not throw: "done" (the handler recorded it: deleted the row,
 * cleared its lease), "slice" (a share of a long job is done: the instance keeps it and runs it
 * again after the other work waiting has had its turn), or a time to look at it again without
 * counting an attempt (a throttled shop).
 */
export type Outcome = "done" | "slice" | { retryAt: Date };

/** How long a claimed job stays with the instance that claimed it (COMEBACK_LEASE_MS). */
export function leaseMs(): number {
  return env.COMEBACK_LEASE_MS;
}

/**
 * The lease of jobs done in one short transaction (loyalty tasks, webhook retries): at most 30 s,
 * so that the jobs of an instance killed mid-batch are taken over after seconds, not minutes. Doing
 * one twice is harmless: their effects are idempotent.
 */
export function shortLeaseMs(): number {
  return Math.min(env.COMEBACK_LEASE_MS, 30_000);
}

function parameters() {
  const values: unknown[] = [];
  const bind = (value: unknown) => {
    values.push(value instanceof Date ? dialect.time(value) : value);
    return dialect.param(values.length);
  };
  return { values, bind };
}

const quote = (name: string) => `"${name}"`;

/** A row that is work and nobody holds. */
function claimableWhere(queue: Queue, now: Date, bind: (value: unknown) => string): string {
  const lease = quote(queue.lease);
  const conditions = [`(${lease} IS NULL OR ${lease} < ${bind(now)})`, `${quote(queue.attempts)} < ${bind(queue.maxAttempts)}`];
  if (queue.ready) conditions.push(`(${queue.ready(bind)})`);
  return conditions.join(" AND ");
}

/** Per instance and queue: the shop the last claim ended with; the next one starts after it. */
const cursors = new Map<string, string>();

/** Up to `limit` shops with claimable work, in order after `after`. */
async function shopsWithWork(queue: Queue, now: Date, after: string, limit: number): Promise<string[]> {
  const { values, bind } = parameters();
  const shop = quote(queue.shop);
  const table = quote(queue.table);
  let sql: string;
  if (queue.shops === "outbox") {
    // A loose index scan: each step is one probe of the (shop, id) index for the next shop.
    const next = (previous: string) =>
      `(SELECT ${shop} FROM ${table} WHERE ${shop} > ${previous} AND ${claimableWhere(queue, now, bind)} ORDER BY ${shop} LIMIT 1)`;
    const first = next(bind(after));
    const step = next("s.shop");
    sql = `WITH RECURSIVE s(shop, n) AS (SELECT ${first}, 1 UNION ALL SELECT ${step}, n + 1 FROM s WHERE s.shop IS NOT NULL AND n < ${bind(limit)})
      SELECT shop FROM s WHERE shop IS NOT NULL`;
  } else {
    sql = `SELECT DISTINCT ${shop} AS shop FROM ${table} WHERE ${shop} > ${bind(after)} AND ${claimableWhere(queue, now, bind)}
      ORDER BY shop LIMIT ${bind(limit)}`;
  }
  const rows = await db.$queryRawUnsafe<{ shop: string }[]>(sql, ...values);
  return rows.map((row) => row.shop);
}

/**
 * Claims up to `limit` jobs, an equal share for each shop with work, the shops taken in turn.
 * The jobs are this instance's until `queue.leaseMs()` from now.
 */
export async function claimJobs(queue: Queue, limit = queue.batch, now = new Date()): Promise<Job[]> {
  const after = cursors.get(queue.name) ?? "";
  let shops = await shopsWithWork(queue, now, after, limit);
  if (shops.length < limit && after !== "") {
    // Round the corner: the shops before the cursor come after the ones past it.
    const wrapped = await shopsWithWork(queue, now, "", limit - shops.length);
    shops = [...shops, ...wrapped.filter((shop) => !shops.includes(shop))];
  }
  if (shops.length === 0) {
    cursors.delete(queue.name);
    return [];
  }
  cursors.set(queue.name, shops.at(-1)!);
  const share = Math.ceil(limit / shops.length);
  const { values, bind } = parameters();
  const id = quote(queue.id);
  const table = quote(queue.table);
  const leaseUntil = bind(new Date(now.getTime() + queue.leaseMs()));
  const perShop = shops.map(
    (shop) =>
      `SELECT ${id} FROM (SELECT ${id} FROM ${table} WHERE ${quote(queue.shop)} = ${bind(shop)} AND ${claimableWhere(queue, now, bind)}
        ORDER BY ${id} LIMIT ${bind(share)} ${dialect.claimRows}) AS p`,
  );
  const sql = `UPDATE ${table} SET ${quote(queue.lease)} = ${leaseUntil} WHERE ${id} IN (${perShop.join(" UNION ALL ")})
    RETURNING ${id} AS id, ${quote(queue.shop)} AS "shopDomain", ${quote(queue.attempts)} AS attempts`;
  const jobs = await db.$queryRawUnsafe<Job[]>(sql, ...values);
  // Fair within the claim too: the shops' jobs alternate.
  return interleaveByShop(jobs.map((job) => ({ ...job, attempts: Number(job.attempts) })));
}

function groupByShop(jobs: Job[]): Map<string, Job[]> {
  const byShop = new Map<string, Job[]>();
  for (const job of jobs) {
    const group = byShop.get(job.shopDomain);
    if (group) group.push(job);
    else byShop.set(job.shopDomain, [job]);
  }
  return byShop;
}

function interleaveByShop(jobs: Job[]): Job[] {
  const queues = [...groupByShop(jobs).values()];
  const order: Job[] = [];
  for (let round = 0; order.length < jobs.length; round++) {
    for (const list of queues) if (round < list.length) order.push(list[round]);
  }
  return order;
}

/** COMEBACK_RETRY_BASE_MS, doubled per failed attempt before, at most an hour. */
export function nextAttemptAt(previousAttempts: number, now = Date.now()): Date {
  return new Date(now + Math.min(env.COMEBACK_RETRY_BASE_MS * 2 ** previousAttempts, 3_600_000));
}

/** Records a failed attempt: the job waits out its backoff, or is dead after its last attempt. */
export async function failJob(queue: Queue, job: Job, error: unknown): Promise<{ dead: boolean }> {
  const message = (error instanceof Error ? error.message : String(error)).slice(0, 2000);
  const attempts = job.attempts + 1;
  const dead = attempts >= queue.maxAttempts;
  const { values, bind } = parameters();
  await db.$executeRawUnsafe(
    `UPDATE ${quote(queue.table)} SET ${quote(queue.attempts)} = ${bind(attempts)}, ${quote(queue.lastError)} = ${bind(message)},
      ${quote(queue.lease)} = ${bind(dead ? null : nextAttemptAt(job.attempts))} WHERE ${quote(queue.id)} = ${bind(job.id)}`,
    ...values,
  );
  log[dead ? "error" : "warn"](dead ? "job dead" : "job failed", {
    queue: queue.name,
    shop: job.shopDomain,
    id: job.id,
    attempts,
    error: message,
  });
  if (dead) await queue.dead?.(job, message);
  return { dead };
}

/** Sets the job's lease: to hold it longer, to let it go (null), or to look at it again later. */
export async function setLease(queue: Queue, job: Job, until: Date | null): Promise<void> {
  const { values, bind } = parameters();
  await db.$executeRawUnsafe(
    `UPDATE ${quote(queue.table)} SET ${quote(queue.lease)} = ${bind(until)} WHERE ${quote(queue.id)} = ${bind(job.id)}`,
    ...values,
  );
}

/**
 * For the `ON CONFLICT … DO UPDATE SET` of an insert that requests a job again: a dead job gets
 * its attempts back (and, its lease being NULL, is claimable at once), so a new request for the
 * same work is done rather than stuck behind the old failure; a job still retrying keeps its backoff.
 */
export function reviveOnRequest(queue: Queue): string {
  const attempts = `${quote(queue.table)}.${quote(queue.attempts)}`;
  return `${quote(queue.attempts)} = CASE WHEN ${attempts} >= ${Number(queue.maxAttempts)} THEN 0 ELSE ${attempts} END`;
}

export interface DeadJob {
  id: string;
  attempts: number;
  lastError: string | null;
}

/** A shop's dead jobs of a queue, for the Sync page. */
export async function deadJobs(queue: Queue, shopDomain: string, limit = 20): Promise<{ total: number; rows: DeadJob[] }> {
  const { values, bind } = parameters();
  // Bound in the order they appear (SQLite's placeholders are positional). The ready condition
  // too: queues sharing a table (loyalty tasks, reviews, metafield writes) show their own.
  let where = `${quote(queue.shop)} = ${bind(shopDomain)} AND ${quote(queue.attempts)} >= ${bind(queue.maxAttempts)}`;
  if (queue.ready) where += ` AND (${queue.ready(bind)})`;
  const [{ total }] = await db.$queryRawUnsafe<{ total: number | bigint }[]>(
    `SELECT COUNT(*) AS total FROM ${quote(queue.table)} WHERE ${where}`,
    ...values,
  );
  const rows = await db.$queryRawUnsafe<{ id: string | number; attempts: number; lastError: string | null }[]>(
    `SELECT ${quote(queue.id)} AS id, ${quote(queue.attempts)} AS attempts, ${quote(queue.lastError)} AS "lastError"
      FROM ${quote(queue.table)} WHERE ${where} ORDER BY ${quote(queue.id)} LIMIT ${limit}`,
    ...values,
  );
  return {
    total: Number(total),
    rows: rows.map((row) => ({ id: String(row.id), attempts: Number(row.attempts), lastError: row.lastError })),
  };
}

/**
 * Jobs with runMany (a claim's jobs of every shop for an acrossShops queue, else one shop's);
 * if it throws (or there is none), shop by shop, then one by one.
 */
async function runGroup(queue: Queue, jobs: Job[]): Promise<(Outcome | "failed")[]> {
  const shops = groupByShop(jobs);
  if (queue.runMany && jobs.length > 1) {
    try {
      const outcome = await queue.runMany(jobs);
      if (typeof outcome === "object") for (const job of jobs) await setLease(queue, job, outcome.retryAt);
      return jobs.map(() => outcome);
    } catch (error) {
      log.warn("jobs run together failed; running them apart", { queue: queue.name, error: String(error) });
    }
    if (shops.size > 1) {
      const outcomes = new Map<Job, Outcome | "failed">();
      for (const group of shops.values()) {
        const results = await runGroup(queue, group);
        group.forEach((job, i) => outcomes.set(job, results[i]));
      }
      return jobs.map((job) => outcomes.get(job)!);
    }
  }
  const outcomes: (Outcome | "failed")[] = [];
  for (const job of jobs) outcomes.push(await runJob(queue, job));
  return outcomes;
}

/** Runs one claimed job to its outcome; a throw counts as a failed attempt. */
async function runJob(queue: Queue, job: Job): Promise<Outcome | "failed"> {
  try {
    const outcome = await queue.run(job);
    if (typeof outcome === "object") await setLease(queue, job, outcome.retryAt);
    return outcome;
  } catch (error) {
    await failJob(queue, job, error);
    return "failed";
  }
}

export interface PoolOptions {
  queues: Queue[];
  /** Slots: jobs this instance runs at once. */
  concurrency: number;
  /** How long an idle slot waits before looking for work again. */
  idleMs: number;
  /** Called between turns, at most every `choresMs`, by one slot at a time (periodic work). */
  chores?: () => Promise<void>;
  choresMs?: number;
}

export interface Pool {
  /** Jobs finished (any outcome) per queue since the start. */
  counts: Map<string, number>;
  stop(): Promise<void>;
}

/**
 * COMEBACK_WORKER_CONCURRENCY slots, each taking the queues in turn: claim a batch, run it, next
 * queue. Slices of long jobs kept by this instance wait in `held` and go before new claims of
 * their queue, after the other queues' turn; their lease is renewed each time.
 */
export function startPool({ queues, concurrency, idleMs, chores, choresMs = idleMs }: PoolOptions): Pool {
  const counts = new Map(queues.map((queue) => [queue.name, 0]));
  const held = new Map<string, Job[]>(queues.map((queue) => [queue.name, []]));
  let stopped = false;
  let next = 0;
  let choresDue = 0;
  let choresRunning = false;
  let wake: (() => void)[] = [];

  const sleep = (ms: number) =>
    new Promise<void>((resume) => {
      // Like the HTTP server's idle sockets, an idle worker does not keep the process alive.
      const timer = setTimeout(done, ms).unref();
      function done() {
        clearTimeout(timer);
        wake = wake.filter((w) => w !== done);
        resume();
      }
      wake.push(done);
    });

  async function runChores() {
    if (!chores || choresRunning || Date.now() < choresDue) return;
    choresRunning = true;
    choresDue = Date.now() + choresMs;
    try {
      await chores();
    } catch (error) {
      log.error("worker chores failed", { error: String(error) });
    } finally {
      choresRunning = false;
    }
  }

  async function turn(queue: Queue): Promise<number> {
    const mine = held.get(queue.name)!.splice(0);
    for (const job of mine) await setLease(queue, job, new Date(Date.now() + queue.leaseMs()));
    const claimed = mine.length >= queue.batch ? [] : await claimJobs(queue, queue.batch - mine.length);
    const jobs = [...mine, ...claimed];
    const groups = !queue.runMany
      ? jobs.map((job) => [job])
      : queue.acrossShops
        ? [jobs].filter((all) => all.length > 0)
        : [...groupByShop(jobs).values()];
    for (const group of groups) {
      if (stopped) {
        for (const job of group) await setLease(queue, job, null);
        continue;
      }
      const outcomes = await runGroup(queue, group);
      group.forEach((job, i) => outcomes[i] === "slice" && held.get(queue.name)!.push(job));
      counts.set(queue.name, counts.get(queue.name)! + group.length);
    }
    return jobs.length;
  }

  async function slot() {
    let idleTurns = 0;
    while (!stopped) {
      await runChores();
      const queue = queues[next++ % queues.length];
      let ran = 0;
      try {
        ran = await turn(queue);
      } catch (error) {
        log.error("job claim failed", { queue: queue.name, error: String(error) });
      }
      idleTurns = ran > 0 ? 0 : idleTurns + 1;
      // Every queue came up empty in a row: wait before asking the database again.
      if (idleTurns >= queues.length && !stopped) {
        idleTurns = 0;
        await sleep(idleMs);
      }
    }
  }

  const slots = Array.from({ length: concurrency }, () => slot());
  return {
    counts,
    async stop() {
      stopped = true;
      for (const resume of wake) resume();
      await Promise.all(slots);
      // Slices kept for this instance go back to any instance at once, not after their lease.
      for (const queue of queues) for (const job of held.get(queue.name)!.splice(0)) await setLease(queue, job, null);
    },
  };
}
