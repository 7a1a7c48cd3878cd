// Every string the admin shows exists in every language, with the same placeholders.
import { describe, expect, it } from "vitest";
import { resources } from "./i18n";
import { SUPPORTED_LOCALES } from "./locale";

type Messages = { [key: string]: string | Messages };

function flatten(messages: Messages, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(messages)) {
    if (typeof value === "string") out.set(prefix + key, value);
    else for (const [k, v] of flatten(value, `${prefix}${key}.`)) out.set(k, v);
  }
  return out;
}

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*([\w.]+)[^}]*\}\}/g)].map((m) => m[1]).sort();

describe("admin locale files", () => {
  const english = resources.en!;

  it("has English strings", () => {
    expect(Object.keys(english)).toContain("common");
  });

  for (const locale of SUPPORTED_LOCALES.filter((l) => l !== "en")) {
    it(`${locale} has every namespace and key of English, with the same placeholders, and no more`, () => {
      const other = resources[locale] ?? {};
      expect(Object.keys(other).sort()).toEqual(Object.keys(english).sort());
      for (const namespace of Object.keys(english)) {
        const en = flatten(english[namespace]!);
        const translated = flatten(other[namespace] ?? {});
        expect([...translated.keys()].sort(), `${locale}/${namespace}.json keys`).toEqual([...en.keys()].sort());
        for (const [key, text] of en) {
          expect(placeholders(translated.get(key) ?? ""), `${locale}/${namespace}.json ${key}`).toEqual(placeholders(text));
          expect(translated.get(key)!.trim(), `${locale}/${namespace}.json ${key} is empty`).not.toBe("");
        }
      }
    });
  }
});
