import { describe, expect, it } from "vitest";
import { loadCdnowPurchases, loadCdnowSummary } from "../../test/fixtures/cdnow/load";
import { backtest, FREQUENCY_ROWS, HOLDOUT_DAYS, holdoutDaysFor } from "./backtest";
import { fitBgNbd } from "./models/bgnbd";
import { fitParetoNbd } from "./models/pareto-nbd";
import { modelInput } from "./predictions";

const day = (year: number, month: number, date: number) => Date.UTC(year, month - 1, date) / 86_400_000;
const purchases = loadCdnowPurchases();
// CDNOW's calibration period is the 39 weeks to the end of September 1997; the data end with June 1998.
const calibrationEnd = day(1997, 10, 1);
const dataEnd = day(1998, 7, 1);

describe("the models' input from purchase histories", () => {
  it("reproduces Fader & Hardie's CDNOW calibration summaries", () => {
    const input = modelInput(purchases, calibrationEnd);
    const summary = loadCdnowSummary();
    expect(input.customer.length).toBe(2357);
    for (let i = 0; i < 2357; i++) {
      expect(input.x[i]).toBe(summary.x[i]);
      expect(Math.abs(input.tx[i] - summary.tx[i])).toBeLessThan(0.005); // the file rounds to 2 decimals
      // The file measures T to the last day of the period, this app to the start of the next one.
      expect(input.T[i] - summary.T[i]).toBeCloseTo(1 / 7, 1);
    }
  });
});

describe("backtest on CDNOW, 39 weeks held out", () => {
  const result = backtest(purchases, dataEnd, dataEnd - calibrationEnd)!;

  it("predicts every calibration customer with both models and scores them on what happened", () => {
    expect(result).toMatchObject({ calibrationEnd, asOf: dataEnd, holdoutDays: 273, customers: 2357 });
    // Distinct purchase days of the 2,357 customers from October 1997 to June 1998, counted independently.
    let actual = 0;
    for (let c = 0; c < purchases.customers; c++) {
      const days = new Set(
        Array.from(purchases.days.subarray(purchases.start[c], purchases.start[c + 1])).filter((d) => d >= calibrationEnd),
      );
      actual += days.size;
    }
    expect(result.actualPurchases).toBe(actual);
    expect(result.models.map((m) => m.model)).toEqual(["bgnbd", "pareto-nbd"]);
    for (const model of result.models) {
      expect(model.converged).toBe(true);
      const rows = model.byFrequency;
      expect(rows.map((row) => row.repeatPurchases)).toEqual([...FREQUENCY_ROWS]);
      expect(rows.reduce((n, row) => n + row.customers, 0)).toBe(2357);
      expect(rows.reduce((n, row) => n + row.actual * row.customers, 0)).toBeCloseTo(actual, 6);
      expect(rows.reduce((n, row) => n + row.predicted * row.customers, 0)).toBeCloseTo(model.predictedPurchases, 6);
      expect(model.aggregateError).toBeCloseTo((model.predictedPurchases - actual) / actual, 12);
      // Both models are known to forecast CDNOW's holdout within a few tens of percent.
      expect(Math.abs(model.aggregateError!)).toBeLessThan(0.2);
      expect(model.meanAbsoluteError).toBeGreaterThan(0);
      // More repeat purchases in calibration, more purchases expected and seen afterwards.
      for (let k = 1; k < rows.length; k++) expect(rows[k].predicted).toBeGreaterThan(rows[k - 1].predicted);
    }
    const [bg, pareto] = result.models;
    expect(result.best).toBe(bg.meanAbsoluteError <= pareto.meanAbsoluteError ? "bgnbd" : "pareto-nbd");
  });

  it("fits on the calibration period only", () => {
    const calibration = modelInput(purchases, calibrationEnd);
    const { r, alpha, a, b } = fitBgNbd(calibration);
    expect(result.models[0].params).toEqual({ r, alpha, a, b });
    expect(result.models[1].params.r).toBe(fitParetoNbd(calibration).r);
  });
});

describe("holdoutDaysFor", () => {
  it("holds out 26 weeks after a year of history, a third of a younger history, nothing below 12 weeks", () => {
    expect(holdoutDaysFor(365 + 182)).toBe(HOLDOUT_DAYS);
    expect(holdoutDaysFor(2000)).toBe(HOLDOUT_DAYS);
    expect(holdoutDaysFor(365 + 181)).toBe(182);
    expect(holdoutDaysFor(300)).toBe(100);
    expect(holdoutDaysFor(84)).toBe(28);
    expect(holdoutDaysFor(83)).toBeNull();
    expect(backtest(purchases, day(1997, 1, 20))).toBeNull();
  });
});
