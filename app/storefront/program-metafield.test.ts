import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS, type EarningRule } from "../loyalty/program";
import { programMetafield, programMetafieldValue } from "./program-metafield";

const now = new Date("2026-12-01T10:00:00Z");
const rule = (fields: Partial<EarningRule>): EarningRule =>
  ({
    id: "purchase",
    kind: "purchase",
    version: 1,
    points: 1,
    perAmount: 100n,
    effectiveFrom: new Date("2026-01-01"),
    retiredAt: null,
    ...fields,
  }) as EarningRule;

describe("programMetafieldValue", () => {
  it("carries the purchase rate in force, the base settings and the tiers by threshold, money as text", () => {
    const value = programMetafieldValue({
      enabled: true,
      settings: { ...DEFAULT_SETTINGS, pendingDays: 7 },
      rules: [
        rule({ version: 1, points: 1, retiredAt: new Date("2026-06-01") }),
        rule({ version: 2, points: 3, perAmount: 250n, effectiveFrom: new Date("2026-06-01") }),
        rule({ id: "welcome", kind: "signup", points: 50 }),
      ],
      tiers: [
        { id: "gold", name: "Gold", threshold: 500n, multiplierBasisPoints: 15000 },
        { id: "silver", name: "Silver", threshold: 100n, multiplierBasisPoints: 12500 },
      ],
      currency: "EUR",
      now,
    });
    expect(value).toEqual({
      enabled: true,
      currency: "EUR",
      currencyDigits: 2,
      purchase: { points: 3, perAmount: "250" },
      purchaseBase: DEFAULT_SETTINGS.purchaseBase,
      tiers: [
        { id: "silver", name: "Silver", multiplierBasisPoints: 12500 },
        { id: "gold", name: "Gold", multiplierBasisPoints: 15000 },
      ],
      pendingDays: 7,
    });
  });

  it("has no purchase rate when none is in force, and the currency's own digits", () => {
    const value = programMetafieldValue({
      enabled: false,
      settings: DEFAULT_SETTINGS,
      rules: [rule({ retiredAt: now })],
      tiers: [],
      currency: "JPY",
      now,
    });
    expect(value).toMatchObject({ enabled: false, purchase: null, currencyDigits: 0, tiers: [] });
  });
});

describe("programMetafield", () => {
  it("is a json metafield in the app's namespace on the installation", () => {
    const value = programMetafieldValue({
      enabled: true,
      settings: DEFAULT_SETTINGS,
      rules: [],
      tiers: [],
      currency: "USD",
      now,
    });
    expect(programMetafield("gid://shopify/AppInstallation/1", value)).toEqual({
      ownerId: "gid://shopify/AppInstallation/1",
      namespace: "$app",
      key: "program",
      type: "json",
      value: JSON.stringify(value),
    });
  });
});
