// Customer signals (decision 30): after each refit of a shop's purchase models, every customer's
// churn-risk band, predicted value, RFM segment and next expected order are compared with the last
// evaluation (refreshStaleSignals, a worker chore). A band that moved to high (from low or medium)
// queues the "churn risk became high" Flow trigger, once per move; a customer whose values changed,
// or whose current offer the campaign engine changed (setCurrentOffer), is marked `needsWrite`.
// Marked rows are jobs of the job system (customerSignalQueue, decision 21): written to the customer
// metafields (customer-metafields.ts) in batches of metafieldsSet, a shop's at a time, within the
// shop's query budget (sharing the loyalty metafields' pause), retried with backoff and, when they
// fail for good, shown on the Sync page.
import db, { type Db, type Tx } from "../platform/db/client.server";
import { leaseMs, reviveOnRequest, type Job, type Outcome, type Queue } from "../platform/jobs.server";
import { log } from "../platform/log.server";
import { ThrottledError, type AdminClient, type ThrottleStatus } from "../platform/shopify/admin-client.server";
import type { MetafieldOwnerType } from "../platform/shopify/generated/admin.types";
import { insertRows, type Column, type Value } from "../platform/sql/rows.server";
import { adminClientFor } from "../offline-admin.server";
import { METAFIELDS_DELETE, METAFIELDS_PER_CALL, METAFIELDS_SET } from "../loyalty/metafields";
import { isPaused, pausedUntil, pauseFor } from "../loyalty/metafields.server";
import type { CustomerMetricsRow } from "../metrics/csv";
import { withCustomerMetricsSlices, withModelsLease } from "../metrics/metrics.server";
import {
  checkOffer,
  metafieldChanges,
  offerValues,
  parseOffer,
  parseValues,
  predictionValues,
  SIGNAL_DEFINITIONS,
  SIGNAL_DEFINITIONS_VERSION,
  SIGNAL_NAMESPACE,
  typeOf,
  valuesJson,
  type CurrentOffer,
  type SignalKey,
  type SignalValues,
} from "./customer-metafields";
import { queueFlowTriggers, type FlowTriggerEventInput } from "./flow.server";
import { usesTrigger } from "./flow-lifecycle.server";

/** A customer Flow can reference (a numeric id); anything else is left out of the trigger. */
const FLOW_CUSTOMER = /^gid:\/\/shopify\/Customer\/\d+$/;

/** Rows written per statement when a shop's signals are refreshed. */
const ROWS_PER_STATEMENT = 2000;

const SIGNAL_COLUMNS: readonly Column[] = [
  ["shopDomain", "text"],
  ["customerGid", "text"],
  ["churnBand", "text"],
  ["metafields", "text"],
  ["needsWrite", "bool"],
  ["updatedAt", "time"],
];

export interface SignalRefresh {
  customers: number;
  /** Customers whose metafield values or band changed. */
  changed: number;
  /** Customers whose band moved to high (a trigger queued when the shop uses it). */
  becameHigh: number;
}

/** Compares the shop's current predictions with the last evaluation (applySignals). */
export async function refreshCustomerSignals(shopDomain: string): Promise<SignalRefresh> {
  const fit = await db.purchaseModelFit.findUnique({ where: { shopDomain }, select: { fittedAt: true } });
  // Heavy work, a slice of customers at a time: each is compared with its stored values.
  return withCustomerMetricsSlices(shopDomain, (shop, slices) =>
    applySignals(shopDomain, slices, shop.currency, fit?.fittedAt ?? null),
  );
}

/**
 * Queues "churn risk became high" for each customer whose band moved to high since the last
 * evaluation, then stores the bands and metafield values of `rows` (the predictions of the fit of
 * `fittedAt`), given whole or a slice at a time. The first evaluation of a customer only sets the
 * baseline: nothing "became" high. The trigger's key names the fit, and it is queued before the
 * band is stored, so a crash in between, or a second evaluation of the same fit, queues nothing
 * twice; the shop counts as evaluated only after its last slice.
 */
export async function applySignals(
  shopDomain: string,
  rows: CustomerMetricsRow[] | AsyncIterable<CustomerMetricsRow[]>,
  currency: string,
  fittedAt: Date | null,
): Promise<SignalRefresh> {
  const notify = await usesTrigger(shopDomain, "churnRiskHigh");
  const now = new Date();
  const refresh: SignalRefresh = { customers: 0, changed: 0, becameHigh: 0 };
  for await (const slice of Array.isArray(rows) ? [rows] : rows) {
    const { changed, becameHigh } = await applySignalSlice(shopDomain, slice, currency, fittedAt, notify, now);
    refresh.customers += slice.length;
    refresh.changed += changed;
    refresh.becameHigh += becameHigh;
  }
  await db.shopSegmentation.upsert({
    where: { shopDomain },
    create: { shopDomain, signalsFittedAt: fittedAt },
    update: { signalsFittedAt: fittedAt },
  });
  log.info("customer signals refreshed", { shop: shopDomain, ...refresh });
  return refresh;
}

async function applySignalSlice(
  shopDomain: string,
  rows: CustomerMetricsRow[],
  currency: string,
  fittedAt: Date | null,
  notify: boolean,
  now: Date,
): Promise<{ changed: number; becameHigh: number }> {
  const previous = new Map(
    (
      await db.customerSignal.findMany({
        where: { shopDomain, customerGid: { in: rows.map((row) => row.gid) } },
        select: { customerGid: true, churnBand: true, metafields: true },
      })
    ).map((row) => [row.customerGid, row]),
  );
  const changes: Value[][] = [];
  const moves: FlowTriggerEventInput<"churnRiskHigh">[] = [];
  let becameHigh = 0;
  for (const row of rows) {
    if (!row.gid.startsWith("gid://shopify/Customer/")) continue;
    const before = previous.get(row.gid);
    const values = predictionValues(row, currency);
    const metafields = valuesJson(values);
    // Unstable predictions (no band) keep the last band: a later "high" is measured against it.
    const band = row.churnRisk ?? before?.churnBand ?? null;
    if (before?.churnBand && before.churnBand !== "high" && band === "high") {
      becameHigh++;
      if (notify && FLOW_CUSTOMER.test(row.gid)) {
        moves.push({
          shopDomain,
          trigger: "churnRiskHigh",
          customerGid: row.gid,
          idempotencyKey: `churn-risk-high:${row.gid}:${fittedAt?.toISOString() ?? "unfitted"}`,
          payload: {
            probabilityAlive: Math.round((row.pAlive ?? 0) * 1000) / 1000,
            predictedClv: Number(values.predicted_clv ?? 0),
            nextOrderDue: row.nextOrderDue ?? "",
          },
        });
      }
    }
    if (!before || before.churnBand !== band || before.metafields !== metafields)
      changes.push([shopDomain, row.gid, band, metafields, true, now]);
  }
  // Queued before the bands are stored: see above.
  await queueFlowTriggers(db, moves);
  for (let i = 0; i < changes.length; i += ROWS_PER_STATEMENT) {
    await insertRows(
      db,
      "CustomerSignal",
      SIGNAL_COLUMNS,
      changes.slice(i, i + ROWS_PER_STATEMENT),
      `ON CONFLICT ("shopDomain", "customerGid") DO UPDATE SET "churnBand" = excluded."churnBand",
        "metafields" = excluded."metafields", "needsWrite" = excluded."needsWrite", "updatedAt" = excluded."updatedAt",
        ${reviveOnRequest(customerSignalQueue)}`,
    );
  }
  return { changed: changes.length, becameHigh };
}

/** The worker's part: shops whose purchase models were refitted since their signals were evaluated. */
export async function refreshStaleSignals(): Promise<number> {
  // A few shops a tick: each reads its facts and writes a row per changed customer.
  const stale = await db.$queryRawUnsafe<{ shopDomain: string }[]>(
    `SELECT f."shopDomain" AS "shopDomain" FROM "PurchaseModelFit" f
     JOIN "Shop" s ON s."domain" = f."shopDomain" AND s."installState" = 'installed'
     LEFT JOIN "ShopSegmentation" g ON g."shopDomain" = f."shopDomain"
     WHERE g."signalsFittedAt" IS NULL OR g."signalsFittedAt" < f."fittedAt"
     ORDER BY f."fittedAt" LIMIT 3`,
  );
  for (const { shopDomain } of stale) {
    try {
      await withModelsLease(shopDomain, async () => {
        // Another instance may have evaluated this fit since the query above.
        const [fit, state] = await Promise.all([
          db.purchaseModelFit.findUnique({ where: { shopDomain }, select: { fittedAt: true } }),
          db.shopSegmentation.findUnique({ where: { shopDomain }, select: { signalsFittedAt: true } }),
        ]);
        if (fit && state?.signalsFittedAt && state.signalsFittedAt >= fit.fittedAt) return;
        await refreshCustomerSignals(shopDomain);
      });
    } catch (error) {
      log.error("customer signals failed", { shop: shopDomain, error: String(error) });
      // Tried again at the shop's next refit, so that a shop that fails keeps no other waiting.
      const fit = await db.purchaseModelFit.findUnique({ where: { shopDomain }, select: { fittedAt: true } });
      await db.shopSegmentation.upsert({
        where: { shopDomain },
        create: { shopDomain, signalsFittedAt: fit?.fittedAt ?? new Date() },
        update: { signalsFittedAt: fit?.fittedAt ?? new Date() },
      });
    }
  }
  return stale.length;
}

/**
 * Sets (or, with null, clears) the customer's current offer, written to the current_offer
 * metafields with the next batch. For customers who get an offer only: a control customer's
 * metafields must show nothing.
 */
export async function setCurrentOffer(
  shopDomain: string,
  customerGid: string,
  offer: CurrentOffer | null,
  client: Tx | Db = db,
): Promise<void> {
  checkOffer(offer);
  const json = offer && JSON.stringify({ campaignKey: offer.campaignKey, expiresOn: offer.expiresOn });
  await client.customerSignal.upsert({
    where: { shopDomain_customerGid: { shopDomain, customerGid } },
    create: { shopDomain, customerGid, offer: json, needsWrite: true },
    update: { offer: json, needsWrite: true },
  });
  // New values for a write that was given up: its job gets its attempts back (one still retrying keeps its backoff).
  await client.customerSignal.updateMany({
    where: { shopDomain, customerGid, attempts: { gte: MAX_ATTEMPTS } },
    data: { attempts: 0 },
  });
}

export const SIGNAL_DEFINITION_CREATE = `#graphql
mutation SignalDefinitionCreate($definition: MetafieldDefinitionInput!) {
  metafieldDefinitionCreate(definition: $definition) {
    createdDefinition { id }
    userErrors { field message code }
  }
}`;

/** The definition input Shopify gets for one signal metafield. */
export function definitionInput(definition: (typeof SIGNAL_DEFINITIONS)[number]) {
  return {
    ownerType: "CUSTOMER" as MetafieldOwnerType,
    namespace: SIGNAL_NAMESPACE,
    key: definition.key,
    type: definition.type,
    name: definition.name,
    description: definition.description,
    ...(definition.validations && { validations: definition.validations }),
  };
}

/**
 * Creates the signal metafield definitions in the shop, once per SIGNAL_DEFINITIONS_VERSION: a
 * definition that exists already (TAKEN) counts as created, so this is safe to repeat.
 */
export async function ensureSignalDefinitions(shopDomain: string, admin?: AdminClient): Promise<void> {
  const state = await db.shopSegmentation.findUnique({ where: { shopDomain }, select: { definitionsVersion: true } });
  if ((state?.definitionsVersion ?? 0) >= SIGNAL_DEFINITIONS_VERSION) return;
  const client = admin ?? (await adminClientFor(shopDomain));
  for (const definition of SIGNAL_DEFINITIONS) {
    const { data } = await client.request(SIGNAL_DEFINITION_CREATE, { definition: definitionInput(definition) });
    const errors = (data.metafieldDefinitionCreate?.userErrors ?? []).filter((error) => error.code !== "TAKEN");
    if (errors.length)
      throw new Error(`Shopify refused the ${definition.key} definition: ${errors.map((e) => e.message).join("; ")}`);
  }
  await db.shopSegmentation.upsert({
    where: { shopDomain },
    create: { shopDomain, definitionsVersion: SIGNAL_DEFINITIONS_VERSION },
    update: { definitionsVersion: SIGNAL_DEFINITIONS_VERSION },
  });
}

/** Failed attempts after which a customer's write is dead: kept with its error for the Sync page. */
const MAX_ATTEMPTS = 12;

/** How often the writes of a shop that is not installed are looked at again. */
const UNINSTALLED_RETRY_MS = 60 * 60_000;

/** Cost points kept in reserve for the app's other calls, as for the loyalty metafields. */
const RESERVE = 200;

/**
 * The metafield writes on the job system (decision 21): each customer's signal row whose values
 * Shopify does not have yet (`needsWrite`) is a job, claimed fairly across shops and run a shop's
 * batch at a time (metafieldsSet calls of up to 25 metafields, a customer's together). A throttled
 * (or paused) shop's jobs wait until its budget has restored, without counting an attempt; an
 * uninstalled shop's are looked at again hourly; a failed write or a refusal (userErrors) is
 * retried with backoff and, after MAX_ATTEMPTS, shown on the Sync page. New values give a dead
 * row its attempts back (applySignals, setCurrentOffer).
 */
export const customerSignalQueue: Queue = {
  name: "customer-signals",
  table: "CustomerSignal",
  id: "id",
  shop: "shopDomain",
  lease: "leaseUntil",
  attempts: "attempts",
  lastError: "lastError",
  // Found through the index on ("needsWrite", "shopDomain", "id"): rows written already are not read.
  ready: () => `"needsWrite" = true`,
  shops: "outbox",
  maxAttempts: MAX_ATTEMPTS,
  // About ten metafieldsSet calls of one shop per run.
  batch: 60,
  acrossShops: false,
  leaseMs,
  run: (job) => writeCustomerSignals([job]),
  runMany: writeCustomerSignals,
};

/**
 * Writes the claimed customers' metafields (one shop's jobs). Rows written already, or gone, are
 * done. A crash between Shopify's answer and the update below leaves the row as it was: its next
 * run sends the same values again, which changes nothing in Shopify.
 */
async function writeCustomerSignals(jobs: Job[], now = Date.now()): Promise<Outcome> {
  const shopDomain = jobs[0].shopDomain;
  if (isPaused(shopDomain, now)) return { retryAt: new Date(pausedUntil(shopDomain)) };
  // Checked here, not in the claim (a lookup per row probed): the values are written if it comes back.
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, select: { installState: true } });
  if (shop?.installState !== "installed") return putOff(shopDomain, new Date(now + UNINSTALLED_RETRY_MS), now);
  const ids = jobs.map((job) => Number(job.id));
  const rows = await db.customerSignal.findMany({ where: { id: { in: ids }, needsWrite: true }, orderBy: { id: "asc" } });
  let outcome: { retryAt?: Date } = {};
  if (rows.length) {
    const admin = await adminClientFor(shopDomain).catch((error) => {
      if (!NO_SESSION.test(String(error))) throw error;
      return null;
    });
    // No access token (as if uninstalled): no customer's write can succeed, so none counts an attempt.
    if (!admin) return putOff(shopDomain, new Date(now + UNINSTALLED_RETRY_MS), now);
    outcome = await writeShopSignals(shopDomain, admin, rows, now);
  }
  // Done too: the jobs with nothing left to do (written by an instance whose lease ran out, or
  // erased); the rows written were finished as they were marked (writeShopSignals).
  const loaded = new Set(rows.map((row) => row.id));
  const idle = ids.filter((id) => !loaded.has(id));
  if (idle.length)
    await db.customerSignal.updateMany({ where: { id: { in: idle } }, data: { leaseUntil: null, attempts: 0, lastError: null } });
  // The rest wait, with their jobs, until the shop's budget has restored.
  return outcome.retryAt ? { retryAt: outcome.retryAt } : "done";
}

/** What shopify-app-remix and adminClient answer for a shop without an offline session or token. */
const NO_SESSION = /no offline session|Could not find a session|no access token/i;

/**
 * Puts off every waiting write of the shop that nobody holds, not only the claimed ones: a shop
 * that cannot be written to costs one statement an hour, not a claim and a run per batch of its
 * customers.
 */
async function putOff(shopDomain: string, until: Date, now: number): Promise<Outcome> {
  await db.customerSignal.updateMany({
    where: {
      shopDomain,
      needsWrite: true,
      attempts: { lt: MAX_ATTEMPTS },
      OR: [{ leaseUntil: null }, { leaseUntil: { lt: new Date(now) } }],
    },
    data: { leaseUntil: until },
  });
  return { retryAt: until };
}

type SignalRow = Awaited<ReturnType<typeof db.customerSignal.findMany>>[number];
type UserError = { field?: string[] | null; message: string };

/** The customers' changes, packed into calls of at most METAFIELDS_PER_CALL, each customer's in one. */
function packCalls(rows: SignalRow[]) {
  const calls: { row: SignalRow; wanted: SignalValues; changes: ReturnType<typeof metafieldChanges> }[][] = [];
  let sets = 0;
  let removes = 0;
  for (const row of rows) {
    const wanted = { ...parseValues(row.metafields), ...offerValues(parseOffer(row.offer)) };
    const changes = metafieldChanges(parseValues(row.writtenMetafields), wanted);
    const current = calls.at(-1);
    if (!current || sets + changes.set.length > METAFIELDS_PER_CALL || removes + changes.remove.length > METAFIELDS_PER_CALL) {
      calls.push([{ row, wanted, changes }]);
      [sets, removes] = [changes.set.length, changes.remove.length];
    } else {
      current.push({ row, wanted, changes });
      [sets, removes] = [sets + changes.set.length, removes + changes.remove.length];
    }
  }
  return calls;
}

/**
 * Writes the rows' changes, call by call, each row's job finished with it; returns when to go on if the shop's
 * budget ran low or Shopify throttled it. Throws if Shopify refuses a call (userErrors): the call
 * set nothing, and the job system runs each customer of the batch alone, so a refused one fails by
 * itself.
 */
async function writeShopSignals(
  shopDomain: string,
  admin: AdminClient,
  rows: SignalRow[],
  now: number,
): Promise<{ retryAt?: Date }> {
  try {
    await ensureSignalDefinitions(shopDomain, admin);
    const calls = packCalls(rows);
    for (const [i, batch] of calls.entries()) {
      const metafield = (customerGid: string, key: SignalKey) => ({ ownerId: customerGid, namespace: SIGNAL_NAMESPACE, key });
      const set = batch.flatMap(({ row, wanted, changes }) =>
        changes.set.map((key) => ({ ...metafield(row.customerGid, key), type: typeOf(key), value: wanted[key]! })),
      );
      const remove = batch.flatMap(({ row, changes }) => changes.remove.map((key) => metafield(row.customerGid, key)));
      const userErrors: UserError[] = [];
      let throttle: ThrottleStatus | undefined;
      if (set.length) {
        const answer = await admin.request(METAFIELDS_SET, { metafields: set });
        userErrors.push(...(answer.data.metafieldsSet?.userErrors ?? []));
        throttle = answer.throttle;
      }
      if (remove.length) {
        const answer = await admin.request(METAFIELDS_DELETE, { metafields: remove });
        userErrors.push(...(answer.data.metafieldsDelete?.userErrors ?? []));
        throttle = answer.throttle ?? throttle;
      }
      if (userErrors.length) {
        const customers = batch.map(({ row }) => row.customerGid).join(", ");
        const refusals = userErrors.map((error) => [error.field?.join("."), error.message].filter(Boolean).join(": "));
        throw new Error(`Shopify refused the signal metafields of ${customers}: ${refusals.join("; ")}`);
      }
      for (const { row, wanted } of batch) {
        // The job is finished in the same write that records what Shopify now has: nobody reads
        // it written but failing.
        const finished = { writtenMetafields: valuesJson(wanted), leaseUntil: null, attempts: 0, lastError: null };
        // Written only if nothing changed meanwhile; otherwise the row stays marked and its new
        // values are written next.
        const { count } = await db.customerSignal.updateMany({
          where: { id: row.id, metafields: row.metafields, offer: row.offer },
          data: { needsWrite: false, ...finished },
        });
        if (count === 0) await db.customerSignal.updateMany({ where: { id: row.id }, data: finished });
      }
      if (throttle && throttle.currentlyAvailable < RESERVE) {
        const until = pauseFor(shopDomain, throttle, now);
        if (i + 1 < calls.length) return { retryAt: new Date(until) };
      }
    }
  } catch (error) {
    if (!(error instanceof ThrottledError)) throw error;
    pauseFor(shopDomain, error.throttle, now);
    log.warn("customer signal metafields throttled", { shop: shopDomain });
    return { retryAt: new Date(pausedUntil(shopDomain)) };
  }
  return {};
}
