// Texts and amounts in the shopper's language and locale: translations from locales/ through
// Shopify's i18n (never bundled), money in minor units as the panel sends it.
import type { Program } from "./api";
import { host } from "./host";

type Replacements = Record<string, string | number>;

export const t = (key: string, replacements?: Replacements): string => host().i18n.translate(key, replacements);

export const points = (count: number) => t("points", { count });

/** A minor-unit amount ("1050") in the shop's currency, formatted for the shopper. */
export function money(minor: string, program: Pick<Program, "currency" | "currencyDigits">): string {
  return host().i18n.formatCurrency(Number(minor) / 10 ** program.currencyDigits, { currency: program.currency });
}

export const date = (iso: string) => host().i18n.formatDate(new Date(iso), { dateStyle: "medium" });
