// The app's Shopify Flow triggers (decision 30, docs/flow.md): one `flow_trigger` extension each
// (extensions/flow-*/shopify.extension.toml), and here the payload each one sends. A payload's keys
// are the extension's field keys (letters and spaces, as Flow requires) and `customer_id`, the
// customer reference field, which Flow takes as the customer's numeric id. The TOML files and this
// table are checked against each other by flow-triggers.test.ts.

/** Flow's limit on a trigger's payload (flowTriggerReceive): it must stay under 50,000 bytes. */
export const MAX_PAYLOAD_BYTES = 50_000;

/** Flow's custom field types used by the triggers; Flow has no date type, so dates are ISO text. */
export type FlowFieldType = "single_line_text_field" | "number_decimal" | "url" | "boolean";

interface FieldSpec {
  /** The field's key in the TOML and in the payload. */
  key: string;
  type: FlowFieldType;
  description: string;
}

const text = (key: string, description: string) => ({ key, type: "single_line_text_field" as const, description });
const decimal = (key: string, description: string) => ({ key, type: "number_decimal" as const, description });
const url = (key: string, description: string) => ({ key, type: "url" as const, description });

/** Every trigger: its extension handle, its merchant-facing name, and its fields after the customer. */
export const FLOW_TRIGGERS = {
  campaignEntered: {
    handle: "comeback-campaign-entered",
    name: "Customer entered campaign",
    fields: {
      campaignName: text("Campaign name", "The campaign's name"),
      arm: text("Arm", "The campaign arm (offer variant) the customer was assigned to"),
      offerKind: text(
        "Offer kind",
        "points, percentage, fixed_amount, free_shipping, store_credit or message (a message without an offer)",
      ),
      code: text("Discount code", "The customer's single-use discount code; empty when the offer has none"),
      expiresAt: text("Offer expires at", "When the offer ends (ISO 8601, shop's timezone); empty when it does not"),
    },
  },
  churnRiskHigh: {
    handle: "comeback-churn-risk-high",
    name: "Customer churn risk became high",
    fields: {
      probabilityAlive: decimal("Probability active", "The model's probability that the customer is still active (0 to 1)"),
      predictedClv: decimal("Predicted value", "Predicted revenue from the customer over the next 12 months, shop currency"),
      nextOrderDue: text("Next order expected", "When the customer's next order was expected (ISO date); empty if unknown"),
    },
  },
  referralCompleted: {
    handle: "comeback-referral-completed",
    name: "Referral completed",
    fields: {
      referralCode: text("Referral code", "The referrer's code that the new customer used"),
      orderName: text("Referred order", "The referred customer's qualifying order, e.g. #1001"),
      reward: text("Reward", "What the referrer earned, in words"),
      code: text("Discount code", "The referrer's reward code; empty when the reward is not a code"),
    },
  },
  surveyReady: {
    handle: "comeback-survey-ready",
    name: "Customer survey ready",
    fields: {
      surveyName: text("Survey name", "The survey's name"),
      surveyUrl: url("Survey link", "The customer's signed link to the survey"),
      expiresAt: text("Link expires at", "When the link stops working (ISO 8601)"),
    },
  },
  detractorAnswered: {
    handle: "comeback-detractor-answered",
    name: "Detractor answered survey",
    fields: {
      surveyName: text("Survey name", "The survey's name"),
      score: decimal("Score", "The customer's score (0 to 10)"),
      orderName: text("Order", "The order the survey asked about; empty when none"),
    },
  },
} as const satisfies Record<string, { handle: string; name: string; fields: Record<string, FieldSpec> }>;

export type FlowTrigger = keyof typeof FLOW_TRIGGERS;

type ValueOf<T extends FlowFieldType> = T extends "number_decimal" ? number : T extends "boolean" ? boolean : string;

/** The payload a caller gives for `trigger`: every field, typed (text may be empty). */
export type FlowPayload<T extends FlowTrigger> = {
  [Field in keyof FieldsOf<T>]: FieldsOf<T>[Field] extends { type: infer Type extends FlowFieldType } ? ValueOf<Type> : never;
};
type FieldsOf<T extends FlowTrigger> = (typeof FLOW_TRIGGERS)[T]["fields"];

export const FLOW_TRIGGER_NAMES = Object.keys(FLOW_TRIGGERS) as FlowTrigger[];

/** The trigger of an extension handle, or null for a handle the app does not have. */
export function triggerOfHandle(handle: string): FlowTrigger | null {
  return FLOW_TRIGGER_NAMES.find((trigger) => FLOW_TRIGGERS[trigger].handle === handle) ?? null;
}

export class FlowPayloadError extends Error {}

/** gid://shopify/Customer/123 -> "123": Flow's customer reference is the numeric id. */
export function customerIdOf(customerGid: string): string {
  const match = /^gid:\/\/shopify\/Customer\/([1-9]\d{0,19})$/.exec(customerGid);
  if (!match) throw new FlowPayloadError(`not a customer GID: ${customerGid.slice(0, 100)}`);
  return match[1];
}

/**
 * The JSON text of the payload Flow receives: `customer_id` (the exact digits, however large) and
 * each field under its key. Refuses a missing or mistyped field, a number that is not finite, and a
 * payload over MAX_PAYLOAD_BYTES, before anything is queued.
 */
export function flowPayloadJson<T extends FlowTrigger>(trigger: T, customerGid: string, payload: FlowPayload<T>): string {
  const spec = FLOW_TRIGGERS[trigger];
  if (!spec) throw new FlowPayloadError(`unknown Flow trigger ${String(trigger)}`);
  const values = payload as Record<string, unknown>;
  const parts = [`"customer_id":${customerIdOf(customerGid)}`];
  for (const [name, field] of Object.entries(spec.fields) as [string, FieldSpec][]) {
    const value = values[name];
    const expected = field.type === "number_decimal" ? "number" : field.type === "boolean" ? "boolean" : "string";
    if (typeof value !== expected) throw new FlowPayloadError(`${trigger}.${name} must be a ${expected}`);
    if (typeof value === "number" && !Number.isFinite(value)) throw new FlowPayloadError(`${trigger}.${name} must be finite`);
    if (field.type === "url" && !/^https:\/\/\S+$/.test(value as string))
      throw new FlowPayloadError(`${trigger}.${name} must be an https URL`);
    parts.push(`${JSON.stringify(field.key)}:${JSON.stringify(value)}`);
  }
  const unknown = Object.keys(values).filter((name) => !(name in spec.fields));
  if (unknown.length) throw new FlowPayloadError(`${trigger} has no field ${unknown.join(", ")}`);
  const json = `{${parts.join(",")}}`;
  if (Buffer.byteLength(json) >= MAX_PAYLOAD_BYTES)
    throw new FlowPayloadError(`${trigger} payload is ${Buffer.byteLength(json)} bytes; Flow takes under ${MAX_PAYLOAD_BYTES}`);
  return json;
}

/**
 * The stored payload as the GraphQL variable: `customer_id` stays the exact number it was (a
 * customer id can exceed 2^53, where a JavaScript number would round it).
 */
export function payloadVariable(json: string): Record<string, unknown> {
  const digits = /^\{"customer_id":(\d+)/.exec(json)?.[1];
  if (!digits) throw new FlowPayloadError("stored Flow payload has no customer_id");
  const { customer_id: _rounded, ...fields } = JSON.parse(json) as Record<string, unknown>;
  return { customer_id: (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON(digits), ...fields };
}
