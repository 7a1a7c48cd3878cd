import { describe, expect, it } from "vitest";
import * as bgNbd from "./models/bgnbd";
import { churnRisk } from "./models/clv";
import { expectedAverageSpend } from "./models/gamma-gamma";
import * as paretoNbd from "./models/pareto-nbd";
import { OrderFacts, type OrderFactRow } from "./order-facts";
import {
  fitModels,
  HORIZON_DAYS,
  modelInput,
  predictCustomers,
  predictionSummary,
  RISK_CODES,
  type FittedModels,
  type ModelInput,
} from "./predictions";
import { day, HELSINKI, indexOfCustomer, orderRow, shopWith, type OrderTuple } from "./test-histories";

const WEEK = 7;

describe("modelInput", () => {
  const AS_OF = day("2024-03-01");
  const facts = shopWith([
    // 1: two orders on 1 January, two on 15 January, one on 29 January: x = 2 repeat days.
    [1, "2024-01-01", 1_000],
    [1, "2024-01-01", 500],
    [1, "2024-01-15", 2_000],
    [1, "2024-01-15", 1_000],
    [1, "2024-01-29", 600],
    // 2: two orders on one day: no repeat purchase.
    [2, "2024-02-01", 700],
    [2, "2024-02-01", 300],
    // 3: first order after asOf: not seen. 4: second order after asOf: x = 0.
    [3, "2024-03-02", 400],
    [4, "2024-02-20", 800],
    [4, "2024-03-05", 800],
    [null, "2024-01-01", 9_999],
  ]);
  const input = modelInput(facts.histories(), AS_OF);
  const of = (customerId: number) => {
    const i = Array.from(input.customer).indexOf(indexOfCustomer(facts, customerId));
    if (i < 0) throw new Error(`customer ${customerId} not in the model input`);
    return { x: input.x[i], tx: input.tx[i], T: input.T[i], mbar: input.mbar[i] };
  };

  it("includes the customers with a counted order before asOf", () => {
    expect(Array.from(input.customer, (c) => facts.customerIds[c]).sort()).toEqual([1, 2, 4]);
    expect(input.asOf).toBe(AS_OF);
    expect(input.spanDays).toBe(60); // 1 January to 1 March 2024
  });

  it("counts repeat purchase days, with tx and T in weeks and mbar the mean net of a repeat day", () => {
    const customer = of(1);
    expect(customer.x).toBe(2);
    expect(customer.tx).toBeCloseTo(28 / WEEK, 12);
    expect(customer.T).toBeCloseTo(60 / WEEK, 12);
    expect(customer.mbar).toBe(1_800); // (2000 + 1000 + 600) / 2
  });

  it("counts two orders on the same day as one purchase", () => {
    expect(of(2)).toEqual({ x: 0, tx: 0, T: 29 / WEEK, mbar: 0 });
  });

  it("ignores orders on or after asOf", () => {
    expect(of(4)).toEqual({ x: 0, tx: 0, T: 10 / WEEK, mbar: 0 });
  });

  it("is empty for a shop without counted orders", () => {
    const empty = modelInput(new OrderFacts(HELSINKI).histories(), AS_OF);
    expect(empty.customer).toHaveLength(0);
    expect(empty.spanDays).toBe(0);
  });
});

/** A tiny shop: customer c orders c times, 20 days apart. */
function tinyShop(): ModelInput {
  const orders: OrderTuple[] = [];
  for (let c = 1; c <= 5; c++) {
    for (let k = 0; k < c; k++) orders.push([c, day("2024-01-01") + k * 20 + c, 1_000 + 100 * c + 37 * k]);
  }
  return modelInput(shopWith(orders).histories(), day("2024-06-01"));
}

/**
 * A deterministic simulated shop of 300 customers over 18 months: each buys at their own rate
 * and stops after any purchase with their own probability; order values vary around their own
 * mean. `unit` multiplies every amount (1 = whole currency units, 100 = cents).
 */
function simulatedShop(unit = 1, seed = 7): ModelInput {
  let state = seed;
  const random = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const first = day("2023-01-01");
  const asOf = day("2024-07-01");
  const rows: OrderFactRow[] = [];
  for (let customerId = 1; customerId <= 300; customerId++) {
    let orderDay = first + Math.floor(random() * 400);
    const meanGapDays = 15 + Math.floor(random() * 120);
    const dropout = 0.05 + 0.9 * random() ** 2;
    const meanSpend = 20 + random() * 60;
    while (orderDay < asOf) {
      rows.push(
        orderRow({ id: rows.length + 1, customerId, at: orderDay, net: Math.round(meanSpend * (0.5 + random())) * unit }),
      );
      if (random() < dropout) break;
      orderDay += 1 + Math.floor(-Math.log(1 - random()) * meanGapDays);
    }
  }
  const facts = new OrderFacts(HELSINKI);
  facts.apply(rows);
  return modelInput(facts.histories(), asOf);
}

describe("fitModels", () => {
  it("has nothing to fit in a shop without customers", () => {
    const fit = fitModels(modelInput(new OrderFacts(HELSINKI).histories(), day("2024-06-01")));
    expect(fit).toMatchObject({ customers: 0, bgNbd: null, paretoNbd: null, gammaGamma: null, stable: false });
    expect(fit.reasons.map((reason) => reason.code)).toEqual(["noCustomers"]);
  });

  it("calls a tiny shop's fit unstable and says why", () => {
    const input = tinyShop();
    const fit = fitModels(input);
    expect(fit.asOf).toBe(input.asOf);
    expect(fit.customers).toBe(5);
    expect(fit.stable).toBe(false);
    expect(fit.reasons.map((reason) => reason.text)).toContain("Only 5 customers; at least 200 are needed.");
    expect(fit.reasons.map((reason) => reason.text)).toContain(
      "Only 4 customers have ordered more than once; at least 50 are needed.",
    );
    expect(fit.bgNbd).not.toBeNull();
    expect(fit.paretoNbd).not.toBeNull();
  });

  it("does not model spend with fewer than two repeat customers", () => {
    const input = modelInput(
      shopWith([
        [1, "2024-01-01", 100],
        [1, "2024-02-01", 100],
        [2, "2024-01-05", 100],
        [3, "2024-01-09", 100],
      ]).histories(),
      day("2024-06-01"),
    );
    const fit = fitModels(input);
    expect(fit.gammaGamma).toBeNull();
    expect(fit.stable).toBe(false);
    expect(fit.reasons.map((reason) => reason.text)).toContain("Too few repeat purchases to model spend.");
    expect(predictCustomers(input, fit)).toBeNull();
  });

  it("fits a well-behaved shop of 300 customers and reproduces the fit from a warm start", () => {
    const input = simulatedShop();
    const fit = fitModels(input);
    expect(fit.reasons).toEqual([]);
    expect(fit.stable).toBe(true);
    const warm = fitModels(input, fit);
    for (const key of ["r", "alpha", "a", "b"] as const) expect(warm.bgNbd![key]).toBeCloseTo(fit.bgNbd![key], 4);
    for (const key of ["r", "alpha", "s", "beta"] as const) expect(warm.paretoNbd![key]).toBeCloseTo(fit.paretoNbd![key], 4);
    for (const key of ["p", "q"] as const) expect(warm.gammaGamma![key]).toBeCloseTo(fit.gammaGamma![key], 4);
  });

  it("reaches the same verdict whether the same shop's money is in whole units or in cents", () => {
    const whole = fitModels(simulatedShop(1));
    const cents = fitModels(simulatedShop(100));
    expect(cents.gammaGamma!.p).toBeCloseTo(whole.gammaGamma!.p, 4);
    expect(cents.gammaGamma!.q).toBeCloseTo(whole.gammaGamma!.q, 4);
    expect(cents.reasons).toEqual(whole.reasons);
  });
});

describe("fitModels with a backtest", () => {
  it("predicts with the model that did better on the shop's past, Pareto/NBD when nothing was tested", () => {
    const input = simulatedShop();
    expect(fitModels(input).model).toBe("pareto-nbd");
    const tested = { best: "bgnbd" } as Parameters<typeof fitModels>[2];
    const fit = fitModels(input, null, tested);
    expect(fit.model).toBe("bgnbd");
    expect(fit.backtest).toBe(tested);
    const predictions = predictCustomers(input, fit)!;
    const i = input.x.findIndex((x) => x >= 2);
    expect(predictions.pAlive[i]).toBe(bgNbd.probabilityAlive(fit.bgNbd!, input.x[i], input.tx[i], input.T[i]));
  });

  it("gives no long-gone one-time buyer a low churn risk under Pareto/NBD", () => {
    const input = simulatedShop();
    const fit = fitModels(input);
    const predictions = predictCustomers(input, fit)!;
    for (let i = 0; i < input.customer.length; i++) {
      // One order, more than a year before asOf.
      if (input.x[i] === 0 && input.T[i] > 52) expect(RISK_CODES[predictions.risk[i]]).not.toBe("low");
    }
  });
});

describe("predictCustomers", () => {
  const input = simulatedShop();
  const fit = fitModels(input);
  const predictions = predictCustomers(input, fit)!;

  it("predicts for every customer in the input", () => {
    expect(predictions).not.toBeNull();
    expect(predictions.customer).toBe(input.customer);
    expect(predictions.pAlive).toHaveLength(input.customer.length);
  });

  it("gives probabilities in [0, 1], 365-day orders at least the 90-day ones, and non-negative whole-unit CLV", () => {
    for (let i = 0; i < input.customer.length; i++) {
      expect(predictions.pAlive[i]).toBeGreaterThanOrEqual(0);
      expect(predictions.pAlive[i]).toBeLessThanOrEqual(1);
      expect(predictions.expectedOrders90[i]).toBeGreaterThanOrEqual(0);
      expect(predictions.expectedOrders365[i]).toBeGreaterThanOrEqual(predictions.expectedOrders90[i]);
      expect(predictions.clv12[i]).toBeGreaterThanOrEqual(0);
      expect(Number.isInteger(predictions.clv12[i])).toBe(true);
      expect(RISK_CODES[predictions.risk[i]]).toBe(churnRisk(predictions.pAlive[i]));
    }
  });

  it("multiplies expected orders in a year by expected spend per order", () => {
    expect(fit.model).toBe("pareto-nbd");
    const i = input.x.findIndex((x) => x >= 2);
    const [x, tx, T, mbar] = [input.x[i], input.tx[i], input.T[i], input.mbar[i]];
    expect(predictions.pAlive[i]).toBe(paretoNbd.probabilityAlive(fit.paretoNbd!, x, tx, T));
    expect(predictions.expectedOrders90[i]).toBe(
      paretoNbd.expectedPurchases(fit.paretoNbd!, HORIZON_DAYS.short / WEEK, x, tx, T),
    );
    const year = paretoNbd.expectedPurchases(fit.paretoNbd!, HORIZON_DAYS.year / WEEK, x, tx, T);
    expect(predictions.expectedOrders365[i]).toBe(year);
    expect(predictions.clv12[i]).toBe(Math.round(year * expectedAverageSpend(fit.gammaGamma!, x, mbar)));
  });

  it("summarises predicted revenue, orders and customers by churn risk", () => {
    const summary = predictionSummary(predictions);
    expect(summary.predictedRevenue12m).toBe(predictions.clv12.reduce((sum, value) => sum + value, 0));
    expect(summary.expectedOrders365).toBeCloseTo(
      predictions.expectedOrders365.reduce((sum, value) => sum + value, 0),
      9,
    );
    const { low, medium, high } = summary.customersByRisk;
    expect(low + medium + high).toBe(input.customer.length);
    expect(high).toBe(Array.from(predictions.pAlive).filter((p) => p < 0.3).length);
  });

  it("declines to predict spend when the spend model has no finite mean (q ≤ 1)", () => {
    const noMean: FittedModels = { ...fit, gammaGamma: { ...fit.gammaGamma!, q: 1 } };
    expect(predictCustomers(input, noMean)).toBeNull();
  });

  it("makes no predictions from a tiny shop's unstable fit, so no meaningless figure is shown", () => {
    const tiny = tinyShop();
    const tinyFit = fitModels(tiny);
    expect(tinyFit.stable).toBe(false);
    expect(predictCustomers(tiny, tinyFit)).toBeNull();
  });
});
