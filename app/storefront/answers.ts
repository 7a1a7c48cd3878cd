// How the storefront's redemption outcomes are answered (docs/app-proxy.md): the HTTP status
// and a body with an error code the theme can translate, never the admin's wording, the
// discount's Shopify id or whose customer it is.
import type { RefusalReason } from "../loyalty/redemption.server";

export interface RedemptionOutcome {
  status: "pending" | "issued" | "failed";
  code: string;
  rewardId: string;
  points: number;
  expiresAt: string;
  /** Store credit: the amount credited, minor units; null for a code. */
  creditAmount: string | null;
}

export type RedeemOutcome = { ok: true; redemption: RedemptionOutcome } | { ok: false; reason: RefusalReason };

export interface Answer {
  status: number;
  body: Record<string, unknown>;
}

const REFUSALS: Record<RefusalReason, Answer> = {
  // A shopper who never earned anything is not a member yet: to them it is a balance too low.
  not_a_member: { status: 409, body: { error: "not_enough_points" } },
  not_enough_points: { status: 409, body: { error: "not_enough_points" } },
  program_not_running: { status: 409, body: { error: "program_not_running" } },
  held_out: { status: 409, body: { error: "held_out" } },
  client_key_conflict: { status: 409, body: { error: "client_key_conflict" } },
  unknown_reward: { status: 404, body: { error: "unknown_reward" } },
};

/**
 * 200 issued (with the code, or the store credit's amount), 202 pending (not confirmed yet), 502
 * Shopify refused it (points given back).
 */
export function redemptionAnswer(outcome: RedeemOutcome): Answer {
  if (!outcome.ok) return REFUSALS[outcome.reason];
  const { status, code, rewardId, points, expiresAt, creditAmount } = outcome.redemption;
  const body = { status, code: status === "issued" && code !== "" ? code : null, creditAmount, rewardId, points, expiresAt };
  if (status === "issued") return { status: 200, body };
  if (status === "pending") return { status: 202, body };
  return { status: 502, body: { ...body, error: "shopify_refused" } };
}

/**
 * The key a storefront redemption is stored under. Redemption keys are unique per shop, so the
 * shopper's key is scoped to them: no shopper can collide with, or probe, another's keys.
 */
export const storefrontClientKey = (customerGid: string, clientKey: string) => `storefront:${customerGid}:${clientKey}`;
