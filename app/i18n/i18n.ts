// One i18next instance per language, with every namespace of app/locales/<language>/<namespace>.json
// bundled (the admin's strings are small; nothing loads later, so the server and the browser render
// the same text).
import i18next, { type i18n as I18n } from "i18next";
import { initReactI18next } from "react-i18next";
import { DEFAULT_LOCALE, SUPPORTED_LOCALES, type AppLocale } from "./locale";

type Messages = { [key: string]: string | Messages };

const files = import.meta.glob<Messages>("../locales/*/*.json", { eager: true, import: "default" });

/** { en: { common: {...}, dashboard: {...} }, de: {...} } */
export const resources: Record<string, Record<string, Messages>> = {};
for (const [path, messages] of Object.entries(files)) {
  const [, locale, namespace] = path.match(/locales\/([^/]+)\/([^/]+)\.json$/)!;
  (resources[locale!] ??= {})[namespace!] = messages;
}
export const namespaces = Object.keys(resources[DEFAULT_LOCALE] ?? {});

const instances = new Map<AppLocale, I18n>();

export function i18nFor(locale: AppLocale): I18n {
  let instance = instances.get(locale);
  if (!instance) {
    instance = i18next.createInstance();
    void instance.use(initReactI18next).init({
      lng: locale,
      supportedLngs: [...SUPPORTED_LOCALES],
      fallbackLng: DEFAULT_LOCALE,
      resources,
      ns: namespaces,
      defaultNS: "common",
      interpolation: { escapeValue: false }, // React escapes
      initAsync: false,
      returnNull: false,
    });
    instances.set(locale, instance);
  }
  return instance;
}
