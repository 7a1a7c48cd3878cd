// What the merchant's admin does with the program, behind the JSON routes app.api.loyalty.*:
// read and save the program (settings, rules, tiers, rewards), look at a member, adjust points.
// Input is checked for shape here and for meaning by the domain's validate* functions; a save with
// any error changes nothing and answers every field error at once.
import { randomBytes } from "node:crypto";
import { z } from "zod";
import db, { type Tx } from "../platform/db/client.server";
import { requireShop } from "../auth.server";
import { MAX_ADMIN_BODY_BYTES, readBodyJson } from "../platform/http/body.server";
import { json } from "../platform/http/responses";
import { toGid } from "../platform/shopify-json";
import { balancesAt, manualEntry } from "./balance";
import { harmErrors, harmfulChanges, unconfirmedHarms, type HarmImpact } from "./harm";
import { harmImpact } from "./harm.server";
import { sourceKeys, type LedgerEntry } from "./ledger";
import {
  DEFAULT_SETTINGS,
  fieldError,
  reviseRule,
  validateEarningRule,
  validateProgramSettings,
  validateReward,
  validateTiers,
  type EarningRule,
  type FieldError,
  type ProgramSettings,
  type Reward,
  type Tier,
} from "./program";
import {
  enrollMember,
  entryFromRow,
  insertEntries,
  loadProgram,
  loadRewards,
  loadRules,
  loadTiers,
  memberEntries,
  ruleDefinition,
  rewardToJson,
} from "./store.server";
import { reviewSoon } from "./tasks.server";

export class LoyaltyInputError extends Error {
  constructor(readonly errors: FieldError[]) {
    super(errors.map((error) => `${error.field}: ${error.message}`).join("; "));
  }
}

/** A save that would take something from shoppers without confirming it: what it would take. */
export class UnconfirmedHarmError extends LoyaltyInputError {
  constructor(
    errors: FieldError[],
    readonly impact: HarmImpact[],
  ) {
    super(errors);
  }
}

/** Runs `work` for the authenticated shop and staff member; bad input is a 400 with field errors. */
export async function withShop(request: Request, work: (auth: { shop: string; user: string | null }) => Promise<Response>) {
  const auth = await requireShop(request);
  try {
    return await work(auth);
  } catch (error) {
    if (error instanceof UnconfirmedHarmError) return json({ errors: error.errors, impact: error.impact }, 400);
    if (error instanceof LoyaltyInputError) return json({ errors: error.errors }, 400);
    throw error;
  }
}

/** The request's JSON body checked against `schema`; a body over `maxBytes` is a 413 (thrown Response). */
export async function readInput<S extends z.ZodType>(
  request: Request,
  schema: S,
  maxBytes = MAX_ADMIN_BODY_BYTES,
): Promise<z.output<S>> {
  const body = await readBodyJson(request, maxBytes);
  if (body === undefined) throw new LoyaltyInputError([fieldError("", "notJson")]);
  const parsed = schema.safeParse(body);
  if (!parsed.success)
    throw new LoyaltyInputError(
      parsed.error.issues.map((issue) => fieldError(fieldPath(issue.path), "invalid", {}, issue.message)),
    );
  return parsed.data;
}

/** ["tiers", 1, "threshold"] -> "tiers[1].threshold", as the domain names fields. */
function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, part) => (typeof part === "number" ? `${text}[${part}]` : text ? `${text}.${String(part)}` : String(part)),
    "",
  );
}

/** A route's customer id (URL-encoded GID or numeric id) as a GID; null when it is neither. */
export function customerGidParam(id: string | undefined): string | null {
  return id && /^(gid:\/\/shopify\/Customer\/)?\d+$/.test(id) ? toGid("Customer", id) : null;
}

const prefixed = (prefix: string, errors: FieldError[]) =>
  errors.map((error) => ({ ...error, field: `${prefix}${error.field}` }));

// Input shapes. Money is minor units, as a string or a safe integer.
const money = z
  .union([z.string().regex(/^-?\d+$/, "must be a whole number of minor units"), z.number().int()])
  .transform((value) => BigInt(value));
const text = z.string();
const customerGid = z.string().regex(/^gid:\/\/shopify\/Customer\/\d+$/, "must be a customer GID");

const settingsInput = z
  .object({
    pendingDays: z.number(),
    expiry: z.object({ mode: z.enum(["never", "inactivity", "batch"]), months: z.number() }).partial(),
    purchaseBase: z.object({ includeShipping: z.boolean(), includeTax: z.boolean(), discountsReduce: z.boolean() }).partial(),
    holdoutPercent: z.number(),
    tierBasis: z
      .object({ metric: z.enum(["points", "spend"]), window: z.enum(["lifetime", "calendar_year", "rolling_12_months"]) })
      .partial(),
    tierRetentionMonths: z.number(),
    tierTag: z.boolean(),
  })
  .partial();

const ruleInput = z.discriminatedUnion("kind", [
  z.object({
    id: text,
    kind: z.literal("purchase"),
    points: z.number(),
    perAmount: money,
    effectiveFrom: z.iso.datetime().optional(),
  }),
  z.object({
    id: text,
    kind: z.enum(["first_order", "signup", "newsletter", "birthday", "custom"]),
    points: z.number(),
    name: text.optional(),
    effectiveFrom: z.iso.datetime().optional(),
  }),
]);

const tierInput = z.object({
  id: text,
  name: text,
  threshold: money,
  multiplierBasisPoints: z.number(),
  cashbackBasisPoints: z.number().optional(),
});

// Absent or empty: no description, the offer says enough.
const description = text.optional();
const rewardBase = {
  id: text,
  name: text,
  description,
  /** Per locale key ("fr", "pt-BR"); validateReward checks the keys (reward-texts.ts). */
  translations: z.record(text, z.object({ name: text, description })).optional(),
  pointsCost: z.number(),
  validDays: z.number(),
  minimumOrder: money.optional(),
};
const rewardInput = z.discriminatedUnion("kind", [
  z.object({ ...rewardBase, kind: z.literal("fixed_amount"), value: money }),
  z.object({ ...rewardBase, kind: z.literal("percentage"), percent: z.number() }),
  z.object({ ...rewardBase, kind: z.literal("free_shipping") }),
  z.object({ ...rewardBase, kind: z.literal("store_credit"), value: money }),
]);

export const programInput = z.object({
  enabled: z.boolean().optional(),
  settings: settingsInput.optional(),
  /** The rules in force; a rule left out is retired. */
  rules: z.array(ruleInput).optional(),
  tiers: z.array(tierInput).optional(),
  rewards: z.array(rewardInput).optional(),
  /** The harmful changes the merchant confirmed ("program-off", "tier:<id>", "reward:<id>"; harm.ts). */
  confirmed: z.array(text).optional(),
});
export type ProgramInput = z.output<typeof programInput>;

export async function programView(shopDomain: string) {
  const program = await loadProgram(db, shopDomain);
  return {
    enabled: program?.enabled ?? false,
    settings: program?.settings ?? DEFAULT_SETTINGS,
    rules: await loadRules(db, shopDomain),
    tiers: await loadTiers(db, shopDomain),
    rewards: await loadRewards(db, shopDomain),
  };
}

function mergeSettings(current: ProgramSettings, input: ProgramInput["settings"] = {}): ProgramSettings {
  return {
    ...current,
    ...input,
    expiry: { ...current.expiry, ...input.expiry },
    purchaseBase: { ...current.purchaseBase, ...input.purchaseBase },
    tierBasis: { ...current.tierBasis, ...input.tierBasis },
  };
}

/**
 * The rule versions a save writes: a new rule starts at version 1 (from `effectiveFrom`, else
 * now: a program can start counting orders from its launch date); a changed one gets its next
 * version from now (reviseRule); one left out is retired now. History is never rewritten, so
 * `effectiveFrom` counts only for a rule id never used before.
 */
function planRules(versions: EarningRule[], input: NonNullable<ProgramInput["rules"]>, now: Date) {
  const errors: FieldError[] = [];
  const retire: EarningRule[] = [];
  const create: EarningRule[] = [];
  const inForce = new Map(versions.filter((rule) => rule.retiredAt === null).map((rule) => [rule.id, rule]));
  const seen = new Set<string>();
  input.forEach((rule, index) => {
    const at = `rules[${index}].`;
    if (seen.has(rule.id)) errors.push(fieldError(`${at}id`, "duplicateId"));
    seen.add(rule.id);
    const { effectiveFrom, ...fields } = rule;
    const current = inForce.get(rule.id);
    let next: EarningRule;
    if (!current) {
      const version = Math.max(0, ...versions.filter((v) => v.id === rule.id).map((v) => v.version)) + 1;
      const from = version === 1 && effectiveFrom ? new Date(effectiveFrom) : now;
      next = { ...fields, version, effectiveFrom: from, retiredAt: null } as EarningRule;
      if (next.effectiveFrom > now) errors.push(fieldError(`${at}effectiveFrom`, "future"));
    } else if (current.kind !== rule.kind) {
      errors.push(fieldError(`${at}kind`, "kindFixed", { kind: current.kind }));
      return;
    } else {
      const revised = { ...current, ...fields } as EarningRule;
      if (ruleDefinition(revised) === ruleDefinition(current)) return;
      const revision = reviseRule(current, fields as never, now);
      retire.push(revision.retired);
      next = revision.next;
    }
    errors.push(...prefixed(at, validateEarningRule(next)));
    create.push(next);
  });
  if (input.filter((rule) => rule.kind === "purchase").length > 1) errors.push(fieldError("rules", "onePurchaseRule"));
  for (const rule of inForce.values()) if (!seen.has(rule.id)) retire.push({ ...rule, retiredAt: now });
  return { errors, retire, create };
}

/**
 * Validates everything, then saves it in one transaction; throws LoyaltyInputError (nothing saved)
 * on any error, and UnconfirmedHarmError for a valid save that takes something from shoppers
 * without naming it in `confirmed`.
 */
export async function saveProgram(shopDomain: string, input: ProgramInput, now = new Date()) {
  const current = await loadProgram(db, shopDomain);
  const [currentTiers, currentRewards] = await Promise.all([loadTiers(db, shopDomain), loadRewards(db, shopDomain)]);
  const settings = mergeSettings(current?.settings ?? DEFAULT_SETTINGS, input.settings);
  const errors = prefixed("settings.", validateProgramSettings(settings));
  const rules = input.rules && planRules(await loadRules(db, shopDomain), input.rules, now);
  if (rules) errors.push(...rules.errors);
  const tiers: Tier[] | undefined = input.tiers;
  if (tiers) errors.push(...validateTiers(tiers));
  const rewards = input.rewards as Reward[] | undefined;
  rewards?.forEach((reward, index) => {
    errors.push(...prefixed(`rewards[${index}].`, validateReward(reward)));
    if (rewards.findIndex((other) => other.id === reward.id) !== index)
      errors.push(fieldError(`rewards[${index}].id`, "duplicateId"));
  });
  if (errors.length) throw new LoyaltyInputError(errors);
  const harms = unconfirmedHarms(
    harmfulChanges(current && { enabled: current.enabled, tiers: currentTiers, rewards: currentRewards }, input),
    input.confirmed,
  );
  if (harms.length)
    throw new UnconfirmedHarmError(
      harmErrors(harms),
      await harmImpact(shopDomain, harms, { settings, tiers: tiers ?? currentTiers }, now),
    );

  await db.$transaction(async (tx: Tx) => {
    const program = { enabled: input.enabled ?? current?.enabled ?? false, settings: JSON.stringify(settings) };
    await tx.loyaltyProgram.upsert({
      where: { shopDomain },
      create: { shopDomain, ...program, salt: randomBytes(16).toString("hex") },
      // The worker writes the storefront's copy of the program (app/storefront/program-metafield.server.ts).
      update: { ...program, metafieldRevision: { increment: 1 }, metafieldStale: true, metafieldAttempts: 0 },
    });
    for (const rule of rules?.retire ?? []) {
      await tx.earningRule.update({
        where: { shopDomain_ruleId_version: { shopDomain, ruleId: rule.id, version: rule.version } },
        data: { retiredAt: rule.retiredAt },
      });
    }
    for (const rule of rules?.create ?? []) {
      await tx.earningRule.create({
        data: {
          shopDomain,
          ruleId: rule.id,
          version: rule.version,
          kind: rule.kind,
          definition: ruleDefinition(rule),
          effectiveFrom: rule.effectiveFrom,
        },
      });
    }
    if (tiers) {
      await tx.loyaltyTier.deleteMany({ where: { shopDomain } });
      await tx.loyaltyTier.createMany({ data: tiers.map(({ id, ...tier }) => ({ shopDomain, tierId: id, ...tier })) });
    }
    if (rewards) {
      // Redemptions keep the reward's id and cost; a reward left out can no longer be redeemed.
      await tx.loyaltyReward.deleteMany({ where: { shopDomain } });
      await tx.loyaltyReward.createMany({
        data: rewards.map((reward) => ({
          shopDomain,
          rewardId: reward.id,
          pointsCost: reward.pointsCost,
          definition: rewardToJson(reward),
        })),
      });
    }
    // Settings, tiers or the program being switched on change every member's standing.
    await tx.loyaltyMember.updateMany({ where: { shopDomain }, data: { reviewAt: now } });
    if (settings.tierTag && !current?.settings.tierTag) {
      // Forgetting the tier last written makes the next sync write it again, and tag the member.
      await tx.loyaltyMember.updateMany({
        where: { shopDomain, tierId: { not: null } },
        data: { syncedTier: null, needsSync: true },
      });
    }
  });
  return programView(shopDomain);
}

export async function memberView(shopDomain: string, customerGid: string, now = new Date()) {
  const member = await db.loyaltyMember.findUnique({ where: { shopDomain_customerGid: { shopDomain, customerGid } } });
  if (!member) return null;
  const entries = await memberEntries(db, shopDomain, customerGid);
  const tier = member.tierId
    ? await db.loyaltyTier.findUnique({ where: { shopDomain_tierId: { shopDomain, tierId: member.tierId } } })
    : null;
  const tierChanges = await db.tierChange.findMany({
    where: { shopDomain, memberGid: customerGid },
    orderBy: [{ at: "asc" }, { id: "asc" }],
  });
  return {
    customerGid,
    enrolledAt: member.enrolledAt,
    heldOut: member.heldOut,
    birthday: member.birthday,
    tier: tier && { id: tier.tierId, name: tier.name, since: member.tierSince },
    balance: balancesAt(entries, now),
    ledger: entries.reverse(),
    tierChanges: tierChanges.map(({ kind, fromTier, toTier, at }) => ({ kind, from: fromTier, to: toTier, at })),
  };
}

export const adjustmentInput = z.object({
  customerGid,
  points: z
    .number()
    .int()
    .refine((points) => points !== 0, "must not be 0"),
  reason: text.trim().min(1, "must not be empty"),
  requestId: text.min(1, "must not be empty"),
  /** A deduction larger than the available balance is recorded only with this (the rest becomes the shortfall). */
  confirmShortfall: z.boolean().optional(),
});

/** Why a manual change was not recorded; a deduction that needs confirming names the available balance. */
export type AdjustmentRefusal =
  | { code: "noProgram" | "unknownCustomer" | "heldOut"; params?: undefined }
  | { code: "shortfallUnconfirmed"; params: { available: number } };

const REFUSAL_STATUS: Record<AdjustmentRefusal["code"], 404 | 409> = {
  noProgram: 409,
  unknownCustomer: 404,
  heldOut: 409,
  shortfallUnconfirmed: 409,
};

/** The API's answer to a refusal: its status, the code, and English for API users. */
export function adjustmentRefusalAnswer(refusal: AdjustmentRefusal): Response {
  const error = {
    noProgram: () => "the loyalty program is not set up",
    unknownCustomer: () => "the shop has no such customer",
    heldOut: () => "the customer is in the holdout group and earns no points",
    shortfallUnconfirmed: () =>
      `the deduction is larger than the ${refusal.params?.available} points available; send confirmShortfall: true to deduct them and record the rest as shortfall`,
  }[refusal.code]();
  return json({ code: refusal.code, params: refusal.params ?? {}, error }, REFUSAL_STATUS[refusal.code]);
}

/**
 * A manual change by a staff member, for a customer the shop has (not deleted or redacted). The
 * requestId makes a repeated post (a double click, a retry) record one entry; the answer is that
 * entry either way. A deduction larger than the available balance is refused unless confirmed.
 */
export async function adjustPoints(
  shopDomain: string,
  actor: string,
  input: z.output<typeof adjustmentInput>,
  now = new Date(),
): Promise<{ ok: true; entry: LedgerEntry } | ({ ok: false } & AdjustmentRefusal)> {
  const program = await loadProgram(db, shopDomain);
  if (!program) return { ok: false, code: "noProgram" };
  const customer = await db.customer.findUnique({
    where: { shopDomain_gid: { shopDomain, gid: input.customerGid } },
    select: { deletedAt: true, redactedAt: true },
  });
  if (!customer || customer.deletedAt || customer.redactedAt) return { ok: false, code: "unknownCustomer" };
  return db.$transaction(async (tx: Tx) => {
    const member = await enrollMember(tx, shopDomain, input.customerGid, program, now);
    if (member.heldOut) return { ok: false as const, code: "heldOut" as const };
    const sourceKey = sourceKeys.manual(input.customerGid, input.requestId);
    const recorded = await tx.ledgerEntry.findUnique({ where: { shopDomain_sourceKey: { shopDomain, sourceKey } } });
    if (recorded) return { ok: true as const, entry: entryFromRow(recorded) };
    const { available } = balancesAt(await memberEntries(tx, shopDomain, input.customerGid), now);
    // The member's row is locked (enrollMember), so no other debit can slip in between.
    if (-input.points > available && !input.confirmShortfall)
      return { ok: false as const, code: "shortfallUnconfirmed" as const, params: { available } };
    const entry = manualEntry({
      ...input,
      memberGid: input.customerGid,
      actor,
      availableBalance: available,
      expiry: program.settings.expiry,
      now,
    });
    await insertEntries(tx, shopDomain, [entry]);
    await reviewSoon(tx, member.id, now);
    return { ok: true as const, entry };
  });
}
