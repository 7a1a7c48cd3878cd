// What a merchant configures: program settings, earning rules (versioned), tiers and rewards,
// with validation that returns every problem at once as field errors for the admin form.
// Money is integer minor units of the shop currency (bigint); points are safe integers.
import {
  MAX_REWARD_DESCRIPTION,
  MAX_REWARD_LANGUAGES,
  MAX_REWARD_NAME,
  localeKey,
  repeatsName,
  type RewardText,
  type RewardTranslations,
} from "./reward-texts";

export type ExpiryMode = "never" | "inactivity" | "batch";
export type TierMetric = "points" | "spend";
export type TierWindow = "lifetime" | "calendar_year" | "rolling_12_months";

export interface ExpirySettings {
  mode: ExpiryMode;
  /** Months of inactivity (inactivity mode), or months a batch lives once available (batch mode). */
  months: number;
}

/** What counts toward the purchase base: the net order value, plus or minus these. */
export interface PurchaseBaseSettings {
  includeShipping: boolean;
  includeTax: boolean;
  /** true: points on the price paid; false: on the price before discounts. */
  discountsReduce: boolean;
}

export interface TierBasis {
  metric: TierMetric;
  window: TierWindow;
}

export interface ProgramSettings {
  /** Days purchase points stay pending before they can be spent. */
  pendingDays: number;
  expiry: ExpirySettings;
  purchaseBase: PurchaseBaseSettings;
  /** Share of new customers kept out of the program to measure its lift, 0-50 (up to 2 decimals). */
  holdoutPercent: number;
  tierBasis: TierBasis;
  /** Months a member keeps a tier before a demotion can happen. */
  tierRetentionMonths: number;
  /** Also tag customers `comeback-tier:<tier name>`, for segments and flows that filter on tags. */
  tierTag: boolean;
}

export const DEFAULT_SETTINGS: ProgramSettings = {
  pendingDays: 14,
  expiry: { mode: "never", months: 12 },
  purchaseBase: { includeShipping: false, includeTax: false, discountsReduce: true },
  holdoutPercent: 0,
  tierBasis: { metric: "points", window: "rolling_12_months" },
  tierRetentionMonths: 12,
  tierTag: false,
};

/** The English of each field error code, for API users and logs; the admin translates the code (loyalty.json errors.*). */
const FIELD_ERROR_TEXT = {
  wholeNumberRange: ({ min, max }) => `must be a whole number from ${min} to ${max}`,
  positiveAmount: () => "must be an amount above zero",
  oneOf: ({ allowed }) => `must be one of ${allowed}`,
  notBoolean: () => "must be true or false",
  required: () => "must not be empty",
  negative: () => "must not be negative",
  comma: () => "must not contain a comma",
  duplicateTier: () => "another tier has the same value",
  duplicateId: () => "another item of the list has the same id",
  holdoutPercent: () => "must be a percentage from 0 to 50 with at most 2 decimals",
  retiredBeforeEffective: () => "must not be before effectiveFrom",
  future: () => "must not be in the future",
  kindFixed: ({ kind }) => `must stay ${kind}; add a rule with a new id instead`,
  onePurchaseRule: () => "only one purchase rule can be in force",
  unconfirmed: ({ confirm }) =>
    `takes something away from shoppers; send the save again with "${confirm}" in confirmed to go ahead`,
  // Requests: a body that is not JSON or too large, a value of the wrong shape (the message is the schema's).
  notJson: () => "the body is not valid JSON",
  jsonContentType: () => "the body must be JSON, sent as Content-Type: application/json",
  cursor: () => "must be a cursor from a previous page",
  invalid: () => "has the wrong form",
  // Merchant text shown to shoppers (reward-texts.ts).
  tooLong: ({ max }) => `must be at most ${max} characters`,
  repeatsName: () => "must say more than the name; leave it empty if the name says it all",
  locale: () => "must be a language code such as fr or pt-BR",
  tooMany: ({ max }) => `must have at most ${max} entries`,
} satisfies Record<string, (params: FieldErrorParams) => string>;

export type FieldErrorCode = keyof typeof FIELD_ERROR_TEXT;
export type FieldErrorParams = Record<string, string | number>;
export const FIELD_ERROR_CODES = Object.keys(FIELD_ERROR_TEXT) as FieldErrorCode[];

export interface FieldError {
  /** Path of the offending field, as the form names it: "expiry.months", "tiers[1].threshold". */
  field: string;
  code: FieldErrorCode;
  params: FieldErrorParams;
  /** The same in English, for API users. */
  message: string;
}

/** A field error with its English message; `message` replaces it where a schema words the problem. */
export function fieldError(field: string, code: FieldErrorCode, params: FieldErrorParams = {}, message?: string): FieldError {
  return { field, code, params, message: message ?? FIELD_ERROR_TEXT[code](params) };
}

/** Largest number of points one rule, tier or reward may name: far below 2^53, far above any real program. */
export const MAX_POINTS = 1_000_000_000;

const EXPIRY_MODES: readonly ExpiryMode[] = ["never", "inactivity", "batch"];
const TIER_METRICS: readonly TierMetric[] = ["points", "spend"];
const TIER_WINDOWS: readonly TierWindow[] = ["lifetime", "calendar_year", "rolling_12_months"];

/** Collects field errors; each check adds one when it fails. */
export class Checks {
  readonly errors: FieldError[] = [];

  integer(field: string, value: number, min: number, max: number): void {
    if (!Number.isInteger(value) || value < min || value > max) {
      this.errors.push(fieldError(field, "wholeNumberRange", { min, max }));
    }
  }

  positiveMoney(field: string, value: bigint): void {
    if (value <= 0n) this.errors.push(fieldError(field, "positiveAmount"));
  }

  oneOf<T extends string>(field: string, value: T, allowed: readonly T[]): void {
    if (!allowed.includes(value)) this.errors.push(fieldError(field, "oneOf", { allowed: allowed.join(", ") }));
  }

  boolean(field: string, value: boolean): void {
    if (typeof value !== "boolean") this.errors.push(fieldError(field, "notBoolean"));
  }

  text(field: string, value: string): void {
    if (value.trim() === "") this.errors.push(fieldError(field, "required"));
  }

  /** A reward's name and description in one language; `prefix` ends with the dot before "name". */
  rewardText(prefix: string, { name, description }: RewardText): void {
    this.text(`${prefix}name`, name);
    if (name.length > MAX_REWARD_NAME) this.errors.push(fieldError(`${prefix}name`, "tooLong", { max: MAX_REWARD_NAME }));
    if (description === undefined) return;
    if (description.length > MAX_REWARD_DESCRIPTION)
      this.errors.push(fieldError(`${prefix}description`, "tooLong", { max: MAX_REWARD_DESCRIPTION }));
    if (repeatsName(description, name)) this.errors.push(fieldError(`${prefix}description`, "repeatsName"));
  }

  /** Adds `value` to `seen`; an error when it was there already. */
  unique<T>(field: string, value: T, seen: Set<T>): void {
    if (seen.has(value)) this.errors.push(fieldError(field, "duplicateTier"));
    seen.add(value);
  }
}

export function validateProgramSettings(settings: ProgramSettings): FieldError[] {
  const check = new Checks();
  check.integer("pendingDays", settings.pendingDays, 0, 365);
  check.oneOf("expiry.mode", settings.expiry.mode, EXPIRY_MODES);
  check.integer("expiry.months", settings.expiry.months, 1, 120);
  const hundredths = settings.holdoutPercent * 100;
  if (!(settings.holdoutPercent >= 0 && settings.holdoutPercent <= 50) || Math.abs(hundredths - Math.round(hundredths)) > 1e-9) {
    check.errors.push(fieldError("holdoutPercent", "holdoutPercent"));
  }
  check.oneOf("tierBasis.metric", settings.tierBasis.metric, TIER_METRICS);
  check.oneOf("tierBasis.window", settings.tierBasis.window, TIER_WINDOWS);
  check.integer("tierRetentionMonths", settings.tierRetentionMonths, 0, 60);
  check.boolean("tierTag", settings.tierTag);
  return check.errors;
}

// Earning rules. A change never edits a rule in place: it retires the version in force and starts
// the next one, so every entry can name the exact version (and rate) it was earned under.

interface RuleVersion {
  /** Stable across versions. */
  id: string;
  /** 1, 2, 3... */
  version: number;
  effectiveFrom: Date;
  /** null while in force. */
  retiredAt: Date | null;
}

/** "1 point per 10.00 EUR" = { points: 1, perAmount: 1000n }. */
export interface PurchaseRate {
  points: number;
  /** Minor units of the shop currency. */
  perAmount: bigint;
}

export type PurchaseRule = RuleVersion & PurchaseRate & { kind: "purchase" };
export type BonusKind = "first_order" | "signup" | "newsletter" | "birthday" | "custom";
export type BonusRule = RuleVersion & {
  kind: BonusKind;
  points: number;
  /** Custom rules: what the member did ("Follow us on Instagram"). */
  name?: string;
};
export type EarningRule = PurchaseRule | BonusRule;

export function validateEarningRule(rule: EarningRule): FieldError[] {
  const check = new Checks();
  check.text("id", rule.id);
  check.integer("version", rule.version, 1, Number.MAX_SAFE_INTEGER);
  check.integer("points", rule.points, 1, MAX_POINTS);
  if (rule.kind === "purchase") check.positiveMoney("perAmount", rule.perAmount);
  if (rule.kind === "custom") check.text("name", rule.name ?? "");
  if (rule.retiredAt && rule.retiredAt < rule.effectiveFrom) {
    check.errors.push(fieldError("retiredAt", "retiredBeforeEffective"));
  }
  return check.errors;
}

type FixedRuleFields = "id" | "kind" | "version" | "effectiveFrom" | "retiredAt";
export type RuleChanges<R extends EarningRule> = Partial<Omit<R, FixedRuleFields>>;

/**
 * Retires `current` at `at` and returns it with the next version, which takes `changes` and is in
 * force from `at`. Throws when `current` is already retired or `at` precedes it.
 */
export function reviseRule<R extends EarningRule>(current: R, changes: RuleChanges<R>, at: Date): { retired: R; next: R } {
  if (current.retiredAt !== null) throw new RangeError(`rule ${current.id} v${current.version} is already retired`);
  if (at < current.effectiveFrom) throw new RangeError(`rule ${current.id} cannot change before it took effect`);
  return {
    retired: { ...current, retiredAt: at },
    next: { ...current, ...changes, version: current.version + 1, effectiveFrom: at, retiredAt: null },
  };
}

/** The version of a rule in force at `at` (effectiveFrom <= at < retiredAt), or null. */
export function ruleInForce<R extends EarningRule>(versions: readonly R[], at: Date): R | null {
  return versions.find((rule) => rule.effectiveFrom <= at && (rule.retiredAt === null || at < rule.retiredAt)) ?? null;
}

// Tiers.

export interface Tier {
  id: string;
  name: string;
  /** Qualifying value to enter: points, or minor units of net spend, per the program's tier basis. */
  threshold: bigint;
  /** Earning multiplier on purchase points: 12500 = x1.25. */
  multiplierBasisPoints: number;
  /** Cashback perk: this share of each order as store credit once its points are available; 1000 = 10 %. Absent: none. */
  cashbackBasisPoints?: number;
}

/** The most cashback a tier may give: half of each order. */
export const MAX_CASHBACK_BASIS_POINTS = 5000;

export const NO_MULTIPLIER = 10_000;

/** Unique ids, names and thresholds; multipliers from x1 to x10 (a tier never earns less than no tier). */
export function validateTiers(tiers: readonly Tier[]): FieldError[] {
  const check = new Checks();
  const ids = new Set<string>();
  const names = new Set<string>();
  const thresholds = new Set<bigint>();
  tiers.forEach((tier, index) => {
    const at = `tiers[${index}]`;
    check.text(`${at}.id`, tier.id);
    check.text(`${at}.name`, tier.name);
    // The name becomes a customer tag, and Shopify splits tags at commas.
    if (tier.name.includes(",")) check.errors.push(fieldError(`${at}.name`, "comma"));
    if (tier.threshold < 0n) check.errors.push(fieldError(`${at}.threshold`, "negative"));
    check.integer(`${at}.multiplierBasisPoints`, tier.multiplierBasisPoints, NO_MULTIPLIER, 10 * NO_MULTIPLIER);
    if (tier.cashbackBasisPoints !== undefined)
      check.integer(`${at}.cashbackBasisPoints`, tier.cashbackBasisPoints, 0, MAX_CASHBACK_BASIS_POINTS);
    check.unique(`${at}.id`, tier.id, ids);
    check.unique(`${at}.name`, tier.name.trim().toLowerCase(), names);
    check.unique(`${at}.threshold`, tier.threshold, thresholds);
  });
  return check.errors;
}

// Rewards.

interface RewardBase {
  id: string;
  /** In the shop's primary language, as `description`; `translations` has the other languages' (decision 33). */
  name: string;
  description?: string;
  translations?: RewardTranslations;
  pointsCost: number;
  /** Days the discount code stays valid from the redemption; store credit: days until it expires, 0 never. */
  validDays: number;
  /** Order subtotal the code requires, minor units; none when absent. */
  minimumOrder?: bigint;
}

export type FixedAmountReward = RewardBase & { kind: "fixed_amount"; value: bigint };
export type PercentageReward = RewardBase & { kind: "percentage"; percent: number };
export type FreeShippingReward = RewardBase & { kind: "free_shipping" };
/** Credits `value` to the customer's Shopify store credit account: no code, spent at checkout (decision 27). */
export type StoreCreditReward = RewardBase & { kind: "store_credit"; value: bigint };
export type Reward = FixedAmountReward | PercentageReward | FreeShippingReward | StoreCreditReward;
/** The rewards redeemed for a discount code. */
export type CodeReward = Exclude<Reward, StoreCreditReward>;

/** Longest a store credit may last, in days: ten years. */
export const MAX_CREDIT_DAYS = 3650;

export function validateReward(reward: Reward): FieldError[] {
  const check = new Checks();
  check.text("id", reward.id);
  check.rewardText("", reward);
  const languages = Object.entries(reward.translations ?? {});
  if (languages.length > MAX_REWARD_LANGUAGES)
    check.errors.push(fieldError("translations", "tooMany", { max: MAX_REWARD_LANGUAGES }));
  for (const [locale, text] of languages) {
    if (localeKey(locale) !== locale) check.errors.push(fieldError(`translations.${locale}`, "locale"));
    else check.rewardText(`translations.${locale}.`, text);
  }
  check.integer("pointsCost", reward.pointsCost, 1, MAX_POINTS);
  if (reward.kind === "store_credit") check.integer("validDays", reward.validDays, 0, MAX_CREDIT_DAYS);
  else check.integer("validDays", reward.validDays, 1, 365);
  if (reward.minimumOrder !== undefined) check.positiveMoney("minimumOrder", reward.minimumOrder);
  if (reward.kind === "fixed_amount" || reward.kind === "store_credit") check.positiveMoney("value", reward.value);
  if (reward.kind === "percentage") check.integer("percent", reward.percent, 1, 100);
  return check.errors;
}
