import { describe, expect, it } from "vitest";
import type { CustomerMetricsRow } from "../metrics/csv";
import {
  checkOffer,
  metafieldChanges,
  offerValues,
  predictionValues,
  SIGNAL_DEFINITIONS,
  signalSegmentQuery,
  valuesJson,
} from "./customer-metafields";

const row = (fields: Partial<CustomerMetricsRow>): CustomerMetricsRow => ({
  gid: "gid://shopify/Customer/1",
  firstOrder: "2025-01-02",
  lastOrder: "2026-03-04",
  orders: 3,
  netSpend: 12_000,
  recencyDays: 200,
  r: 2,
  f: 3,
  m: 4,
  segment: "at_risk",
  pAlive: 0.18,
  expectedOrders90: 0.1,
  expectedOrders365: 0.4,
  predictedClv12m: 1234.4,
  churnRisk: "high",
  nextOrderDue: "2026-05-01",
  overdueDays: 30,
  ...fields,
});

describe("customer signal metafields", () => {
  it("use only types Shopify's customer segments filter on", () => {
    for (const definition of SIGNAL_DEFINITIONS)
      expect(["single_line_text_field", "number_decimal", "number_integer", "date", "date_time", "boolean"]).toContain(
        definition.type,
      );
  });

  it("take the predictions' values, money in the shop currency's decimals, and leave out what is unknown", () => {
    expect(predictionValues(row({}), "USD")).toEqual({
      rfm_segment: "at_risk",
      churn_risk: "high",
      predicted_clv: "12.34",
      next_order_date: "2026-05-01",
    });
    expect(predictionValues(row({ predictedClv12m: 1234, churnRisk: null, nextOrderDue: null }), "JPY")).toEqual({
      rfm_segment: "at_risk",
      predicted_clv: "1234",
    });
  });

  it("write equal values as equal text, whatever the order they were given in", () => {
    expect(valuesJson({ predicted_clv: "1.00", churn_risk: "low" })).toBe(
      valuesJson({ churn_risk: "low", predicted_clv: "1.00" }),
    );
  });

  it("set what changed and delete what is gone", () => {
    const written = { churn_risk: "low", predicted_clv: "10.00", current_offer: "spring" };
    const wanted = { churn_risk: "high", predicted_clv: "10.00", ...offerValues(null) };
    expect(metafieldChanges(written, wanted)).toEqual({ set: ["churn_risk"], remove: ["current_offer"] });
    expect(offerValues({ campaignKey: "spring", expiresOn: "2026-12-31" })).toEqual({
      current_offer: "spring",
      current_offer_expires: "2026-12-31",
    });
  });

  it("refuse an offer Shopify could not store", () => {
    expect(() => checkOffer({ campaignKey: "", expiresOn: null })).toThrow("campaignKey");
    expect(() => checkOffer({ campaignKey: "spring", expiresOn: "31.12.2026" })).toThrow("expiresOn");
    expect(() => checkOffer({ campaignKey: "spring-2026:b", expiresOn: "2026-12-31" })).not.toThrow();
  });
});

describe("signalSegmentQuery", () => {
  it("joins the conditions over the app's metafields, quoting text", () => {
    expect(signalSegmentQuery({ churnRisk: "high", minPredictedClv: "50.00" })).toBe(
      "metafields.comeback.churn_risk = 'high' AND metafields.comeback.predicted_clv >= 50.00",
    );
    expect(signalSegmentQuery({ currentOffer: "it's" })).toBe("metafields.comeback.current_offer = 'it\\'s'");
  });

  it("refuses an empty filter and an amount that is not one", () => {
    expect(() => signalSegmentQuery({})).toThrow("at least one condition");
    expect(() => signalSegmentQuery({ minPredictedClv: "1 OR true" })).toThrow("decimal amount");
  });
});
