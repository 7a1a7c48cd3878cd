// The admin page's form for the referral settings, read in the merchant's language: amounts as
// typed ("10,00" in German) exactly into minor units, whole numbers as whole numbers. Anything that
// cannot be read is a field error with a code the page translates, as the program settings' form.
import { parseMoney, moneyInputText } from "../loyalty/decimal-input";
import type { FieldErrorParams } from "../loyalty/program";
import type { ReferralSettings, ReferrerReward } from "./settings";

export interface FormError {
  field: string;
  code: string;
  params: FieldErrorParams;
}

export type ReferralForm = Record<
  | "enabled"
  | "referrerPoints"
  | "referrerKind"
  | "referrerValue"
  | "referrerValidDays"
  | "friendKind"
  | "friendValue"
  | "friendPercent"
  | "friendMinimum"
  | "friendValidDays"
  | "weeklyLimit"
  | "dailyClaimLimit"
  | "review",
  string
>;

export function formFromSettings(enabled: boolean, settings: ReferralSettings, currency: string, locale: string): ReferralForm {
  const { friend, referrerReward } = settings;
  return {
    enabled: String(enabled),
    referrerPoints: String(settings.referrerPoints),
    referrerKind: referrerReward.kind,
    referrerValue: referrerReward.kind === "points" ? "" : moneyInputText(referrerReward.value, currency, locale),
    referrerValidDays: referrerReward.kind === "discount_code" ? String(referrerReward.validDays) : "30",
    friendKind: friend.kind,
    friendValue: friend.kind === "fixed_amount" ? moneyInputText(friend.value, currency, locale) : "",
    friendPercent: friend.kind === "percentage" ? String(friend.percent) : "",
    friendMinimum: friend.minimumOrder === undefined ? "" : moneyInputText(friend.minimumOrder, currency, locale),
    friendValidDays: String(friend.validDays),
    weeklyLimit: String(settings.weeklyLimit),
    dailyClaimLimit: String(settings.dailyClaimLimit),
    review: String(settings.review),
  };
}

/** The form as saveReferralProgram's input, or the fields it could not read. */
export function readReferralForm(
  form: Partial<ReferralForm>,
  currency: string,
  locale: string,
): { ok: true; enabled: boolean; settings: ReferralSettings } | { ok: false; errors: FormError[] } {
  const errors: FormError[] = [];
  const whole = (field: string, text = "") => {
    if (!/^\s*-?\d+\s*$/.test(text)) errors.push({ field, code: text.trim() ? "notANumber" : "required", params: {} });
    return Number(text);
  };
  const money = (field: string, text = "") => {
    const read = parseMoney(text, currency, locale);
    if (read.ok) return read.value;
    errors.push({
      field,
      code: read.problem === "tooManyDecimals" ? "tooManyDecimals" : read.problem === "empty" ? "required" : "notANumber",
      params: {},
    });
    return 0n;
  };
  const validDays = whole("friend.validDays", form.friendValidDays);
  const minimumOrder = form.friendMinimum?.trim() ? money("friend.minimumOrder", form.friendMinimum) : undefined;
  const common = { validDays, ...(minimumOrder !== undefined && { minimumOrder }) };
  // Only the chosen kind's fields are read: the others may hold anything.
  const referrerReward: ReferrerReward =
    form.referrerKind === "discount_code"
      ? {
          kind: "discount_code",
          value: money("referrerReward.value", form.referrerValue),
          validDays: whole("referrerReward.validDays", form.referrerValidDays),
        }
      : form.referrerKind === "store_credit"
        ? { kind: "store_credit", value: money("referrerReward.value", form.referrerValue) }
        : { kind: "points" };
  const settings: ReferralSettings = {
    referrerPoints: whole("referrerPoints", form.referrerPoints),
    referrerReward,
    friend:
      form.friendKind === "percentage"
        ? { kind: "percentage", percent: whole("friend.percent", form.friendPercent), ...common }
        : { kind: "fixed_amount", value: money("friend.value", form.friendValue), ...common },
    weeklyLimit: whole("weeklyLimit", form.weeklyLimit),
    dailyClaimLimit: whole("dailyClaimLimit", form.dailyClaimLimit),
    review: form.review === "true",
  };
  return errors.length ? { ok: false, errors } : { ok: true, enabled: form.enabled === "true", settings };
}
