import { describe, expect, it } from "vitest";
import {
  answerSchema,
  DEFAULT_SETTINGS,
  DEFAULT_TEXTS,
  feedbackSettingsSchema,
  settingsFromJson,
  surveyLanguage,
  textsFor,
} from "./settings";
import { surveyWindow, windowState } from "./due";

const settings = { ...DEFAULT_SETTINGS, enabled: true, questions: { nps: true, csat: true, ces: false } };

describe("survey answers", () => {
  it("need every question asked, on its scale, and ignore the others", () => {
    const schema = answerSchema(settings);
    expect(schema.parse({ nps: "0", csat: 5, ces: 3, comment: "  " })).toEqual({ nps: 0, csat: 5, ces: null, comment: null });
    for (const bad of [{ csat: 5 }, { nps: "", csat: 5 }, { nps: 11, csat: 5 }, { nps: 9.5, csat: 5 }, { nps: 9, csat: 0 }]) {
      expect(schema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
    expect(schema.safeParse({ nps: 9, csat: 4, comment: "x".repeat(2001) }).success).toBe(false);
  });
});

describe("survey settings", () => {
  it("ask at least one question and keep the defaults for what is missing", () => {
    expect(feedbackSettingsSchema.safeParse({ ...settings, questions: { nps: false, csat: false, ces: false } }).success).toBe(
      false,
    );
    expect(settingsFromJson('{"enabled":true}')).toEqual({ ...DEFAULT_SETTINGS, enabled: true });
    expect(settingsFromJson(null)).toEqual(DEFAULT_SETTINGS);
  });

  it("have texts in the five languages, the merchant's first", () => {
    expect(Object.keys(DEFAULT_TEXTS).sort()).toEqual(["de", "en", "es", "fi", "fr"]);
    for (const texts of Object.values(DEFAULT_TEXTS))
      expect(Object.keys(texts).sort()).toEqual(Object.keys(DEFAULT_TEXTS.en).sort());
    expect(textsFor({ ...settings, texts: { de: { nps: "Empfehlen?" } } }, "de")).toEqual({
      ...DEFAULT_TEXTS.de,
      nps: "Empfehlen?",
    });
    expect(surveyLanguage("fi", "de")).toBe("fi");
    expect(surveyLanguage(null, "de-CH,de;q=0.9,en;q=0.8")).toBe("de");
    expect(surveyLanguage("xx", "ja")).toBe("en");
  });
});

describe("survey windows", () => {
  const enabledAt = new Date("2026-12-01T00:00:00Z");
  const order = { processedAt: new Date("2026-12-02T10:00:00Z"), fulfilledAt: new Date("2026-12-04T10:00:00Z") };

  it("open delayDays after the fulfilment or the order, for openDays", () => {
    const afterFulfilment = surveyWindow({ ...settings, delayDays: 7, openDays: 30 }, enabledAt, order)!;
    expect(afterFulfilment.dueAt.toISOString()).toBe("2026-12-11T10:00:00.000Z");
    expect(afterFulfilment.closesAt.toISOString()).toBe("2027-01-10T10:00:00.000Z");
    const afterOrder = surveyWindow({ ...settings, trigger: "order", delayDays: 7 }, enabledAt, order)!;
    expect(afterOrder.dueAt.toISOString()).toBe("2026-12-09T10:00:00.000Z");
    expect(windowState(afterOrder, new Date("2026-12-09T09:59:59Z"))).toBe("not_due");
    expect(windowState(afterOrder, new Date("2026-12-09T10:00:00Z"))).toBe("open");
    expect(windowState(afterOrder, afterOrder.closesAt)).toBe("closed");
  });

  it("are never opened for an unfulfilled order, or one due before surveys were turned on", () => {
    expect(surveyWindow(settings, enabledAt, { ...order, fulfilledAt: null })).toBeNull();
    expect(surveyWindow({ ...settings, delayDays: 0 }, new Date("2026-12-05T00:00:00Z"), order)).toBeNull();
    expect(surveyWindow(settings, null, order)).toBeNull();
    expect(windowState(null, new Date())).toBe("not_asked");
  });
});
