// The program as the theme's Liquid reads it, without a request: an app-data metafield on the
// app installation (namespace $app, key program, type json; docs/app-proxy.md gives the Liquid
// path). It holds only what the "earn X points" block and the first paint need: the purchase
// rate, what counts toward it and the tier multipliers. Money is minor-unit decimal text.
import { METAFIELD_NAMESPACE } from "../loyalty/metafields";
import type { EarningRule, ProgramSettings, Tier } from "../loyalty/program";
import { currencyExponent } from "../platform/money";
import { purchaseRuleInForce, rateJson } from "./panel";

export const PROGRAM_METAFIELD_KEY = "program";

export const CURRENT_APP_INSTALLATION_QUERY = `#graphql
query ComebackAppInstallation {
  currentAppInstallation { id }
}`;

export interface ProgramMetafieldInput {
  enabled: boolean;
  settings: ProgramSettings;
  rules: readonly EarningRule[];
  tiers: readonly Tier[];
  currency: string;
  now: Date;
}

export function programMetafieldValue({ enabled, settings, rules, tiers, currency, now }: ProgramMetafieldInput) {
  return {
    enabled,
    currency,
    currencyDigits: currencyExponent(currency),
    purchase: rateJson(purchaseRuleInForce(rules, now)),
    purchaseBase: settings.purchaseBase,
    tiers: [...tiers]
      .sort((a, b) => (a.threshold < b.threshold ? -1 : a.threshold > b.threshold ? 1 : 0))
      .map(({ id, name, multiplierBasisPoints }) => ({ id, name, multiplierBasisPoints })),
    pendingDays: settings.pendingDays,
  };
}

/** The metafieldsSet input writing `value` on the app installation `ownerId`. */
export function programMetafield(ownerId: string, value: ReturnType<typeof programMetafieldValue>) {
  return { ownerId, namespace: METAFIELD_NAMESPACE, key: PROGRAM_METAFIELD_KEY, type: "json", value: JSON.stringify(value) };
}
