// What a member does, or what is done for one member, outside orders: bonuses for actions the app
// cannot see (a birthday, a custom action reported by the caller), the birthday itself, and the
// member's data for a customers/data_request export. The admin routes call these today; the
// storefront will call the same functions through the App Proxy.
import { z } from "zod";
import db, { type Tx } from "../platform/db/client.server";
import { balancesAt } from "./balance";
import { bonusEntry } from "./earning";
import { expiresAtFor, ledgerEntry, sourceKeys, type LedgerEntry } from "./ledger";
import { ruleInForce } from "./program";
import { bonusRules, enrollMember, entryFromRow, insertEntries, loadProgram, loadRules, memberEntries } from "./store.server";
import { reviewSoon } from "./tasks.server";

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** "MM-DD"; 29 February is a birthday too. No year: the program needs no age. */
export const monthDay = z
  .string()
  .regex(/^\d{2}-\d{2}$/, "must be a month and day as MM-DD")
  .refine((text) => {
    const [month, day] = text.split("-").map(Number);
    return month >= 1 && month <= 12 && day >= 1 && day <= DAYS_IN_MONTH[month - 1];
  }, "must be a real day of the year");

/** null erases it. */
export const birthdayInput = z.object({ birthday: monthDay.nullable() });

export const bonusInput = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("birthday"),
    ruleId: z.string().min(1, "must not be empty").optional(),
    /** The year of the birthday being celebrated: one bonus a year. */
    occurrence: z
      .union([z.string(), z.number().int()])
      .transform(String)
      .pipe(z.string().regex(/^\d{4}$/, "must be the birthday's year, e.g. 2026")),
  }),
  z.object({
    kind: z.literal("custom"),
    ruleId: z.string().min(1, "must name the custom rule"),
    /** The caller's id of the action (a review id, a referral id): one bonus per action. */
    occurrence: z.string().trim().min(1, "must be the action's id").max(200, "must be at most 200 characters"),
  }),
]);
export type BonusInput = z.output<typeof bonusInput>;

/** Why a member action was refused: a code for callers to act on, and English for API users. */
export type MemberRefusal = "noProgram" | "programNotRunning" | "birthdayAlreadySet" | "birthdayNotYet" | "noRule" | "heldOut";
export type MemberActionResult<T> = { ok: true; value: T } | { ok: false; status: 404 | 409; code: MemberRefusal; error: string };

/**
 * Sets or erases the member's birthday (enrolling the customer on first sight). With `once` (the
 * shopper's own entry, docs/app-proxy.md) a birthday already set stays: repeating it is fine,
 * changing it is refused, since it drives a yearly bonus; the merchant can still change it.
 */
export async function setBirthday(
  shopDomain: string,
  customerGid: string,
  birthday: string | null,
  now = new Date(),
  { once = false }: { once?: boolean } = {},
): Promise<MemberActionResult<{ customerGid: string; birthday: string | null }>> {
  const program = await loadProgram(db, shopDomain);
  if (!program) return { ok: false, status: 409, code: "noProgram", error: "the loyalty program is not set up" };
  return db.$transaction(async (tx: Tx) => {
    const member = await enrollMember(tx, shopDomain, customerGid, program, now);
    if (once && member.birthday !== null && member.birthday !== birthday) {
      return {
        ok: false as const,
        status: 409 as const,
        code: "birthdayAlreadySet" as const,
        error: "the birthday is already set; the shop can change it",
      };
    }
    await tx.loyaltyMember.update({ where: { id: member.id }, data: { birthday } });
    // The review grants the birthday bonus on the day and schedules the next one.
    await reviewSoon(tx, member.id, now);
    return { ok: true as const, value: { customerGid, birthday } };
  });
}

/**
 * The bonus of the birthday or custom rule in force, once per occurrence (the ledger key names it):
 * a repeat answers the entry already recorded, with `granted: false`.
 */
export async function grantActionBonus(
  shopDomain: string,
  customerGid: string,
  input: BonusInput,
  now = new Date(),
): Promise<MemberActionResult<{ granted: boolean; entry: LedgerEntry }>> {
  const program = await loadProgram(db, shopDomain);
  if (!program?.enabled)
    return { ok: false, status: 409, code: "programNotRunning", error: "the loyalty program is not running" };
  // Birthdays in time zones ahead of UTC start up to a day early.
  if (input.kind === "birthday" && Number(input.occurrence) > new Date(now.getTime() + 86_400_000).getUTCFullYear()) {
    return { ok: false, status: 409, code: "birthdayNotYet", error: `the birthday of ${input.occurrence} has not come yet` };
  }
  const candidates = bonusRules(await loadRules(db, shopDomain), input.kind).filter(
    (rule) => !input.ruleId || rule.id === input.ruleId,
  );
  const rule = ruleInForce(candidates, now);
  if (!rule)
    return {
      ok: false,
      status: 404,
      code: "noRule",
      error: `no ${input.kind} rule${input.ruleId ? ` ${input.ruleId}` : ""} is in force`,
    };
  return db.$transaction(async (tx: Tx) => {
    const member = await enrollMember(tx, shopDomain, customerGid, program, now);
    if (member.heldOut)
      return {
        ok: false as const,
        status: 409 as const,
        code: "heldOut" as const,
        error: "the customer is in the holdout group and earns no points",
      };
    const entry = bonusEntry({
      rule,
      memberGid: customerGid,
      occurrence: input.occurrence,
      expiry: program.settings.expiry,
      now,
    });
    const added = await insertEntries(tx, shopDomain, [entry]);
    if (!added) {
      const recorded = await tx.ledgerEntry.findUniqueOrThrow({
        where: { shopDomain_sourceKey: { shopDomain, sourceKey: entry.sourceKey } },
      });
      return { ok: true as const, value: { granted: false, entry: entryFromRow(recorded) } };
    }
    await reviewSoon(tx, member.id, now);
    return { ok: true as const, value: { granted: true, entry } };
  });
}

/**
 * Points for answering an order's feedback survey (app/feedback), in the caller's transaction:
 * once per order (the ledger key names it), only while the program runs and not for a held-out
 * member. The entry names no order, so the order's reconciliation (refunds, cancellations) never
 * takes it back: it rewards the answer, not the purchase. Returns the points credited now.
 */
export async function grantFeedbackPoints(
  tx: Tx,
  shopDomain: string,
  customerGid: string,
  orderGid: string,
  points: number,
  now: Date,
): Promise<number> {
  if (points <= 0) return 0;
  const program = await loadProgram(tx, shopDomain);
  if (!program?.enabled) return 0;
  const member = await enrollMember(tx, shopDomain, customerGid, program, now);
  if (member.heldOut) return 0;
  const entry = ledgerEntry({
    sourceKey: sourceKeys.feedback(orderGid),
    memberGid: customerGid,
    type: "earn",
    source: "rule",
    points,
    reason: "Feedback",
    createdAt: now,
    expiresAt: expiresAtFor(now, program.settings.expiry),
  });
  if (!(await insertEntries(tx, shopDomain, [entry]))) return 0;
  await reviewSoon(tx, member.id, now);
  return points;
}

/** The customer's loyalty data for customers/data_request; null when they were never a member. */
export async function memberDataExport(tx: Tx, shopDomain: string, customerGid: string, now: Date) {
  const member = await tx.loyaltyMember.findUnique({ where: { shopDomain_customerGid: { shopDomain, customerGid } } });
  if (!member) return null;
  const entries = await memberEntries(tx, shopDomain, customerGid);
  const tier = member.tierId
    ? await tx.loyaltyTier.findUnique({ where: { shopDomain_tierId: { shopDomain, tierId: member.tierId } } })
    : null;
  const redemptions = await tx.redemption.findMany({
    where: { shopDomain, memberGid: customerGid },
    orderBy: { createdAt: "asc" },
  });
  const tierChanges = await tx.tierChange.findMany({ where: { shopDomain, memberGid: customerGid }, orderBy: { at: "asc" } });
  const cashbacks = await tx.cashback.findMany({ where: { shopDomain, memberGid: customerGid }, orderBy: { createdAt: "asc" } });
  const iso = (at: Date | null) => at?.toISOString() ?? null;
  return {
    enrolledAt: member.enrolledAt.toISOString(),
    heldOut: member.heldOut,
    birthday: member.birthday,
    tier: member.tierId && { id: member.tierId, name: tier?.name ?? null, since: iso(member.tierSince) },
    balance: balancesAt(entries, now),
    ledger: entries.map((entry) => ({
      type: entry.type,
      source: entry.source,
      points: entry.points,
      reason: entry.reason,
      order: entry.orderGid,
      createdAt: entry.createdAt.toISOString(),
      availableAt: entry.availableAt.toISOString(),
      expiresAt: iso(entry.expiresAt),
    })),
    redemptions: redemptions.map((redemption) => ({
      reward: redemption.rewardId,
      status: redemption.status,
      code: redemption.code,
      points: redemption.points,
      storeCredit: redemption.creditAmount === null ? null : String(redemption.creditAmount),
      createdAt: redemption.createdAt.toISOString(),
      expiresAt: redemption.expiresAt.toISOString(),
    })),
    // Minor units of the shop currency.
    cashback: cashbacks.map((cashback) => ({
      order: cashback.orderGid,
      status: cashback.status,
      amount: String(cashback.amount),
      credited: String(cashback.credited),
      reversed: String(cashback.reversed),
      dueAt: cashback.dueAt.toISOString(),
    })),
    tierChanges: tierChanges.map((change) => ({
      from: change.fromTier,
      to: change.toTier,
      kind: change.kind,
      at: change.at.toISOString(),
    })),
  };
}
