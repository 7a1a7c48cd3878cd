import { describe, expect, it } from "vitest";
import { resources } from "../i18n/i18n";
import { DEFAULT_SETTINGS, FIELD_ERROR_CODES, fieldError, validateTiers, type EarningRule } from "./program";
import {
  FORM_PROBLEM_CODES,
  fieldLabel,
  formField,
  formFromProgram,
  formMessages,
  formProblems,
  newReward,
  newTier,
  readProgramForm,
  type ProgramData,
  type ProgramForm,
} from "./program-form";

const at = new Date("2026-01-01T00:00:00Z");
const version = { version: 1, effectiveFrom: at, retiredAt: null };

const PROGRAM: ProgramData = {
  enabled: true,
  settings: { ...DEFAULT_SETTINGS, holdoutPercent: 2.5, tierBasis: { metric: "spend", window: "lifetime" } },
  rules: [
    { ...version, id: "purchase", kind: "purchase", points: 2, perAmount: 1000n },
    { ...version, id: "purchase-old", kind: "purchase", points: 1, perAmount: 100n, retiredAt: at },
    { ...version, id: "bday", kind: "birthday", points: 200 },
    { ...version, id: "insta", kind: "custom", points: 30, name: "Follow us on Instagram" },
  ] satisfies EarningRule[],
  tiers: [
    { id: "silver", name: "Silver", threshold: 50000n, multiplierBasisPoints: 12500 },
    { id: "gold", name: "Gold", threshold: 100000n, multiplierBasisPoints: 15000, cashbackBasisPoints: 250 },
  ],
  rewards: [
    { id: "five", name: "5 off", kind: "fixed_amount", pointsCost: 500, validDays: 30, value: 500n, minimumOrder: 2000n },
    {
      id: "credit",
      name: "10 credit",
      description: "Spent at checkout, no code to copy",
      translations: {
        de: { name: "10 Guthaben", description: "An der Kasse eingelöst, ohne Code" },
        "pt-BR": { name: "10 de crédito" },
      },
      kind: "store_credit",
      pointsCost: 900,
      validDays: 0,
      value: 1000n,
    },
  ],
};

describe("the settings form", () => {
  it("shows the program in force as the merchant's language writes it", () => {
    const form = formFromProgram(PROGRAM, "EUR", "de");
    expect(form.purchase).toEqual({ id: "purchase", on: true, points: "2", perAmount: "10,00" });
    expect(form.bonuses.birthday).toEqual({ id: "bday", on: true, points: "200" });
    expect(form.bonuses.signup.on).toBe(false);
    expect(form.custom).toEqual([{ id: "insta", name: "Follow us on Instagram", points: "30" }]);
    expect(form.settings.holdoutPercent).toBe("2,5");
    expect(form.tiers[0]).toEqual({ id: "silver", name: "Silver", threshold: "500,00", multiplier: "1,25", cashback: "0" });
    expect(form.tiers[1]).toMatchObject({ cashback: "2,5" });
    expect(form.rewards[1]).toMatchObject({ kind: "store_credit", value: "10,00", validDays: "0" });
    expect(form.rewards[0]).toMatchObject({ value: "5,00", minimumOrder: "20,00", pointsCost: "500", validDays: "30" });
  });

  it("reads back exactly what it showed", () => {
    for (const locale of ["en", "de"]) {
      const { input, problems } = readProgramForm(formFromProgram(PROGRAM, "EUR", locale), "EUR", locale);
      expect(problems).toEqual([]);
      expect(input.settings).toEqual(PROGRAM.settings);
      expect(input.tiers).toEqual(PROGRAM.tiers);
      expect(input.rewards).toEqual(PROGRAM.rewards);
      expect(input.rules).toEqual([
        { id: "purchase", kind: "purchase", points: 2, perAmount: 1000n },
        { id: "bday", kind: "birthday", points: 200 },
        { id: "insta", kind: "custom", points: 30, name: "Follow us on Instagram" },
      ]);
    }
  });

  it("suggests 1 point per whole unit of the currency, switched on only for a program never saved", () => {
    const empty: ProgramData = { enabled: false, settings: DEFAULT_SETTINGS, rules: [], tiers: [], rewards: [] };
    expect(formFromProgram(empty, "EUR", "en", true).purchase).toMatchObject({ on: true, points: "1", perAmount: "1.00" });
    expect(formFromProgram(empty, "JPY", "en", true).purchase).toMatchObject({ perAmount: "1" });
    expect(formFromProgram(empty, "EUR", "en").purchase).toMatchObject({ on: false, perAmount: "1.00" });
    expect(readProgramForm(formFromProgram(empty, "EUR", "en"), "EUR", "en").input.rules).toEqual([]);
  });

  it("reads German amounts typed either way, into minor units", () => {
    const form = formFromProgram(PROGRAM, "EUR", "de");
    form.purchase.perAmount = "7.50";
    form.tiers[1]!.threshold = "1.250,00";
    expect(readProgramForm(form, "EUR", "de").input.rules[0]).toMatchObject({ perAmount: 750n });
    expect(readProgramForm(form, "EUR", "de").input.tiers[1]!.threshold).toBe(125000n);
  });

  it("names every field it cannot read, and tiers out of order", () => {
    const form: ProgramForm = formFromProgram(PROGRAM, "EUR", "en");
    form.purchase.perAmount = "ten";
    form.settings.pendingDays = "1.5";
    form.tiers[1]!.threshold = "400";
    form.rewards.push({ ...newReward(), name: "Free shipping", kind: "free_shipping", pointsCost: "", minimumOrder: "" });
    const { problems } = readProgramForm(form, "EUR", "en");
    expect(problems.map((p) => [p.field, p.code])).toEqual([
      ["purchase.perAmount", "notANumber"],
      ["settings.pendingDays", "tooManyDecimals"],
      ["tiers[1].threshold", "tierNotIncreasing"],
      ["rewards[2].pointsCost", "required"],
    ]);
    expect(problems.find((p) => p.code === "tierNotIncreasing")!.params).toEqual({ tier: 1 });
  });

  it("adds the domain's verdict on what it could read, once per field", () => {
    const form = formFromProgram(PROGRAM, "EUR", "en");
    form.tiers[0]!.threshold = "abc";
    form.settings.pendingDays = "-1";
    form.rewards[0]!.pointsCost = "0";
    form.tiers.push({ ...newTier(), name: "Gold", threshold: "2000" });
    const messages = formProblems(readProgramForm(form, "EUR", "en"), at);
    expect(messages.map((m) => [m.field, m.code])).toEqual([
      ["tiers[0].threshold", "notANumber"],
      ["settings.pendingDays", "wholeNumberRange"],
      ["tiers[2].name", "duplicateTier"],
      ["rewards[0].pointsCost", "wholeNumberRange"],
    ]);
    expect(messages[1]!.params).toEqual({ min: 0, max: 365 });
  });
});

describe("the domain's field errors on the form", () => {
  const ruleFields = ["purchase", "bonuses.birthday", "custom[0]"];

  it("maps rules[i] to the rule the form put there, other paths as they are", () => {
    expect(formField("rules[0].perAmount", ruleFields)).toBe("purchase.perAmount");
    expect(formField("rules[1].points", ruleFields)).toBe("bonuses.birthday.points");
    expect(formField("rules[2].name", ruleFields)).toBe("custom[0].name");
    expect(formField("tiers[1].threshold", ruleFields)).toBe("tiers[1].threshold");
    expect(formField("settings.expiry.months", ruleFields)).toBe("settings.expiry.months");
    expect(formField("rules", ruleFields)).toBe("rules");
  });

  it("keeps the domain's codes and parameters, on the form's fields", () => {
    const messages = formMessages(
      [
        fieldError("rules[2].name", "required"),
        fieldError("settings.holdoutPercent", "holdoutPercent"),
        fieldError("rules[0].kind", "kindFixed", { kind: "purchase" }),
      ],
      ruleFields,
    );
    expect(messages).toEqual([
      { field: "custom[0].name", code: "required", params: {} },
      { field: "settings.holdoutPercent", code: "holdoutPercent", params: {} },
      { field: "purchase.kind", code: "kindFixed", params: { kind: "purchase" } },
    ]);
  });

  it("has words in every language for every code the domain or the form gives", () => {
    for (const locale of ["en", "de"]) {
      const words = (resources[locale]!.loyalty as { errors: Record<string, string> }).errors;
      for (const code of [...FIELD_ERROR_CODES, ...FORM_PROBLEM_CODES])
        expect(words[code], `${locale} errors.${code}`).toEqual(expect.any(String));
    }
    // The parameters are the placeholders of the words.
    const [range] = formMessages([fieldError("settings.pendingDays", "wholeNumberRange", { min: 0, max: 365 })], ruleFields);
    expect(range).toEqual({ field: "settings.pendingDays", code: "wholeNumberRange", params: { min: 0, max: 365 } });
    expect((resources.en!.loyalty as { errors: Record<string, string> }).errors.wholeNumberRange).toBe(
      "Enter a whole number from {{min}} to {{max}}.",
    );
    expect(
      validateTiers([{ id: "a", name: "A,B", threshold: -1n, multiplierBasisPoints: 10_000 }]).map(({ code, params }) => [
        code,
        params,
      ]),
    ).toEqual([
      ["comma", {}],
      ["negative", {}],
    ]);
  });

  it("labels fields by their list position, and a translation's by its language", () => {
    const plain = { language: null };
    expect(fieldLabel("tiers[1].threshold")).toEqual({ label: "tiers.threshold", list: "tiers", position: 2, ...plain });
    expect(fieldLabel("custom[0].name")).toEqual({ label: "custom.name", list: "custom", position: 1, ...plain });
    expect(fieldLabel("settings.expiry.months")).toEqual({
      label: "settings.expiry.months",
      list: null,
      position: null,
      ...plain,
    });
    expect(fieldLabel("")).toEqual({ label: "program", list: null, position: null, ...plain });
    expect(fieldLabel("rewards[1].translations.pt-BR.description")).toEqual({
      label: "rewards.translations.description",
      list: "rewards",
      position: 2,
      language: "pt-BR",
    });
    expect(fieldLabel("languages[0]")).toEqual({ label: "languages.item", list: "languages", position: 1, ...plain });
    for (const language of ["en", "de"]) {
      const { fields } = resources[language]!.loyalty as {
        fields: { rewards: { translations: { name: string } }; item: { languages: string } };
      };
      expect(fields.rewards.translations.name, language).toContain("{{language}}");
      expect(fields.item.languages, language).toContain("{{n}}");
    }
  });
});

describe("reward texts per language on the form", () => {
  it("shows each language the rewards have texts in, once, and every reward's fields for it", () => {
    const form = formFromProgram(PROGRAM, "EUR", "en");
    expect(form.languages).toEqual(["de", "pt-BR"]);
    expect(form.rewards[0]).toMatchObject({ description: "", translations: {} });
    expect(form.rewards[1]).toMatchObject({
      description: "Spent at checkout, no code to copy",
      translations: {
        de: { name: "10 Guthaben", description: "An der Kasse eingelöst, ohne Code" },
        "pt-BR": { name: "10 de crédito", description: "" },
      },
    });
  });

  it("saves a language's texts only where typed, and drops a removed language's", () => {
    const form = formFromProgram(PROGRAM, "EUR", "en");
    form.languages = ["de", "fr"];
    form.rewards[0]!.translations = { fr: { name: "  5 de remise ", description: " " }, de: { name: "", description: "" } };
    const { input, problems } = readProgramForm(form, "EUR", "en");
    expect(problems).toEqual([]);
    expect(input.rewards[0]).toMatchObject({ translations: { fr: { name: "5 de remise" } } });
    expect(input.rewards[0]).not.toHaveProperty("description");
    expect(input.rewards[1]!.translations).toEqual({
      de: { name: "10 Guthaben", description: "An der Kasse eingelöst, ohne Code" },
    });
  });

  it("names the field of each language that is wrong, and each language code that is not one", () => {
    const form = formFromProgram(PROGRAM, "EUR", "en");
    form.languages = ["de", "pt-BR", "french", "de"];
    form.rewards[0]!.description = "5 OFF!";
    form.rewards[1]!.translations = {
      de: { name: "", description: "Ohne Namen" },
      "pt-BR": { name: "Crédito", description: "crédito" },
      french: { name: "Crédit", description: "" },
    };
    form.rewards[1]!.name = "x".repeat(81);
    expect(formProblems(readProgramForm(form, "EUR", "en"), at)).toEqual([
      { field: "languages[2]", code: "locale", params: {} },
      { field: "languages[3]", code: "duplicateId", params: {} },
      { field: "rewards[0].description", code: "repeatsName", params: {} },
      { field: "rewards[1].name", code: "tooLong", params: { max: 80 } },
      { field: "rewards[1].translations.de.name", code: "required", params: {} },
      { field: "rewards[1].translations.pt-BR.description", code: "repeatsName", params: {} },
    ]);
  });
});
