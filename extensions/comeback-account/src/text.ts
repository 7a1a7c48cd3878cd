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

/** Whether `name` already says `offer` ("$10 off" and "$10.00 off"), as the storefront script checks. */
export function saysOffer(name: string, offer: string): boolean {
  const plain = (text: string) =>
    text
      .toLowerCase()
      .replace(/[.,]0+(?!\d)/g, "")
      .replace(/[^\p{L}\p{N}]/gu, "");
  return offer !== "" && plain(name).includes(plain(offer));
}
