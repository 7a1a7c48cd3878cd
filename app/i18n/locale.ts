// The merchant's language. Shopify opens an embedded app with `?locale=` (the staff member's admin
// language); without it (a later navigation, the local demo) the browser's Accept-Language decides.
export const SUPPORTED_LOCALES = ["en", "de"] as const;
export type AppLocale = (typeof SUPPORTED_LOCALES)[number];
export const DEFAULT_LOCALE: AppLocale = "en";

/** The supported language of a BCP 47 tag such as "de-CH", or null. */
export function supportedLocale(tag: string | null | undefined): AppLocale | null {
  const language = tag?.trim().split(/[-_]/)[0]?.toLowerCase();
  return SUPPORTED_LOCALES.find((locale) => locale === language) ?? null;
}

/** Accept-Language's tags by their q weights, best first. */
function acceptedTags(header: string): string[] {
  return header
    .split(",")
    .map((part, index) => {
      const [tag, ...params] = part.trim().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      return { tag: tag!.trim(), weight: q ? Number(q.slice(2)) || 0 : 1, index };
    })
    .filter((item) => item.tag && item.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index)
    .map((item) => item.tag);
}

export function requestLocale(request: Request): AppLocale {
  const fromShopify = supportedLocale(new URL(request.url).searchParams.get("locale"));
  if (fromShopify) return fromShopify;
  for (const tag of acceptedTags(request.headers.get("Accept-Language") ?? "")) {
    const locale = supportedLocale(tag);
    if (locale) return locale;
  }
  return DEFAULT_LOCALE;
}
