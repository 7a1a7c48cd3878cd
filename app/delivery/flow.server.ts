// Shopify Flow triggers, sent through an outbox (decision 30, docs/flow.md). A feature queues an
// event with queueFlowTrigger, in its own transaction if it has one; the job system's flow-triggers
// queue sends it with flowTriggerReceive. An event is queued and sent only while the shop has an
// enabled workflow that uses the trigger (flow-lifecycle.server.ts).
//
// Once: the idempotency key is unique per shop, so asking again (a retried campaign entry, a
// refit run twice) queues nothing; a sent event is recorded as sent the moment Shopify answers, and
// a claimed event is leased for longer than a request can take, so two instances never send it
// together. What stays: flowTriggerReceive takes no idempotency key (unlike the mutations that
// document the @idempotent directive), so when the answer to a sent request is lost (a connection
// reset, a 5xx, a crash before the row is updated), the retry may start the merchant's workflow a
// second time. The app sends again rather than lose the event; a throttled or refused request
// (THROTTLED, other GraphQL errors, userErrors) ran nothing and is simply retried.
import db, { type Db, type Tx } from "../platform/db/client.server";
import { leaseMs, type Job, type Outcome, type Queue } from "../platform/jobs.server";
import { log } from "../platform/log.server";
import { ThrottledError } from "../platform/shopify/admin-client.server";
import { insertRows, type Column } from "../platform/sql/rows.server";
import { adminClientFor } from "../offline-admin.server";
import {
  FLOW_TRIGGERS,
  flowPayloadJson,
  payloadVariable,
  triggerOfHandle,
  type FlowPayload,
  type FlowTrigger,
} from "./flow-triggers";

export const FLOW_TRIGGER_RECEIVE = `#graphql
mutation FlowTriggerReceive($handle: String!, $payload: JSON!) {
  flowTriggerReceive(handle: $handle, payload: $payload) {
    userErrors { field message }
  }
}`;

const FLOW_LEASE_MS = 6 * 60_000;

/** Sent and skipped events are kept this long, so that their idempotency keys keep working. */
export const FLOW_EVENT_RETENTION_DAYS = 90;

export interface FlowTriggerEventInput<T extends FlowTrigger> {
  shopDomain: string;
  trigger: T;
  customerGid: string;
  payload: FlowPayload<T>;
  /** The same key (per shop) never queues a second event, whatever its payload. */
  idempotencyKey: string;
}

/**
 * What became of a queueFlowTrigger call: queued; already queued (or sent) under this key; or not
 * queued because the shop has no enabled workflow using the trigger.
 */
export type QueueResult = "queued" | "duplicate" | "unused";

/**
 * Queues a Flow trigger event for the worker to send, in `client`'s transaction when it is one.
 * Throws FlowPayloadError (before anything is written) for a payload Flow would refuse.
 */
export async function queueFlowTrigger<T extends FlowTrigger>(
  client: Tx | Db,
  event: FlowTriggerEventInput<T>,
): Promise<QueueResult> {
  const { queued, unused } = await queueFlowTriggers(client, [event]);
  return unused ? "unused" : queued ? "queued" : "duplicate";
}

const EVENT_COLUMNS: readonly Column[] = [
  ["shopDomain", "text"],
  ["trigger", "text"],
  ["idempotencyKey", "text"],
  ["customerGid", "text"],
  ["payload", "text"],
];

/** Events per INSERT statement. */
const EVENTS_PER_STATEMENT = 1000;

/**
 * queueFlowTrigger for many events at once (a campaign's entries, a refit's moves): one check of
 * each shop's use of each trigger, and one statement per thousand events. Counts what was queued,
 * what was already queued under its key, and what no workflow of its shop uses.
 */
export async function queueFlowTriggers<T extends FlowTrigger>(
  client: Tx | Db,
  events: readonly FlowTriggerEventInput<T>[],
): Promise<{ queued: number; duplicate: number; unused: number }> {
  if (events.length === 0) return { queued: 0, duplicate: 0, unused: 0 };
  const rows = events.map((event) => [
    event.shopDomain,
    FLOW_TRIGGERS[event.trigger].handle,
    event.idempotencyKey,
    event.customerGid,
    flowPayloadJson(event.trigger, event.customerGid, event.payload),
  ]);
  const pairs = [...new Set(rows.map(([shop, handle]) => `${handle} ${shop}`))].map((pair) => pair.split(" "));
  const used = new Set(
    (
      await client.flowTriggerUse.findMany({
        where: { enabled: true, OR: pairs.map(([trigger, shopDomain]) => ({ shopDomain, trigger })) },
        select: { shopDomain: true, trigger: true },
      })
    ).map((use) => `${use.trigger} ${use.shopDomain}`),
  );
  const wanted = rows.filter(([shop, handle]) => used.has(`${handle} ${shop}`));
  let queued = 0;
  for (let i = 0; i < wanted.length; i += EVENTS_PER_STATEMENT) {
    queued += await insertRows(
      client,
      "FlowTriggerEvent",
      EVENT_COLUMNS,
      wanted.slice(i, i + EVENTS_PER_STATEMENT),
      `ON CONFLICT ("shopDomain", "idempotencyKey") DO NOTHING`,
    );
  }
  return { queued, duplicate: wanted.length - queued, unused: rows.length - wanted.length };
}

/** The flow-triggers queue of the job system (decision 21): waiting events of installed shops. */
export const flowTriggerQueue: Queue = {
  name: "flow-triggers",
  table: "FlowTriggerEvent",
  id: "id",
  shop: "shopDomain",
  lease: "leaseUntil",
  attempts: "attempts",
  lastError: "error",
  ready: () =>
    `"status" = 'waiting' AND EXISTS (SELECT 1 FROM "Shop" WHERE "Shop"."domain" = "FlowTriggerEvent"."shopDomain" AND "Shop"."installState" = 'installed')`,
  shops: "filter",
  maxAttempts: 8,
  batch: 20,
  // Longer than a request to Shopify can take (fetch gives up after 300 s without an answer): no
  // other instance sends the event while one waits; a crashed instance's events wait this long.
  leaseMs: () => Math.max(leaseMs(), FLOW_LEASE_MS),
  run: sendFlowTrigger,
};

/** Sends one waiting event, unless the shop stopped using its trigger since it was queued. */
export async function sendFlowTrigger(job: Job): Promise<Outcome> {
  const event = await db.flowTriggerEvent.findUnique({ where: { id: Number(job.id) } });
  if (!event || event.status !== "waiting") return "done";
  const use = await db.flowTriggerUse.findUnique({
    where: { shopDomain_trigger: { shopDomain: event.shopDomain, trigger: event.trigger } },
    select: { enabled: true },
  });
  if (!use?.enabled || !triggerOfHandle(event.trigger)) {
    await db.flowTriggerEvent.update({ where: { id: event.id }, data: { status: "skipped", leaseUntil: null } });
    return "done";
  }
  let userErrors;
  try {
    const admin = await adminClientFor(event.shopDomain);
    const answer = await admin.request(FLOW_TRIGGER_RECEIVE, { handle: event.trigger, payload: payloadVariable(event.payload) });
    userErrors = answer.data.flowTriggerReceive?.userErrors ?? [];
  } catch (error) {
    // The shop's budget is spent: nothing ran, and waiting for it is no failed attempt.
    if (error instanceof ThrottledError) return { retryAt: error.retryAt };
    throw error;
  }
  if (userErrors.length) throw new Error(`Flow refused the trigger: ${userErrors.map((e) => e.message).join("; ")}`);
  await db.flowTriggerEvent.update({
    where: { id: event.id },
    data: { status: "sent", sentAt: new Date(), leaseUntil: null, error: null },
  });
  log.info("Flow trigger sent", { shop: event.shopDomain, trigger: event.trigger, event: event.id });
  return "done";
}

let lastPruned = 0;

/** Deletes sent and skipped events older than FLOW_EVENT_RETENTION_DAYS (a worker chore, hourly). */
export async function pruneFlowTriggerEvents(now = Date.now()): Promise<number> {
  if (now - lastPruned < 3_600_000) return 0;
  lastPruned = now;
  const { count } = await db.flowTriggerEvent.deleteMany({
    where: { status: { in: ["sent", "skipped"] }, createdAt: { lt: new Date(now - FLOW_EVENT_RETENTION_DAYS * 86_400_000) } },
  });
  return count;
}
