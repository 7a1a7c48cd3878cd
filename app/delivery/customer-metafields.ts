// The customer metafields that let merchants segment on what Comeback knows (decision 30,
// docs/flow.md): churn risk, predicted value, RFM segment, next expected order and the current
// offer. Their types are ones Shopify's customer segments filter on (text, number, date), and their
// namespace is a plain one, "comeback", so a segment query names them as
// `metafields.comeback.churn_risk`. The loyalty balance and tier stay in the app's reserved
// namespace (shopify.app.toml), which the storefront reads.
import { formatMinorUnits } from "../platform/money";
import type { CustomerMetricsRow } from "../metrics/csv";

export const SIGNAL_NAMESPACE = "comeback";

export type SignalKey =
  "churn_risk" | "predicted_clv" | "rfm_segment" | "next_order_date" | "current_offer" | "current_offer_expires";

export interface SignalDefinition {
  key: SignalKey;
  type: "single_line_text_field" | "number_decimal" | "date";
  name: string;
  description: string;
  validations?: { name: string; value: string }[];
}

export const SIGNAL_DEFINITIONS: readonly SignalDefinition[] = [
  {
    key: "churn_risk",
    type: "single_line_text_field",
    name: "Churn risk",
    description: "Comeback: low, medium or high, from the purchase model's probability that the customer is still active",
    validations: [{ name: "choices", value: JSON.stringify(["low", "medium", "high"]) }],
  },
  {
    key: "predicted_clv",
    type: "number_decimal",
    name: "Predicted 12-month value",
    description: "Comeback: predicted net revenue from the customer over the next 12 months, in the shop currency",
  },
  {
    key: "rfm_segment",
    type: "single_line_text_field",
    name: "RFM segment",
    description: "Comeback: the customer's recency-frequency-monetary segment (champions, at_risk, hibernating, …)",
  },
  {
    key: "next_order_date",
    type: "date",
    name: "Next order expected",
    description: "Comeback: when the customer's next order is due by their own rhythm, shop calendar",
  },
  {
    key: "current_offer",
    type: "single_line_text_field",
    name: "Current campaign offer",
    description: "Comeback: the key of the win-back campaign whose offer the customer holds now",
  },
  {
    key: "current_offer_expires",
    type: "date",
    name: "Current offer expires",
    description: "Comeback: the last day of the customer's current offer",
  },
];

/** Raised when SIGNAL_DEFINITIONS changes, so that each shop gets the new definitions once. */
export const SIGNAL_DEFINITIONS_VERSION = 1;

/** The metafield values of one customer, by key; a missing key has no metafield. */
export type SignalValues = Partial<Record<SignalKey, string>>;

/** The current offer of a customer, as the campaign engine sets it (setCurrentOffer). */
export interface CurrentOffer {
  /** The campaign's stable key: the segment of a campaign filters on it. */
  campaignKey: string;
  /** The offer's last day (YYYY-MM-DD, shop calendar); null: it does not expire. */
  expiresOn: string | null;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The values the predictions give (the offer's come from offerValues). */
export function predictionValues(row: CustomerMetricsRow, currency: string): SignalValues {
  const values: SignalValues = { rfm_segment: row.segment };
  if (row.churnRisk) values.churn_risk = row.churnRisk;
  if (row.predictedClv12m !== null) values.predicted_clv = formatMinorUnits(BigInt(Math.round(row.predictedClv12m)), currency);
  if (row.nextOrderDue && DATE.test(row.nextOrderDue)) values.next_order_date = row.nextOrderDue;
  return values;
}

export function offerValues(offer: CurrentOffer | null): SignalValues {
  if (!offer) return {};
  return { current_offer: offer.campaignKey, ...(offer.expiresOn && { current_offer_expires: offer.expiresOn }) };
}

/** JSON with the keys in definition order, so that equal values give equal text. */
export function valuesJson(values: SignalValues): string {
  const ordered: SignalValues = {};
  for (const { key } of SIGNAL_DEFINITIONS) if (values[key] !== undefined) ordered[key] = values[key];
  return JSON.stringify(ordered);
}

export const parseValues = (json: string | null): SignalValues => (json ? (JSON.parse(json) as SignalValues) : {});

export function parseOffer(json: string | null): CurrentOffer | null {
  return json ? (JSON.parse(json) as CurrentOffer) : null;
}

/** Refuses an offer Shopify would refuse to store: an empty or overlong key, a malformed date. */
export function checkOffer(offer: CurrentOffer | null): void {
  if (!offer) return;
  if (!/^[\w.:-]{1,100}$/.test(offer.campaignKey)) throw new Error("campaignKey must be 1-100 letters, digits, _ . : -");
  if (offer.expiresOn !== null && !DATE.test(offer.expiresOn)) throw new Error("expiresOn must be YYYY-MM-DD or null");
}

/** What to send so that Shopify holds `wanted` where it held `written`: values to set, keys to delete. */
export function metafieldChanges(written: SignalValues, wanted: SignalValues): { set: SignalKey[]; remove: SignalKey[] } {
  const set: SignalKey[] = [];
  const remove: SignalKey[] = [];
  for (const { key } of SIGNAL_DEFINITIONS) {
    if (wanted[key] !== undefined && wanted[key] !== written[key]) set.push(key);
    else if (wanted[key] === undefined && written[key] !== undefined) remove.push(key);
  }
  return { set, remove };
}

export const typeOf = (key: SignalKey) => SIGNAL_DEFINITIONS.find((definition) => definition.key === key)!.type;

// ---- Segments -----------------------------------------------------------------------------------

/** A quoted string of Shopify's segment query language. */
const quoted = (text: string) => `'${text.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

export interface SignalFilter {
  churnRisk?: "low" | "medium" | "high";
  /** Predicted 12-month value at least this, in the shop currency (decimal text). */
  minPredictedClv?: string;
  rfmSegment?: string;
  /** Customers holding this campaign's offer. */
  currentOffer?: string;
}

/** A segment query over the app's metafields: every condition given must hold. */
export function signalSegmentQuery(filter: SignalFilter): string {
  const conditions: string[] = [];
  const field = (key: SignalKey) => `metafields.${SIGNAL_NAMESPACE}.${key}`;
  if (filter.churnRisk) conditions.push(`${field("churn_risk")} = ${quoted(filter.churnRisk)}`);
  if (filter.minPredictedClv !== undefined) {
    if (!/^\d{1,12}(\.\d{1,4})?$/.test(filter.minPredictedClv)) throw new Error("minPredictedClv must be a decimal amount");
    conditions.push(`${field("predicted_clv")} >= ${filter.minPredictedClv}`);
  }
  if (filter.rfmSegment) conditions.push(`${field("rfm_segment")} = ${quoted(filter.rfmSegment)}`);
  if (filter.currentOffer) conditions.push(`${field("current_offer")} = ${quoted(filter.currentOffer)}`);
  if (conditions.length === 0) throw new Error("a segment needs at least one condition");
  return conditions.join(" AND ");
}
