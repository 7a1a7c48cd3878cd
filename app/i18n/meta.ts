// Document titles in the merchant's language: "<page> · Comeback". The language is the root
// loader's (meta functions run outside React, so they read it from the matches).
import type { MetaArgs, MetaDescriptor } from "@remix-run/node";
import { i18nFor } from "./i18n";
import { DEFAULT_LOCALE, type AppLocale } from "./locale";

type TitleOf =
  string | ((t: (key: string, values?: Record<string, unknown>) => string, data: unknown) => string | null | undefined);

/** A route's `meta`: `title` is a translation key, or picks the title from the page's data (null: the app's name alone). */
export function pageTitle(title: TitleOf) {
  return ({ matches, data }: MetaArgs): MetaDescriptor[] => {
    const root = matches.find((match) => match.id === "root")?.data as { locale?: AppLocale } | undefined;
    const { t } = i18nFor(root?.locale ?? DEFAULT_LOCALE);
    const translate = (key: string, values?: Record<string, unknown>) => t(key, values ?? {}) as string;
    const page = typeof title === "string" ? translate(title) : data ? title(translate, data) : null;
    return [{ title: page ? `${page} · ${t("appName")}` : t("appName") }];
  };
}
