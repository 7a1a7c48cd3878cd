// A reward's name and description are the merchant's words: written in the shop's primary
// language, and optionally per other language the shop sells in (decision 33). Shoppers get the
// text of their locale, else of its language, else the primary one. Pure: the admin form, the
// storefront answers and the preview share it.

/** The words of a reward in one language. A translation is used whole: never its name with another language's description. */
export interface RewardText {
  name: string;
  /** Absent: the reward's offer ("€10 off") says enough. */
  description?: string;
}

/** Per locale key (`fr`, `pt-BR`), as `localeKey` writes it. */
export type RewardTranslations = Record<string, RewardText>;

export const MAX_REWARD_NAME = 80;
export const MAX_REWARD_DESCRIPTION = 250;
/** More languages than any shop publishes; keeps a reward's stored JSON small. */
export const MAX_REWARD_LANGUAGES = 20;

const SIMPLE_LOCALE = /^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|\d{3}))?$/;

/**
 * The key a locale is stored and looked up under: a language, optionally its script and region,
 * in BCP 47's case ("PT_br" is "pt-BR"); null for anything else. Shopify's `request.locale.iso_code`
 * and the customer account's language are of this form.
 */
export function localeKey(text: string): string | null {
  let canonical: string | undefined;
  try {
    [canonical] = Intl.getCanonicalLocales(text.trim().replace(/_/g, "-"));
  } catch {
    return null;
  }
  return canonical !== undefined && SIMPLE_LOCALE.test(canonical) ? canonical : null;
}

const languageOf = (key: string) => key.split("-")[0]!;

/**
 * The reward's words for `locale`: its translation for that exact locale, else for the locale's
 * language ("fr" for "fr-CA"), else for another locale of the same language, else the primary
 * language's. null locale: the primary language's.
 */
export function rewardText(
  reward: { name: string; description?: string; translations?: RewardTranslations },
  locale: string | null,
): RewardText {
  // Blank is no description: the admin API stores what it is sent.
  const primary: RewardText = { name: reward.name, ...(reward.description?.trim() && { description: reward.description }) };
  const translations = reward.translations ?? {};
  const key = locale === null ? null : localeKey(locale);
  if (key === null) return primary;
  const language = languageOf(key);
  const found =
    translations[key] ??
    translations[language] ??
    Object.entries(translations).find(([other]) => languageOf(other) === language)?.[1];
  return found ?? primary;
}

/** Letters and digits only, lower case: "Free shipping!" and "free  shipping" read the same. */
const plainWords = (text: string) => text.toLowerCase().replace(/[^\p{L}\p{N}]/gu, "");

/** Whether a description only says the name again: the shopper would read it twice. */
export const repeatsName = (description: string, name: string) =>
  plainWords(description) !== "" && plainWords(description) === plainWords(name);
