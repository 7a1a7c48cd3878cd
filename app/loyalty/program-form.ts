// The program settings page's form: the program as text fields (what the merchant types, in their
// language) and back into the shape saveProgram takes, with the problems of either step as
// messages keyed by the form's fields. Pure: the browser uses it for the preview, the action to save.
import { currencyDigits } from "../i18n/format";
import { MAX_REWARD_LANGUAGES, localeKey } from "./reward-texts";
import { parseMoney, parseScaled, moneyInputText, scaledInputText, type DecimalProblem } from "./decimal-input";
import {
  validateEarningRule,
  validateProgramSettings,
  validateReward,
  validateTiers,
  type BonusKind,
  type BonusRule,
  type EarningRule,
  type ExpiryMode,
  type FieldError,
  type FieldErrorCode,
  type FieldErrorParams,
  type ProgramSettings,
  type PurchaseBaseSettings,
  type Reward,
  type Tier,
  type TierBasis,
} from "./program";

/** Bonus rules a program has at most one of, each switched on or off. */
export const FIXED_BONUSES = ["first_order", "signup", "newsletter", "birthday"] as const;
export type FixedBonus = (typeof FIXED_BONUSES)[number];
export const REWARD_KINDS = ["fixed_amount", "percentage", "free_shipping", "store_credit"] as const;

export interface TierForm {
  id: string;
  name: string;
  /** Points, or an amount of the shop currency, per the program's tier basis. */
  threshold: string;
  /** "1.25" for x1.25. */
  multiplier: string;
  /** Cashback percent, "2.5" for 2.5 %; "0" or empty: none. */
  cashback: string;
}

export interface RewardForm {
  id: string;
  /** In the shop's primary language. */
  name: string;
  /** Empty: none. */
  description: string;
  /** The name and description per language of the form's `languages`; empty fields: not translated. */
  translations: Record<string, { name: string; description: string }>;
  kind: Reward["kind"];
  pointsCost: string;
  validDays: string;
  /** Fixed amount off. */
  value: string;
  /** Percentage off. */
  percent: string;
  /** Empty: no minimum. */
  minimumOrder: string;
}

export interface ProgramForm {
  enabled: boolean;
  purchase: { id: string; on: boolean; points: string; perAmount: string };
  bonuses: Record<FixedBonus, { id: string; on: boolean; points: string }>;
  custom: { id: string; name: string; points: string }[];
  settings: {
    pendingDays: string;
    expiry: { mode: ExpiryMode; months: string };
    purchaseBase: PurchaseBaseSettings;
    holdoutPercent: string;
    tierBasis: TierBasis;
    tierRetentionMonths: string;
    tierTag: boolean;
  };
  tiers: TierForm[];
  rewards: RewardForm[];
  /** The languages besides the primary one that rewards have texts in (locale keys, reward-texts.ts). */
  languages: string[];
}

/** The program as the page loads it: its settings and what is in force now. */
export interface ProgramData {
  enabled: boolean;
  settings: ProgramSettings;
  rules: EarningRule[];
  tiers: Tier[];
  rewards: Reward[];
}

/** What saveProgram takes (its ProgramInput), every part named: the page saves the whole program. */
export interface ProgramSave {
  enabled: boolean;
  settings: ProgramSettings;
  rules: (
    | { id: string; kind: "purchase"; points: number; perAmount: bigint }
    | { id: string; kind: BonusKind; points: number; name?: string }
  )[];
  tiers: Tier[];
  rewards: Reward[];
}

/** What the form itself finds before the domain looks: values it cannot read, tiers out of order, a form it cannot read at all. */
export const FORM_PROBLEM_CODES = ["notANumber", "tooManyDecimals", "tierNotIncreasing", "unreadable"] as const;
export type FormProblemCode = (typeof FORM_PROBLEM_CODES)[number];

/** A problem of one field: a code the page translates (loyalty namespace, errors.<code>) with its parameters. */
export interface FieldMessage {
  /** The form's name of the field ("tiers[1].threshold", "bonuses.birthday.points"); "" for the whole program. */
  field: string;
  code: FieldErrorCode | FormProblemCode;
  params: FieldErrorParams;
}

/** Suggested points for a bonus the merchant switches on. */
const BONUS_POINTS: Record<FixedBonus, number> = { first_order: 100, signup: 50, newsletter: 25, birthday: 100 };

let idCounter = 0;
/** An id for a tier, reward or custom rule added on the page: unique within the shop's program. */
export function newId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${(idCounter++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

/** `fresh`: the program was never saved, so the form suggests earning on purchases. */
export function formFromProgram(program: ProgramData, currency: string, locale: string, fresh = false): ProgramForm {
  const inForce = program.rules.filter((rule) => rule.retiredAt === null);
  const purchase = inForce.find((rule) => rule.kind === "purchase");
  const bonuses = Object.fromEntries(
    FIXED_BONUSES.map((kind) => {
      const rule = inForce.find((r) => r.kind === kind);
      return [kind, { id: rule?.id ?? kind, on: Boolean(rule), points: String(rule?.points ?? BONUS_POINTS[kind]) }];
    }),
  ) as ProgramForm["bonuses"];
  const { settings } = program;
  const threshold = (tier: Tier) =>
    settings.tierBasis.metric === "spend" ? moneyInputText(tier.threshold, currency, locale) : String(tier.threshold);
  return {
    enabled: program.enabled,
    purchase: {
      id: purchase?.id ?? "purchase",
      on: Boolean(purchase) || fresh,
      points: String(purchase?.points ?? 1),
      // A new program suggests 1 point per whole unit of the currency.
      perAmount: moneyInputText(
        purchase?.kind === "purchase" ? purchase.perAmount : 10n ** BigInt(currencyDigits(currency)),
        currency,
        locale,
      ),
    },
    bonuses,
    custom: inForce
      .filter((rule): rule is BonusRule => rule.kind === "custom")
      .map((rule) => ({ id: rule.id, name: rule.name ?? "", points: String(rule.points) })),
    settings: {
      pendingDays: String(settings.pendingDays),
      expiry: { mode: settings.expiry.mode, months: String(settings.expiry.months) },
      purchaseBase: { ...settings.purchaseBase },
      holdoutPercent: scaledInputText(Math.round(settings.holdoutPercent * 100), locale, 2),
      tierBasis: { ...settings.tierBasis },
      tierRetentionMonths: String(settings.tierRetentionMonths),
      tierTag: settings.tierTag,
    },
    tiers: program.tiers.map((tier) => ({
      id: tier.id,
      name: tier.name,
      threshold: threshold(tier),
      multiplier: scaledInputText(tier.multiplierBasisPoints, locale, 4),
      cashback: scaledInputText(tier.cashbackBasisPoints ?? 0, locale, 2),
    })),
    rewards: program.rewards.map((reward) => ({
      id: reward.id,
      name: reward.name,
      description: reward.description ?? "",
      translations: Object.fromEntries(
        Object.entries(reward.translations ?? {}).map(([language, text]) => [
          language,
          { name: text.name, description: text.description ?? "" },
        ]),
      ),
      kind: reward.kind,
      pointsCost: String(reward.pointsCost),
      validDays: String(reward.validDays),
      value:
        reward.kind === "fixed_amount" || reward.kind === "store_credit" ? moneyInputText(reward.value, currency, locale) : "",
      percent: reward.kind === "percentage" ? String(reward.percent) : "",
      minimumOrder: reward.minimumOrder === undefined ? "" : moneyInputText(reward.minimumOrder, currency, locale),
    })),
    languages: [...new Set(program.rewards.flatMap((reward) => Object.keys(reward.translations ?? {})))].sort(),
  };
}

export const newTier = (): TierForm => ({ id: newId("tier"), name: "", threshold: "", multiplier: "1", cashback: "0" });
export const newReward = (): RewardForm => ({
  id: newId("reward"),
  name: "",
  description: "",
  translations: {},
  kind: "fixed_amount",
  pointsCost: "",
  validDays: "30",
  value: "",
  percent: "",
  minimumOrder: "",
});
export const newCustomRule = () => ({ id: newId("custom"), name: "", points: "" });

const PROBLEM_CODES: Record<DecimalProblem, FieldMessage["code"]> = {
  empty: "required",
  invalid: "notANumber",
  tooManyDecimals: "tooManyDecimals",
};

/** The form read into saveProgram's input; `problems` are the fields that could not be read or are out of order. */
export function readProgramForm(form: ProgramForm, currency: string, locale: string) {
  const problems: FieldMessage[] = [];
  const unreadable = (field: string, problem: DecimalProblem) =>
    problems.push({ field, code: PROBLEM_CODES[problem], params: {} });
  // A value that cannot be read stands in as NaN, -1 or 0 for the domain's checks, whose verdict on
  // that field is then left out (formProblems); nothing is saved while any problem remains.
  const scaled = (field: string, text: string, digits: number): bigint | null => {
    const result = parseScaled(text, locale, digits);
    if (result.ok) return result.value;
    unreadable(field, result.problem);
    return null;
  };
  const count = (field: string, text: string) => {
    const value = scaled(field, text, 0);
    return value === null ? Number.NaN : Number(value);
  };
  const money = (field: string, text: string) => {
    const result = parseMoney(text, currency, locale);
    if (result.ok) return result.value;
    unreadable(field, result.problem);
    return null;
  };

  /** The form's field behind each rules[i] of the input, for the domain's errors. */
  const ruleFields: string[] = [];
  const rules: ProgramSave["rules"] = [];
  if (form.purchase.on) {
    rules.push({
      id: form.purchase.id,
      kind: "purchase",
      points: count("purchase.points", form.purchase.points),
      perAmount: money("purchase.perAmount", form.purchase.perAmount) ?? 0n,
    });
    ruleFields.push("purchase");
  }
  for (const kind of FIXED_BONUSES) {
    const bonus = form.bonuses[kind];
    if (!bonus.on) continue;
    rules.push({ id: bonus.id, kind, points: count(`bonuses.${kind}.points`, bonus.points) });
    ruleFields.push(`bonuses.${kind}`);
  }
  form.custom.forEach((rule, index) => {
    rules.push({ id: rule.id, kind: "custom", points: count(`custom[${index}].points`, rule.points), name: rule.name.trim() });
    ruleFields.push(`custom[${index}]`);
  });

  const typed = form.settings;
  const settings: ProgramSettings = {
    pendingDays: count("settings.pendingDays", typed.pendingDays),
    expiry: { mode: typed.expiry.mode, months: count("settings.expiry.months", typed.expiry.months) },
    purchaseBase: { ...typed.purchaseBase },
    holdoutPercent: Number(scaled("settings.holdoutPercent", typed.holdoutPercent, 2) ?? Number.NaN) / 100,
    tierBasis: { ...typed.tierBasis },
    tierRetentionMonths: count("settings.tierRetentionMonths", typed.tierRetentionMonths),
    tierTag: typed.tierTag,
  };

  // Empty or 0: no cashback, saved as no field.
  const cashbackOf = (tier: TierForm, index: number) =>
    tier.cashback.trim() === "" ? 0 : Number(scaled(`tiers[${index}].cashbackBasisPoints`, tier.cashback, 2) ?? Number.NaN);
  const tiers: Tier[] = form.tiers.map((tier, index) => ({
    id: tier.id,
    name: tier.name.trim(),
    threshold:
      (typed.tierBasis.metric === "spend"
        ? money(`tiers[${index}].threshold`, tier.threshold)
        : scaled(`tiers[${index}].threshold`, tier.threshold, 0)) ?? -1n,
    multiplierBasisPoints: Number(scaled(`tiers[${index}].multiplierBasisPoints`, tier.multiplier, 4) ?? Number.NaN),
    ...(cashbackOf(tier, index) !== 0 && { cashbackBasisPoints: cashbackOf(tier, index) }),
  }));
  // A ladder: each tier asks for more than the one above it on the page, as the storefront lists them.
  tiers.forEach((tier, index) => {
    const previous = tiers[index - 1];
    const read = (i: number) => !problems.some((p) => p.field === `tiers[${i}].threshold`);
    if (previous && read(index) && read(index - 1) && tier.threshold < previous.threshold) {
      problems.push({ field: `tiers[${index}].threshold`, code: "tierNotIncreasing", params: { tier: index } });
    }
  });

  // Each language once, as the storefront looks it up; a code that is not one is reported once, here.
  const languages = form.languages.filter((language, index) => {
    const field = `languages[${index}]`;
    if (localeKey(language) !== language) problems.push({ field, code: "locale", params: {} });
    else if (form.languages.indexOf(language) !== index) problems.push({ field, code: "duplicateId", params: {} });
    else return true;
    return false;
  });
  if (languages.length > MAX_REWARD_LANGUAGES)
    problems.push({ field: "languages", code: "tooMany", params: { max: MAX_REWARD_LANGUAGES } });

  const rewards: Reward[] = form.rewards.map((reward, index) => {
    const at = `rewards[${index}]`;
    const description = reward.description.trim();
    // A language whose fields are empty is not translated: shoppers in it read the primary words.
    const translations = Object.fromEntries(
      languages.flatMap((language) => {
        const typed = reward.translations[language];
        const name = typed?.name.trim() ?? "";
        const text = typed?.description.trim() ?? "";
        return name || text ? [[language, { name, ...(text && { description: text }) }]] : [];
      }),
    );
    const base = {
      id: reward.id,
      name: reward.name.trim(),
      ...(description && { description }),
      ...(Object.keys(translations).length > 0 && { translations }),
      pointsCost: count(`${at}.pointsCost`, reward.pointsCost),
      validDays: count(`${at}.validDays`, reward.validDays),
      ...(reward.minimumOrder.trim() !== "" && { minimumOrder: money(`${at}.minimumOrder`, reward.minimumOrder) ?? 0n }),
    };
    if (reward.kind === "fixed_amount" || reward.kind === "store_credit")
      return { ...base, kind: reward.kind, value: money(`${at}.value`, reward.value) ?? 0n };
    if (reward.kind === "percentage") return { ...base, kind: reward.kind, percent: count(`${at}.percent`, reward.percent) };
    return { ...base, kind: reward.kind };
  });

  const input: ProgramSave = { enabled: form.enabled, settings, rules, tiers, rewards };
  return { input, problems, ruleFields };
}

/**
 * The domain's verdict on an input the form could not fully read, so the page shows every problem
 * at once; saveProgram gives the same verdict (and saves) once everything is read.
 */
export function domainErrors(input: ProgramSave, now: Date): FieldError[] {
  const prefixed = (prefix: string, errors: FieldError[]) => errors.map((error) => ({ ...error, field: prefix + error.field }));
  return [
    ...prefixed("settings.", validateProgramSettings(input.settings)),
    ...input.rules.flatMap((rule, index) =>
      prefixed(
        `rules[${index}].`,
        validateEarningRule({ ...rule, version: 1, effectiveFrom: now, retiredAt: null } as EarningRule),
      ),
    ),
    ...validateTiers(input.tiers),
    ...input.rewards.flatMap((reward, index) => prefixed(`rewards[${index}].`, validateReward(reward))),
  ];
}

/** The form's field for a domain field path: rules[i] become the rule the form put there. */
export function formField(domainField: string, ruleFields: readonly string[]): string {
  const rule = domainField.match(/^rules\[(\d+)\](.*)$/);
  if (!rule) return domainField;
  const field = ruleFields[Number(rule[1])];
  return field === undefined ? domainField : field + rule[2];
}

/** The domain's field errors as the form's messages. */
export function formMessages(errors: readonly FieldError[], ruleFields: readonly string[]): FieldMessage[] {
  return errors.map(({ field, code, params }) => ({ field: formField(field, ruleFields), code, params }));
}

/** Every problem of a submitted form: what could not be read first, then the domain's, one per field. */
export function formProblems(read: ReturnType<typeof readProgramForm>, now: Date): FieldMessage[] {
  const unread = new Set(read.problems.map((p) => p.field));
  const domain = formMessages(domainErrors(read.input, now), read.ruleFields).filter((m) => !unread.has(m.field));
  return [...read.problems, ...domain];
}

/**
 * How the page names a field: "tiers[1].threshold" is item 2 of "tiers", label "tiers.threshold";
 * "rewards[0].translations.fr.name" is item 1 of "rewards", label "rewards.translations.name" in
 * `language` "fr". `label` is a key under the loyalty namespace's "fields".
 */
export function fieldLabel(field: string): {
  label: string;
  list: string | null;
  position: number | null;
  language: string | null;
} {
  const item = field.match(/^(\w+)\[(\d+)\]\.?(.*)$/);
  if (!item) return { label: field || "program", list: null, position: null, language: null };
  const translated = item[3]!.match(/^translations\.([^.]+)\.?(.*)$/);
  return {
    label: `${item[1]}.${translated ? `translations.${translated[2] || "item"}` : item[3] || "item"}`,
    list: item[1]!,
    position: Number(item[2]) + 1,
    language: translated ? translated[1]! : null,
  };
}
