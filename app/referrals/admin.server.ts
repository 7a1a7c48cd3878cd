// The merchant's side of referrals: the settings (validated like the program's, every error at
// once with the same codes) and the review queue, where a flagged referral is approved (paid once)
// or rejected with a reason.
import { z } from "zod";
import db, { type Tx } from "../platform/db/client.server";
import { LoyaltyInputError } from "../loyalty/admin.server";
import { lockMember } from "../loyalty/store.server";
import { reviewSoon } from "../loyalty/tasks.server";
import { FORGET_FRIEND, settleReferral } from "./reconcile.server";
import { settingsToJson, validateReferralSettings, type ReferralSettings } from "./settings";
import { loadReferralProgram, referralView } from "./store.server";

const money = z
  .union([z.string().regex(/^-?\d+$/, "must be a whole number of minor units"), z.number().int()])
  .transform((value) => BigInt(value));

const friendInput = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("fixed_amount"), value: money, minimumOrder: money.optional(), validDays: z.number() }),
  z.object({ kind: z.literal("percentage"), percent: z.number(), minimumOrder: money.optional(), validDays: z.number() }),
]);

const referrerRewardInput = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("points") }),
  z.object({ kind: z.literal("discount_code"), value: money, validDays: z.number() }),
  z.object({ kind: z.literal("store_credit"), value: money }),
]);

export const referralProgramInput = z.object({
  enabled: z.boolean().optional(),
  settings: z
    .object({
      referrerPoints: z.number(),
      referrerReward: referrerRewardInput,
      friend: friendInput,
      weeklyLimit: z.number(),
      dailyClaimLimit: z.number(),
      review: z.boolean(),
    })
    .partial()
    .optional(),
});
export type ReferralProgramInput = z.output<typeof referralProgramInput>;

/** How many referrals the queue and the list show. */
const LIST_SIZE = 100;

export async function referralProgramView(shopDomain: string) {
  const program = await loadReferralProgram(db, shopDomain);
  const [queue, recent] = await Promise.all([
    db.referral.findMany({ where: { shopDomain, status: "review" }, orderBy: { id: "asc" }, take: LIST_SIZE }),
    db.referral.findMany({ where: { shopDomain, status: { not: "review" } }, orderBy: { id: "desc" }, take: LIST_SIZE }),
  ]);
  return { ...program, review: queue.map(referralView), recent: recent.map(referralView) };
}

/** Saves what the input names; nothing when any field is wrong (400 with every error). */
export async function saveReferralProgram(shopDomain: string, input: ReferralProgramInput) {
  const current = await loadReferralProgram(db, shopDomain);
  const settings: ReferralSettings = { ...current.settings, ...input.settings };
  const errors = validateReferralSettings(settings).map((error) => ({ ...error, field: `settings.${error.field}` }));
  if (errors.length) throw new LoyaltyInputError(errors);
  const enabled = input.enabled ?? current.enabled;
  await db.referralProgram.upsert({
    where: { shopDomain },
    create: { shopDomain, enabled, settings: settingsToJson(settings) },
    update: { enabled, settings: settingsToJson(settings) },
  });
  return referralProgramView(shopDomain);
}

export const decisionInput = z.object({
  decision: z.enum(["approve", "reject"]),
  reason: z.string().trim().min(1, "must not be empty").max(500, "must be at most 500 characters"),
});

export type DecisionResult =
  | { ok: true; referral: ReturnType<typeof referralView> }
  | { ok: false; status: 404 | 409; code: "unknownReferral" | "alreadyDecided"; referral?: ReturnType<typeof referralView> };

/**
 * The merchant's decision on a flagged referral. Only a referral waiting in the queue can be
 * decided, by one conditional update under the referrer's lock: of two approvals at once, one
 * decides and pays, the other is told it was decided; the reward's ledger key pays once in any case.
 */
export async function decideReferral(
  shopDomain: string,
  id: number,
  input: z.output<typeof decisionInput>,
  staff: string | null,
  now = new Date(),
): Promise<DecisionResult> {
  const row = await db.referral.findFirst({ where: { id, shopDomain } });
  if (!row) return { ok: false, status: 404, code: "unknownReferral" };
  const decided = await db.$transaction(async (tx: Tx) => {
    // The referrer first, as the worker locks them, so the two never wait on each other in turn.
    await lockMember(tx, shopDomain, row.referrerGid);
    const claimed = await tx.referral.updateMany({
      where: { id, shopDomain, status: "review" },
      data: {
        status: input.decision === "approve" ? "approved" : "rejected",
        ...(input.decision === "reject" && FORGET_FRIEND),
        reviewedBy: staff,
        reviewReason: input.reason,
        reviewedAt: now,
      },
    });
    if (claimed.count !== 1) return false;
    if (input.decision === "approve") {
      const changed = await settleReferral(tx, shopDomain, id, now);
      if (changed !== null) await reviewSoon(tx, changed, now);
    }
    return true;
  });
  const referral = referralView(await db.referral.findUniqueOrThrow({ where: { id } }));
  return decided ? { ok: true, referral } : { ok: false, status: 409, code: "alreadyDecided", referral };
}
