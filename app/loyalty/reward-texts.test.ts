import { describe, expect, it } from "vitest";
import { localeKey, repeatsName, rewardText } from "./reward-texts";

describe("localeKey", () => {
  it("writes a language, script and region as BCP 47 does", () => {
    expect(localeKey("fr")).toBe("fr");
    expect(localeKey(" PT_br ")).toBe("pt-BR");
    expect(localeKey("zh-hant-tw")).toBe("zh-Hant-TW");
    expect(localeKey("es-419")).toBe("es-419");
  });

  it("refuses what is not a plain locale", () => {
    for (const text of ["", "f", "french", "en-US-u-ca-gregory", "x-private", "__proto__", "de;DROP", "en-"])
      expect(localeKey(text), text).toBeNull();
  });
});

describe("rewardText", () => {
  const reward = {
    name: "Free shipping",
    description: "On any order",
    translations: {
      "pt-BR": { name: "Frete grátis", description: "Em qualquer pedido" },
      fr: { name: "Livraison offerte" },
    },
  };

  it("takes the exact locale, then its language, then another region of the language", () => {
    expect(rewardText(reward, "pt-BR")).toEqual({ name: "Frete grátis", description: "Em qualquer pedido" });
    expect(rewardText(reward, "fr-CA")).toEqual({ name: "Livraison offerte" });
    expect(rewardText(reward, "pt-PT")).toEqual({ name: "Frete grátis", description: "Em qualquer pedido" });
    expect(rewardText(reward, "pt_br")).toEqual({ name: "Frete grátis", description: "Em qualquer pedido" });
  });

  it("falls back to the primary language's words, whole", () => {
    expect(rewardText(reward, "de")).toEqual({ name: "Free shipping", description: "On any order" });
    expect(rewardText(reward, null)).toEqual({ name: "Free shipping", description: "On any order" });
    expect(rewardText(reward, "not a locale")).toEqual({ name: "Free shipping", description: "On any order" });
    expect(rewardText({ name: "Gift", description: "" }, "de")).toEqual({ name: "Gift" });
    expect(rewardText({ name: "Gift", description: "  " }, null)).toEqual({ name: "Gift" });
  });

  it("uses a translation whole: a translated name without a description shows no primary description", () => {
    expect(rewardText(reward, "fr")).not.toHaveProperty("description");
  });
});

describe("repeatsName", () => {
  it("is true when the description says the name again, whatever the case and punctuation", () => {
    expect(repeatsName("Free shipping!", "free  shipping")).toBe(true);
    expect(repeatsName("Free shipping on any order", "Free shipping")).toBe(false);
    expect(repeatsName("", "Gift")).toBe(false);
  });
});
