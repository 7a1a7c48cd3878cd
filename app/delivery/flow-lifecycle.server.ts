// Shopify Flow's trigger lifecycle callback (docs/flow.md, decision 30): when a merchant turns on
// (or off) a workflow that starts with one of the app's triggers, Flow POSTs
// { flow_trigger_definition_id, has_enabled_flow, shop_id, shopify_domain, timestamp } to the URL of
// the app's `flow_trigger_lifecycle_callback` extension, signed like a webhook: X-Shopify-Hmac-Sha256
// is the base64 HMAC-SHA256 of the raw body under the app's client secret. The app records per shop
// and trigger whether it is used, the newest timestamp winning, and sends a trigger only while it is.
// Flow lets the merchant enable the workflow only after a 2xx answer within five seconds.
import { z } from "zod";
import db from "../platform/db/client.server";
import { requiredEnv } from "../platform/env.server";
import { isShopDomain } from "../platform/http/shop-domain";
import { isSignedBody } from "../platform/http/webhook-signature";
import { log } from "../platform/log.server";
import { FLOW_TRIGGER_NAMES, FLOW_TRIGGERS, type FlowTrigger } from "./flow-triggers";

/** A lifecycle body is a few hundred bytes. */
export const MAX_LIFECYCLE_BYTES = 16 * 1024;

const lifecycleBody = z.object({
  flow_trigger_definition_id: z.string().min(1).max(200),
  has_enabled_flow: z.boolean(),
  // Shopify's example sends it as a string, its table says a number.
  shop_id: z.union([z.number().int().positive(), z.string().regex(/^\d{1,20}$/)]),
  shopify_domain: z.string().refine(isShopDomain, "not a myshopify.com domain"),
  timestamp: z.iso.datetime({ offset: true }),
});

export interface LifecycleAnswer {
  status: number;
  body: Record<string, unknown>;
}

/**
 * The trigger a callback names. Flow's documentation shows a title ("Add row to spreadsheet") from
 * the time triggers were made in the Partner Dashboard; a CLI extension is known by its handle.
 * Both are accepted.
 */
export function triggerOfDefinition(id: string): FlowTrigger | null {
  return FLOW_TRIGGER_NAMES.find((trigger) => FLOW_TRIGGERS[trigger].handle === id || FLOW_TRIGGERS[trigger].name === id) ?? null;
}

/** Verifies, validates and records one lifecycle callback (the raw body as received). */
export async function receiveLifecycleCallback(hmac: string | null, raw: Uint8Array): Promise<LifecycleAnswer> {
  if (!hmac) return { status: 401, body: { error: "missing HMAC signature" } };
  if (!isSignedBody(raw, hmac, requiredEnv("SHOPIFY_API_SECRET"))) {
    log.warn("Flow lifecycle callback with a bad HMAC");
    return { status: 401, body: { error: "invalid HMAC signature" } };
  }
  let parsed;
  try {
    parsed = lifecycleBody.safeParse(JSON.parse(Buffer.from(raw).toString("utf8")));
  } catch {
    return { status: 400, body: { error: "the body is not JSON" } };
  }
  if (!parsed.success) {
    return {
      status: 422,
      body: { error: "invalid lifecycle callback", issues: parsed.error.issues.map((i) => i.path.join(".")) },
    };
  }
  const callback = parsed.data;
  const trigger = triggerOfDefinition(callback.flow_trigger_definition_id);
  if (!trigger) return { status: 422, body: { error: `unknown trigger ${callback.flow_trigger_definition_id}` } };
  const recorded = await recordTriggerUse(
    callback.shopify_domain,
    trigger,
    callback.has_enabled_flow,
    new Date(callback.timestamp),
  );
  log.info("Flow trigger use", { shop: callback.shopify_domain, trigger, enabled: callback.has_enabled_flow, recorded });
  return { status: 200, body: { ok: true, recorded } };
}

/**
 * Records whether the shop uses the trigger, unless a callback with a newer (or the same) timestamp
 * was recorded already: Flow says the newest wins, and callbacks may arrive out of order.
 */
export async function recordTriggerUse(
  shopDomain: string,
  trigger: FlowTrigger,
  enabled: boolean,
  changedAt: Date,
): Promise<boolean> {
  const handle = FLOW_TRIGGERS[trigger].handle;
  const newer = () =>
    db.flowTriggerUse.updateMany({
      where: { shopDomain, trigger: handle, changedAt: { lt: changedAt } },
      data: { enabled, changedAt },
    });
  if ((await newer()).count === 1) return true;
  try {
    await db.flowTriggerUse.create({ data: { shopDomain, trigger: handle, enabled, changedAt } });
    return true;
  } catch (error) {
    // Another callback created the row meanwhile: this one wins only if it is newer.
    if ((error as { code?: string }).code !== "P2002") throw error;
    return (await newer()).count === 1;
  }
}

/** Whether the shop has an enabled workflow that uses the trigger. */
export async function usesTrigger(shopDomain: string, trigger: FlowTrigger): Promise<boolean> {
  const row = await db.flowTriggerUse.findUnique({
    where: { shopDomain_trigger: { shopDomain, trigger: FLOW_TRIGGERS[trigger].handle } },
    select: { enabled: true },
  });
  return row?.enabled === true;
}
