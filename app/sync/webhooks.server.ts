// The webhook pipeline: verify, store, apply, answer. See docs/decisions/0003-webhook-pipeline.md.
//
// 1. The body is read with a size cap by the server that took the request (in production the fast
//    path of server.mjs, app/sync/webhook-endpoint.server.ts; under `shopify app dev` the Remix
//    route), and its HMAC verified over the raw bytes (app/platform/http/webhook-signature.ts): a bad or
//    missing signature gets 401 and nothing is stored. A shop header that is not a
//    myshopify.com domain gets 400, and so do a missing header and a body that is not JSON.
// 2. A shop that never installed the app (no Shop row) gets 200 and nothing is stored.
// 3. The body is validated for its topic and its shop before anything is written: bad input, a
//    body naming another shop, or a GID that another shop holds (a replayed body; the HMAC
//    covers the body only, not the headers) gets 422 and is stored as a rejected event (no effect).
// 4. The event is stored, keyed on X-Shopify-Webhook-Id: a repeated delivery has no second effect.
// 5. Its effect and the event's "processed" mark commit in one transaction. If that fails the event
//    stays stored as failed and Shopify gets a 500, so both Shopify's retry and the app's worker
//    (worker.server.ts) can apply it later; nothing is dropped.
// On PostgreSQL steps 3 (the GID check) to 5 are one call of a database function, one round trip
// Prisma's own connection with statements prepared once (receiveOnConnection). Topics whose effect
// reads as it goes (interactive) take Prisma's path on both.
import type Sqlite from "better-sqlite3";
import db, { pgPoolOf, sqliteOf, type Tx } from "../platform/db/client.server";
import { env, requiredEnv } from "../platform/env.server";
import {
  AFTER_UNINSTALL_TOPICS,
  interpret,
  isSupportedTopic,
  parseBody,
  type Effect,
  type ParsedBody,
  type SqlEffectContext,
  type WrittenGids,
} from "./topics.server";
import { PayloadError } from "./payloads";
import { findShop, type ShopRow } from "./shops.server";
import { insertRowsReturning, type SqlRunner, type Value } from "../platform/sql/rows.server";
import { dialect } from "../platform/sql/dialect.server";
import { log } from "../platform/log.server";
import { isShopDomain } from "../platform/http/shop-domain";
import { isSignedBody, REQUIRED_WEBHOOK_HEADERS, topicKey } from "../platform/http/webhook-signature";
import { nextAttemptAt } from "../platform/jobs.server";

/** Shopify's largest payloads (orders with hundreds of lines) stay far below this. */
export const MAX_WEBHOOK_BYTES = 2 * 1024 * 1024;

/** A delivery's header by its lower-case name, however the server holds them (Request, node's IncomingMessage). */
export type WebhookHeader = (name: string) => string | null | undefined;

/** The answer to a delivery, sent as JSON by whichever server received it. */
export interface WebhookAnswer {
  status: number;
  body: Record<string, unknown>;
}

const answerWith = (status: number, body: Record<string, unknown>): WebhookAnswer => ({ status, body });

/**
 * The checks made before the body is read, so that an unsigned request or one for no shop is
 * refused without reading up to MAX_WEBHOOK_BYTES: the answer, or null to go on.
 */
export function refuseBeforeBody(header: WebhookHeader): WebhookAnswer | null {
  if (!header("x-shopify-hmac-sha256")) return answerWith(401, { error: "missing HMAC signature" });
  // Shopify sends every webhook for the shop's permanent domain, <name>.myshopify.com.
  const shop = header("x-shopify-shop-domain");
  if (!isShopDomain(shop)) {
    log.warn("webhook shop header is not a myshopify.com domain", { shop: (shop ?? "").slice(0, 100) });
    return answerWith(400, { error: "X-Shopify-Shop-Domain is not a myshopify.com domain" });
  }
  return null;
}

/**
 * A POST to /webhooks, its body read (at most MAX_WEBHOOK_BYTES) as raw bytes: the production
 * server's fast path (app/sync/webhook-endpoint.server.ts) and the Remix route both call this.
 */
export async function receiveWebhook(header: WebhookHeader, raw: Uint8Array): Promise<WebhookAnswer> {
  const refused = refuseBeforeBody(header);
  if (refused) return refused;
  const hmac = header("x-shopify-hmac-sha256")!;
  const shop = header("x-shopify-shop-domain")!;
  const topicHeader = header("x-shopify-topic");
  if (raw.byteLength === 0) return answerWith(400, { error: "the body is empty" });
  if (!isSignedBody(raw, hmac, requiredEnv("SHOPIFY_API_SECRET"))) {
    log.warn("webhook refused: invalid HMAC signature", { topic: topicHeader });
    return answerWith(401, { error: "invalid HMAC signature" });
  }
  const missing = REQUIRED_WEBHOOK_HEADERS.filter((name) => !header(name));
  if (missing.length) {
    log.warn("webhook refused: headers missing", { topic: topicHeader, missing });
    return answerWith(400, { error: `missing headers: ${missing.join(", ")}` });
  }
  const topic = topicKey(topicHeader!);
  const webhookId = header("x-shopify-webhook-id")!;
  const apiVersion = header("x-shopify-api-version")!;
  const triggeredAt = parseTime(header("x-shopify-triggered-at"));
  if (!isSupportedTopic(topic)) {
    log.warn("webhook topic not supported", { shop, topic, webhookId });
    return answerWith(400, { error: `unsupported topic ${topic}` });
  }
  const body = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString("utf8");
  let payload: ParsedBody;
  try {
    payload = parseBody(body);
  } catch (error) {
    log.warn("webhook body is not JSON", { shop, topic, webhookId });
    return answerWith(400, { error: (error as Error).message });
  }

  const installed = await findShop(db, shop);
  if (!installed) {
    // Acknowledged so that Shopify stops retrying; a shop exists only once the app was installed.
    log.info("webhook for a shop without the app ignored", { shop, topic, webhookId });
    return answerWith(200, { status: "ignored" });
  }

  let effect: Effect | null = null;
  let rejection: string | null = null;
  try {
    effect = interpret(topic, payload, { domain: shop, shopifyId: installed.shopifyId, currency: installed.currency });
  } catch (error) {
    if (!(error instanceof PayloadError)) throw error;
    rejection = error.message;
  }
  const active = isActive(installed, topic);
  const delivery = { shop, topic, webhookId, apiVersion, triggeredAt, body, rejection };

  const pool = pgPoolOf(db);
  if (pool && !(active && effect && "interactive" in effect)) {
    const result = await receiveInOneCall(pool, delivery, installed, active ? effect : null);
    return answer(delivery, result.outcome, result.error, result.eventId);
  }
  const connection = sqliteOf(db);
  if (connection && !(active && effect && "interactive" in effect)) {
    const statements = await recordEffect(delivery, installed, active ? effect : null, "sqlite");
    const result = receiveOnConnection(connection, delivery, active ? effect : null, statements);
    if (result && "failure" in result) {
      // markFailed logs the failure.
      return answer(delivery, await markFailed(result.eventId, shop, topic, result.failure), null, result.eventId);
    }
    if (result) return answer(delivery, result.outcome, result.error, result.eventId);
  }

  if (effect?.gids && active) {
    const foreign = await gidOfAnotherShop(shop, effect.gids);
    if (foreign) rejection = delivery.rejection = `${foreign} belongs to another shop: the body was not sent for this one`;
  }
  const event = await storeEvent(delivery);
  if (rejection || event.status === "rejected") return answer(delivery, "rejected", rejection ?? event.lastError, event.id);
  if (event.status === "processed" || event.status === "ignored") return answer(delivery, "duplicate", null, event.id);
  const outcome = await applyEvent(event.id, installed, topic, triggeredAt ?? event.receivedAt, effect!);
  return answer(delivery, outcome, null, event.id);
}

type ReceiveOutcome = Outcome | "duplicate" | "rejected";

function answer(delivery: Delivery, outcome: ReceiveOutcome, error: string | null, eventId: number): WebhookAnswer {
  const { shop, topic, webhookId } = delivery;
  switch (outcome) {
    case "rejected":
      log.warn("webhook rejected", { shop, topic, webhookId, error });
      return answerWith(422, { error });
    case "duplicate":
      return answerWith(200, { duplicate: true });
    case "failed":
      // applyEvent logged it already on SQLite.
      if (error !== null) log.error("webhook processing failed", { shop, topic, eventId, error });
      return answerWith(500, { error: "processing failed; the event is stored and will be retried" });
    default:
      return answerWith(200, { status: outcome });
  }
}

interface Delivery {
  shop: string;
  topic: string;
  webhookId: string;
  apiVersion: string;
  triggeredAt: Date | null;
  body: string;
  rejection: string | null;
}

/**
 * PostgreSQL: the GID check, the event and its effect in one call of comeback_receive_webhook
 * (prisma/postgresql/migrations/20261207110000_webhook_one_call), straight on the pg pool: one
 * round trip, and no row lock held while the database waits for this process. The effect's
 * statements are recorded first, as the SQLite path sends them; `effect` is null for a shop whose
 * deliveries are acknowledged and ignored.
 */
async function receiveInOneCall(
  pool: NonNullable<ReturnType<typeof pgPoolOf>>,
  delivery: Delivery,
  shop: ShopRow,
  effect: Effect | null,
): Promise<{ outcome: ReceiveOutcome; error: string | null; eventId: number }> {
  const now = new Date();
  const statements = await recordEffect(delivery, shop, effect, "postgresql", now);
  const { rows } = await pool.query<{ event_id: number; outcome: ReceiveOutcome; error: string | null }>({
    // Named: each connection parses and plans the call once.
    name: "comeback_receive_webhook",
    text: "SELECT event_id, outcome, error FROM comeback_receive_webhook($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    values: [
      delivery.shop,
      delivery.webhookId,
      delivery.topic,
      delivery.apiVersion,
      delivery.triggeredAt?.toISOString() ?? null,
      now.toISOString(),
      delivery.body,
      delivery.rejection,
      effect?.gids && !delivery.rejection ? JSON.stringify(effect.gids) : null,
      JSON.stringify(statements),
      effect ? "processed" : "ignored",
      env.COMEBACK_RETRY_BASE_MS,
    ],
  });
  const [result] = rows;
  return { outcome: result.outcome, error: result.error, eventId: result.event_id };
}

type Statement = [sql: string, ...params: unknown[]];

/** The statements of a delivery's effect, recorded (none for a rejected or ignored delivery). */
async function recordEffect(
  delivery: Delivery,
  shop: ShopRow,
  effect: Effect | null,
  kind: "postgresql" | "sqlite",
  now = new Date(),
): Promise<Statement[]> {
  const statements: Statement[] = [];
  if (effect && !delivery.rejection && "sql" in effect) {
    const context: SqlEffectContext = { shopDomain: shop.domain, shopCurrency: shop.currency, at: delivery.triggeredAt ?? now };
    await effect.sql(recorder(statements, kind), context);
  }
  return statements;
}

/** A SqlRunner that records the statements of an effect instead of running them. */
function recorder(statements: Statement[], kind: "postgresql" | "sqlite"): SqlRunner {
  return {
    $executeRawUnsafe(sql, ...params) {
      // The PostgreSQL function passes two text parameters to each statement (EXECUTE ... USING).
      if (kind === "postgresql" && (params.length > 2 || params.some((value) => typeof value !== "string"))) {
        throw new Error(`a recorded statement takes at most two text parameters: ${sql.slice(0, 80)}`);
      }
      statements.push([sql, ...params]);
      return Promise.resolve(0);
    },
  };
}

/** Whether a delivery for the shop has its effect (else it is acknowledged and ignored). */
function isActive(shop: ShopRow, topic: string): boolean {
  return shop.installState === "installed" || AFTER_UNINSTALL_TOPICS.has(topic);
}

/**
 * The first of `gids` that a shop other than `shopDomain` holds, or null: one query over the
 * gid indexes, on the hot path of every order and customer delivery.
 */
async function gidOfAnotherShop(shopDomain: string, gids: WrittenGids): Promise<string | null> {
  const query = gidQuery(shopDomain, gids);
  if (!query) return null;
  const rows = await db.$queryRawUnsafe<{ gid: string }[]>(...query);
  return rows[0]?.gid ?? null;
}

/** gidOfAnotherShop's query and its parameters; null when the delivery writes no GID. */
function gidQuery(shopDomain: string, gids: WrittenGids): Statement | null {
  const params: string[] = [];
  const next = (value: string) => (params.push(value), dialect.param(params.length));
  const selects = Object.entries(gids)
    .filter(([, list]) => list.length > 0)
    .map(
      ([table, list]) =>
        `SELECT "gid" FROM "${table}" WHERE "gid" IN (${list.map(next).join(", ")}) AND "shopDomain" <> ${next(shopDomain)}`,
    );
  return selects.length ? [`${selects.join(" UNION ALL ")} LIMIT 1`, ...params] : null;
}

const EVENT_COLUMNS = [
  ["shopDomain", "text"],
  ["webhookId", "text"],
  ["topic", "text"],
  ["apiVersion", "text"],
  ["triggeredAt", "time"],
  ["receivedAt", "time"],
  ["status", "text"],
  ["attempts", "int"],
  ["payload", "text"],
  ["lastError", "text"],
] as const;

/** The WebhookEvent row of a delivery, in EVENT_COLUMNS' order. */
function eventRow(delivery: Delivery, receivedAt: Date, status: string): Value[] {
  const { shop, webhookId, topic, apiVersion, triggeredAt, body, rejection } = delivery;
  return [shop, webhookId, topic, apiVersion, triggeredAt, receivedAt, status, 0, body, rejection];
}

/**
 * Stores the delivery unless it was stored before. One INSERT ... ON CONFLICT DO NOTHING; only a
 * repeated delivery costs a second query to read what was stored.
 */
async function storeEvent(delivery: Delivery): Promise<StoredEvent> {
  const receivedAt = new Date();
  const status = delivery.rejection ? "rejected" : "received";
  const inserted = await insertRowsReturning<{ id: number | bigint }>(
    db,
    "WebhookEvent",
    EVENT_COLUMNS,
    [eventRow(delivery, receivedAt, status)],
    `ON CONFLICT ("shopDomain", "webhookId") DO NOTHING RETURNING "id"`,
  );
  if (inserted.length) return { id: Number(inserted[0].id), status, lastError: delivery.rejection, receivedAt };
  return db.webhookEvent.findUniqueOrThrow({
    where: { shopDomain_webhookId: { shopDomain: delivery.shop, webhookId: delivery.webhookId } },
    select: { id: true, status: true, lastError: true, receivedAt: true },
  });
}

interface StoredEvent {
  id: number;
  status: string;
  lastError: string | null;
  receivedAt: Date;
}

export type Outcome = "processed" | "ignored" | "failed";

/**
 * PostgreSQL need not wait for the disk when it commits an effect: the delivery itself was stored
 * with a synchronous commit before this, so if a crash lost the effect's commit the event would
 * still be "received" and the worker would apply it again. One disk flush per delivery, not two.
 */
const ASYNC_COMMIT = dialect.asyncCommit;

/** Applies a stored event's effect exactly once. Also used by the worker to retry. */
export async function applyEvent(eventId: number, shop: ShopRow, topic: string, at: Date, effect: Effect): Promise<Outcome> {
  const shopDomain = shop.domain;
  try {
    // Effects are idempotent, so an event that another instance is applying at this very moment
    // may be applied twice with the same result; its status is not read first.
    const active = isActive(shop, topic);
    const outcome: Outcome = active ? "processed" : "ignored";
    const context = { shopDomain, shopCurrency: shop.currency, eventId, at };
    if (active && "interactive" in effect) {
      await db.$transaction(async (tx: Tx) => {
        if (ASYNC_COMMIT) await tx.$executeRawUnsafe(ASYNC_COMMIT);
        await effect.interactive(tx, context);
        await markApplied(tx, eventId, outcome);
      });
      return outcome;
    }
    const statements: [string, unknown[]][] = ASYNC_COMMIT ? [[ASYNC_COMMIT, []]] : [];
    const recorder: SqlRunner = {
      $executeRawUnsafe: (sql, ...params) => (statements.push([sql, params]), Promise.resolve(0)),
    };
    if (active && "sql" in effect) await effect.sql(recorder, context);
    await markApplied(recorder, eventId, outcome);
    await db.$transaction(statements.map(([sql, params]) => db.$executeRawUnsafe(sql, ...params)));
    return outcome;
  } catch (error) {
    return markFailed(eventId, shopDomain, topic, error);
  }
}

/** A stored event whose effect failed: kept with its error, for Shopify's retry and the worker's. */
async function markFailed(eventId: number, shopDomain: string, topic: string, error: unknown): Promise<"failed"> {
  const message = error instanceof Error ? error.message : String(error);
  log.error("webhook processing failed", { shop: shopDomain, topic, eventId, error: message });
  try {
    const failed = await db.webhookEvent.update({
      where: { id: eventId },
      data: { status: "failed", lastError: message.slice(0, 2000), attempts: { increment: 1 } },
      select: { attempts: true },
    });
    // leaseUntil doubles as the earliest next attempt: the worker backs off exponentially.
    await db.webhookEvent.update({ where: { id: eventId }, data: { leaseUntil: nextAttemptAt(failed.attempts - 1) } });
  } catch (markError) {
    log.error("could not mark webhook failed", { eventId, error: String(markError) });
  }
  return "failed";
}

/** Retries a stored event from its saved body (the worker's path). */
export async function retryEvent(event: {
  id: number;
  shopDomain: string;
  topic: string;
  payload: string | null;
  triggeredAt: Date | null;
  receivedAt: Date;
}) {
  if (event.payload === null) return "processed";
  // Only deliveries for an installed shop are stored, and a shop's row is never deleted.
  const shop = await findShop(db, event.shopDomain);
  let effect: Effect;
  try {
    if (!shop) throw new PayloadError(`shop ${event.shopDomain} is not installed`);
    effect = interpret(event.topic, parseBody(event.payload), {
      domain: shop.domain,
      shopifyId: shop.shopifyId,
      currency: shop.currency,
    });
  } catch (error) {
    await db.webhookEvent.update({ where: { id: event.id }, data: { status: "rejected", lastError: (error as Error).message } });
    return "failed";
  }
  return applyEvent(event.id, shop, event.topic, event.triggeredAt ?? event.receivedAt, effect);
}

/** Raw SQL: this runs for every delivery, and Prisma's query builder costs more than the update. */
function markApplied(tx: SqlRunner, eventId: number, outcome: Outcome) {
  return tx.$executeRawUnsafe(
    `UPDATE "WebhookEvent" SET "status" = ${dialect.param(1)}, "processedAt" = ${dialect.param(2, "time")}, "payload" = NULL,
       "lastError" = NULL, "leaseUntil" = NULL, "attempts" = "attempts" + 1 WHERE "id" = ${dialect.param(3)}`,
    outcome,
    dialect.time(new Date()),
    eventId,
  );
}

function parseTime(text: string | null | undefined): Date | null {
  if (!text) return null;
  const time = new Date(text);
  return Number.isNaN(time.getTime()) ? null : time;
}

/**
 * SQLite: the GID check, the event and its effect straight on Prisma's own connection (sqliteOf),
 * synchronously, with statements prepared once: nothing else runs on the connection meanwhile. Null
 * when a transaction of Prisma's is open on the connection (ours would join it): then the caller
 * takes Prisma's path, which waits for it. `effect` is null for a delivery that is ignored.
 */
function receiveOnConnection(
  connection: Sqlite.Database,
  delivery: Delivery,
  effect: Effect | null,
  statements: Statement[],
): ConnectionResult | null {
  if (connection.inTransaction) return null;
  const run = (sql: string, ...params: unknown[]) => prepared(connection, sql).run(...params.map(sqliteValue));
  const get = <T>(sql: string, ...params: unknown[]) =>
    prepared(connection, sql).get(...params.map(sqliteValue)) as T | undefined;
  // One commit (one disk flush) per delivery: the event, and its effect in a savepoint. An effect
  // that fails is rolled back alone, and the event stays stored for markFailed and the retries.
  return connection.transaction((): ConnectionResult => {
    const check = effect?.gids && !delivery.rejection ? gidQuery(delivery.shop, effect.gids) : null;
    const foreign = check && get<{ gid: string }>(...check);
    if (foreign) delivery.rejection = `${foreign.gid} belongs to another shop: the body was not sent for this one`;

    const status = delivery.rejection ? "rejected" : "received";
    const inserted = run(INSERT_EVENT, ...eventRow(delivery, new Date(), status));
    const stored =
      inserted.changes === 1
        ? { id: inserted.lastInsertRowid, status, lastError: delivery.rejection }
        : get<{ id: bigint; status: string; lastError: string | null }>(
            `SELECT "id", "status", "lastError" FROM "WebhookEvent" WHERE "shopDomain" = ? AND "webhookId" = ?`,
            delivery.shop,
            delivery.webhookId,
          )!;
    const eventId = Number(stored.id);
    if (stored.status === "rejected") return { outcome: "rejected", error: stored.lastError, eventId };
    if (stored.status === "processed" || stored.status === "ignored") return { outcome: "duplicate", error: null, eventId };
    const outcome: Outcome = effect ? "processed" : "ignored";
    const mark: Statement[] = [];
    void markApplied(recorder(mark, "sqlite"), eventId, outcome);
    try {
      connection.transaction(() => {
        for (const [sql, ...params] of [...statements, ...mark]) run(sql, ...params);
      })();
    } catch (failure) {
      return { failure, eventId };
    }
    return { outcome, error: null, eventId };
  })();
}

type ConnectionResult =
  { outcome: ReceiveOutcome; error: string | null; eventId: number } | { failure: unknown; eventId: number };

const INSERT_EVENT = `INSERT INTO "WebhookEvent" (${EVENT_COLUMNS.map(([name]) => `"${name}"`).join(", ")})
  VALUES (${EVENT_COLUMNS.map(() => "?").join(", ")}) ON CONFLICT ("shopDomain", "webhookId") DO NOTHING`;

/** A parameter as Prisma's SQLite adapter binds it: times as its ISO text, booleans as 0 or 1. */
function sqliteValue(value: unknown): unknown {
  if (value instanceof Date) return dialect.time(value);
  return typeof value === "boolean" ? Number(value) : value;
}

const statementsOf = new WeakMap<Sqlite.Database, Map<string, Sqlite.Statement<unknown[]>>>();
/** The effects' SQL is a few dozen texts; the GID check's varies with the number of refunds. */
const MAX_PREPARED = 500;

/** The connection's prepared statement for `sql`, prepared once. */
function prepared(connection: Sqlite.Database, sql: string): Sqlite.Statement<unknown[]> {
  let statements = statementsOf.get(connection);
  if (!statements) statementsOf.set(connection, (statements = new Map()));
  let statement = statements.get(sql);
  if (!statement) {
    statement = connection.prepare<unknown[]>(sql);
    if (statements.size < MAX_PREPARED) statements.set(sql, statement);
  }
  return statement;
}
