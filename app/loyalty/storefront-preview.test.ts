import { describe, expect, it } from "vitest";
import { i18nFor } from "../i18n/i18n";
import type { AppLocale } from "../i18n/locale";
import { DEFAULT_SETTINGS } from "./program";
import type { ProgramSave } from "./program-form";
import { storefrontPreview, type PreviewText } from "./storefront-preview";

const PROGRAM: ProgramSave = {
  enabled: true,
  settings: { ...DEFAULT_SETTINGS, pendingDays: 14, expiry: { mode: "inactivity", months: 12 } },
  rules: [
    { id: "purchase", kind: "purchase", points: 1, perAmount: 100n },
    { id: "first", kind: "first_order", points: 100 },
    { id: "ig", kind: "custom", points: 1, name: "Follow us on Instagram" },
  ],
  tiers: [
    { id: "gold", name: "Gold", threshold: 5000n, multiplierBasisPoints: 15000 },
    { id: "silver", name: "Silver", threshold: 1000n, multiplierBasisPoints: 10000 },
  ],
  rewards: [
    { id: "five", name: "5 off", kind: "fixed_amount", pointsCost: 500, validDays: 30, value: 500n, minimumOrder: 2500n },
    { id: "ship", name: "Free shipping", kind: "free_shipping", pointsCost: 1200, validDays: 1 },
  ],
};

// Intl writes a no-break space in German amounts; compare with plain spaces.
function texts(program: ProgramSave, locale: AppLocale) {
  const { t } = i18nFor(locale);
  const text = ({ key, values }: PreviewText) => t(key, { ns: "loyalty", ...values }).replace(/[\u00a0\u202f]/g, " ");
  const preview = storefrontPreview(program, "EUR", locale);
  return {
    earn: preview.earn.map(text),
    rewards: preview.rewards.map((r) => [r.name, text(r.cost), text(r.offer), ...r.conditions.map(text)]),
    tiers: preview.tiers.map((tier) => [tier.name, text(tier.threshold), tier.multiplier && text(tier.multiplier)]),
    tierWindow: preview.tierWindow && text(preview.tierWindow),
    notes: preview.notes.map(text),
  };
}

describe("the storefront preview", () => {
  it("describes ways to earn, rewards, tiers, pending and expiry in English", () => {
    expect(texts(PROGRAM, "en")).toEqual({
      earn: ["1 point for every €1.00 spent", "100 points for your first order", "1 point: Follow us on Instagram"],
      rewards: [
        ["5 off", "500 points", "€5.00 off your order", "on orders of €25.00 or more", "code valid for 30 days"],
        ["Free shipping", "1,200 points", "Free shipping", "code valid for 1 day"],
      ],
      tiers: [
        ["Silver", "from 1,000 points", null],
        ["Gold", "from 5,000 points", "1.5× points on purchases"],
      ],
      tierWindow: "Counted over the last 12 months.",
      notes: [
        "Points from an order can be spent 14 days after it.",
        "Points expire after 12 months without a purchase or redemption.",
      ],
    });
  });

  it("speaks German, with German numbers and amounts", () => {
    const german = texts(
      { ...PROGRAM, settings: { ...PROGRAM.settings, tierBasis: { metric: "spend", window: "calendar_year" }, pendingDays: 0 } },
      "de",
    );
    expect(german.earn).toEqual([
      "1 Punkt je 1,00 € Einkaufswert",
      "100 Punkte für Ihre erste Bestellung",
      "1 Punkt: Follow us on Instagram",
    ]);
    expect(german.rewards[1]).toEqual(["Free shipping", "1.200 Punkte", "Kostenloser Versand", "Code 1 Tag gültig"]);
    expect(german.tiers).toEqual([
      ["Silver", "ab 10,00 € Einkaufswert", null],
      ["Gold", "ab 50,00 € Einkaufswert", "1,5× Punkte auf Einkäufe"],
    ]);
    expect(german.tierWindow).toBe("Gezählt über dieses Kalenderjahr.");
    expect(german.notes).toEqual([
      "Punkte sind direkt nach Ihrer Bestellung einlösbar.",
      "Punkte verfallen nach 12 Monaten ohne Einkauf oder Einlösung.",
    ]);
  });

  it("leaves out what would not be saved as it stands", () => {
    const unfinished: ProgramSave = {
      ...PROGRAM,
      settings: { ...PROGRAM.settings, expiry: { mode: "never", months: 12 } },
      rules: [
        { id: "purchase", kind: "purchase", points: Number.NaN, perAmount: 100n },
        { id: "ig", kind: "custom", points: 5, name: "" },
      ],
      tiers: [{ id: "t", name: "", threshold: 10n, multiplierBasisPoints: 10000 }],
      rewards: [{ id: "r", name: "Half", kind: "percentage", pointsCost: 0, validDays: 30, percent: 50 }],
    };
    expect(texts(unfinished, "en")).toEqual({
      earn: [],
      rewards: [],
      tiers: [],
      tierWindow: null,
      notes: ["Points never expire."],
    });
  });
});

describe("the preview's reward texts", () => {
  it("shows the names and descriptions a shopper of the chosen language reads, the primary ones without a translation", () => {
    const translated: ProgramSave = {
      ...PROGRAM,
      rewards: [
        { ...PROGRAM.rewards[0]!, description: "Any product", translations: { fr: { name: "5 de remise" } } },
        PROGRAM.rewards[1]!,
      ],
    };
    const words = (locale: string | null) =>
      storefrontPreview(translated, "EUR", "en", locale).rewards.map(({ name, description }) => ({ name, description }));
    expect(words(null)).toEqual([
      { name: "5 off", description: "Any product" },
      { name: "Free shipping", description: undefined },
    ]);
    expect(words("fr")).toEqual([
      { name: "5 de remise", description: undefined },
      { name: "Free shipping", description: undefined },
    ]);
  });
});
