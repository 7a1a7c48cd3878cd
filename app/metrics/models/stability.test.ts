import { describe, expect, it } from "vitest";
import { loadCdnowSummary } from "../../../test/fixtures/cdnow/load";
import { fitBgNbd } from "./bgnbd";
import { fitGammaGamma } from "./gamma-gamma";
import { i18nFor } from "../../i18n/i18n";
import { fitParetoNbd } from "./pareto-nbd";
import { assessBgNbdFit, assessGammaGammaFit, assessParetoNbdFit, fitReason, type StabilityVerdict } from "./stability";

const cdnow = loadCdnowSummary();
const texts = (verdict: StabilityVerdict) => verdict.reasons.map((reason) => reason.text);
// First purchases from 1 January 1997; the calibration period ends 39 weeks later.
const calibrationDays = 39 * 7;

describe("assessBgNbdFit", () => {
  const fit = fitBgNbd(cdnow);

  it("accepts the CDNOW fit", () => {
    expect(assessBgNbdFit(fit, cdnow, calibrationDays)).toEqual({ stable: true, reasons: [] });
  });

  it("rejects a tiny dataset and says why", () => {
    const tiny = { x: [0, 1, 3, 0, 2], tx: [0, 5, 20, 0, 8], T: [30, 30, 28, 25, 21] };
    const verdict = assessBgNbdFit(fitBgNbd(tiny), tiny, 30);
    expect(verdict.stable).toBe(false);
    expect(texts(verdict)).toContain("Only 5 customers; at least 200 are needed.");
    expect(texts(verdict)).toContain("Only 3 customers have ordered more than once; at least 50 are needed.");
    expect(texts(verdict)).toContain("Only 30 days of order history; at least 90 are needed.");
  });

  it("says one customer, not one customers", () => {
    const single = { x: [1], tx: [3], T: [5] };
    const verdict = assessBgNbdFit(fit, single, 1);
    expect(texts(verdict).slice(0, 3)).toEqual([
      "Only 1 customer; at least 200 are needed.",
      "Only 1 customer has ordered more than once; at least 50 are needed.",
      "Only 1 day of order history; at least 90 are needed.",
    ]);
  });

  it("rejects a fit that did not converge", () => {
    const verdict = assessBgNbdFit(fitBgNbd(cdnow, { maxIterations: 2 }), cdnow, calibrationDays);
    expect(verdict.stable).toBe(false);
    expect(verdict.reasons).toEqual([{ code: "notConverged", values: {}, text: "The model fit did not settle on an answer." }]);
  });

  it("rejects parameters at extreme values", () => {
    const dropout = ["The estimated chances of customers leaving are at extreme values, so churn predictions are not reliable."];
    expect(texts(assessBgNbdFit({ ...fit, b: 5e3 }, cdnow, calibrationDays))).toEqual(dropout);
    expect(texts(assessBgNbdFit({ ...fit, a: 1e-4 }, cdnow, calibrationDays))).toEqual(dropout);
    const degenerateRates = assessBgNbdFit({ ...fit, r: 5e3, alpha: 1e5 }, cdnow, calibrationDays);
    expect(texts(degenerateRates)).toEqual([
      "The estimated buying rates are at extreme values, so predicted purchases are not reliable.",
    ]);
    expect(texts(assessBgNbdFit({ ...fit, a: Number.NaN }, cdnow, calibrationDays))).toEqual([
      "The model fit produced invalid numbers.",
    ]);
  });
});

describe("assessParetoNbdFit", () => {
  const fit = fitParetoNbd(cdnow);

  it("accepts the CDNOW fit and applies the same history checks as BG/NBD", () => {
    expect(assessParetoNbdFit(fit, cdnow, calibrationDays)).toEqual({ stable: true, reasons: [] });
    const tiny = { x: [0, 1, 3, 0, 2], tx: [0, 5, 20, 0, 8], T: [30, 30, 28, 25, 21] };
    expect(texts(assessParetoNbdFit(fit, tiny, 30))).toContain("Only 5 customers; at least 200 are needed.");
    expect(texts(assessParetoNbdFit({ ...fit, converged: false }, cdnow, calibrationDays))).toEqual([
      "The model fit did not settle on an answer.",
    ]);
  });

  it("rejects drop-out and purchase rates at extreme values", () => {
    const dropout = ["The estimated chances of customers leaving are at extreme values, so churn predictions are not reliable."];
    expect(texts(assessParetoNbdFit({ ...fit, s: 5e3 }, cdnow, calibrationDays))).toEqual(dropout);
    expect(texts(assessParetoNbdFit({ ...fit, beta: 1e-4 }, cdnow, calibrationDays))).toEqual(dropout);
    expect(texts(assessParetoNbdFit({ ...fit, alpha: 1e6 }, cdnow, calibrationDays))).toEqual([
      "The estimated buying rates are at extreme values, so predicted purchases are not reliable.",
    ]);
    expect(texts(assessParetoNbdFit({ ...fit, s: Number.NaN }, cdnow, calibrationDays))).toEqual([
      "The model fit produced invalid numbers.",
    ]);
  });
});

describe("assessGammaGammaFit", () => {
  const fit = fitGammaGamma({ x: cdnow.x, mbar: cdnow.zbar });

  it("accepts the CDNOW fit", () => {
    expect(assessGammaGammaFit(fit)).toEqual({ stable: true, reasons: [] });
  });

  it("rejects too few customers, an infinite mean spend and extreme values", () => {
    expect(assessGammaGammaFit({ ...fit, customers: 12 }).reasons).toEqual([
      {
        code: "tooFewRepeatCustomers",
        values: { count: 12, min: 50 },
        text: "Only 12 customers have ordered more than once; at least 50 are needed.",
      },
    ]);
    expect(texts(assessGammaGammaFit({ ...fit, q: 0.9 }))).toEqual([
      "Order values vary too wildly between customers to predict an average spend.",
    ]);
    expect(assessGammaGammaFit({ ...fit, p: 2e4, q: 3e4 }).stable).toBe(false);
  });
});

describe("fit reasons", () => {
  const examples = [
    fitReason("tooFewCustomers", { count: 1, min: 200 }),
    fitReason("tooFewRepeatCustomers", { count: 7, min: 50 }),
    fitReason("shortHistory", { count: 30, min: 90 }),
    fitReason("spendTooVaried"),
  ];

  it("read in English as the admin's English words them", () => {
    const { t } = i18nFor("en");
    for (const reason of examples) expect(t(`dashboard:predictions.reasons.${reason.code}`, reason.values)).toBe(reason.text);
  });

  it("read in German, plural included", () => {
    const { t } = i18nFor("de");
    expect(examples.map((reason) => t(`dashboard:predictions.reasons.${reason.code}`, reason.values))).toEqual([
      "Nur 1 Kunde; mindestens 200 sind nötig.",
      "Nur 7 Kunden haben mehr als einmal bestellt; mindestens 50 sind nötig.",
      "Nur 30 Tage Bestellverlauf; mindestens 90 sind nötig.",
      "Die Bestellwerte schwanken zwischen den Kunden zu stark, um durchschnittliche Ausgaben vorherzusagen.",
    ]);
  });
});
