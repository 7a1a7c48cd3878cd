// What a campaign's arm offers the customers it reaches. Amounts are minor units of the shop
// currency, as text in JSON. A control member is offered nothing, whatever the arms are.
import { z } from "zod";
import type { CodeReward } from "../loyalty/program";

/** The group that is offered nothing: what the arms are measured against. */
export const CONTROL = "control";

const minor = z
  .string()
  .regex(/^[1-9]\d{0,12}$/, "a positive amount in minor units")
  .transform((text) => BigInt(text));
const days = z.number().int().min(1).max(365);

export const offerSchema = z.discriminatedUnion("kind", [
  /** Bonus points through the ledger, expiring after validDays if not spent. */
  z.object({ kind: z.literal("points"), points: z.number().int().min(1).max(1_000_000), validDays: days }).strict(),
  z.object({ kind: z.literal("percentage"), percent: z.number().int().min(1).max(100), validDays: days }).strict(),
  z.object({ kind: z.literal("fixed_amount"), value: minor, validDays: days }).strict(),
  z.object({ kind: z.literal("free_shipping"), validDays: days }).strict(),
  z.object({ kind: z.literal("store_credit"), value: minor, validDays: days }).strict(),
  /** Nothing to issue: the shopper is only told (storefront, account page). */
  z.object({ kind: z.literal("message") }).strict(),
]);

export type Offer = z.output<typeof offerSchema>;
export type CodeOffer = Extract<Offer, { kind: "percentage" | "fixed_amount" | "free_shipping" }>;

export const isCodeOffer = (offer: Offer): offer is CodeOffer =>
  offer.kind === "percentage" || offer.kind === "fixed_amount" || offer.kind === "free_shipping";

export function offerToJson(offer: Offer): string {
  return JSON.stringify(offer, (_, value) => (typeof value === "bigint" ? String(value) : value));
}

export function parseOffer(text: string): Offer {
  return offerSchema.parse(JSON.parse(text));
}

/** The loyalty reward a code offer is made like (app/loyalty/codes.ts rewardCodeMutation). */
export function codeRewardOf(offer: CodeOffer, name: string): CodeReward {
  const base = { id: "campaign", name, pointsCost: 0, validDays: offer.validDays };
  if (offer.kind === "percentage") return { ...base, kind: "percentage", percent: offer.percent };
  if (offer.kind === "fixed_amount") return { ...base, kind: "fixed_amount", value: offer.value };
  return { ...base, kind: "free_shipping" };
}

/** Days the offer lasts from entry; null: nothing to last (a message). */
export const offerDays = (offer: Offer): number | null => ("validDays" in offer ? offer.validDays : null);
