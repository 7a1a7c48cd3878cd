// Requests to the app's /account/api/* routes (app/storefront/account.server.ts), each with a
// fresh session token: Shopify's get() caches one while it is valid. The shapes are the App
// Proxy's, typed from the app's own builders so a change there breaks this build.
import { host } from "./host";
import type { OrderPoints } from "../../../app/storefront/order-points";
import type { entryJson, memberPanel, programPanel } from "../../../app/storefront/panel";
import type { ShopperOffer } from "../../../app/campaigns/shopper-offer";
import type { PendingSurvey } from "../../../app/feedback/due";
import type { ShareAnswer } from "../../../app/referrals/share";

export type Program = ReturnType<typeof programPanel>;
export type Member = ReturnType<typeof memberPanel>;
export type Entry = ReturnType<typeof entryJson>;
export interface Panel {
  program: Program;
  member: Member | null;
  /** A win-back campaign's offer while it lasts; never one for a campaign's control group. */
  offer: ShopperOffer | null;
  /** The customer's open feedback survey (docs/feedback.md). */
  survey: PendingSurvey | null;
  /** Whether the customer has a referral link to share. */
  referrals: boolean;
}
export type { ShopperOffer };
export interface HistoryPage {
  entries: Entry[];
  nextCursor: string | null;
}
export type { OrderPoints };
/** GET referral: the customer's link (docs/referrals.md). */
export type Share = Extract<ShareAnswer, { status: 200 }>["body"];

export interface Answer<T> {
  status: number;
  body: T & { error?: string };
}

/** The panel, its rewards' names and descriptions in the customer's language (the app chooses them). */
export const loadPanel = () => call<Panel>(`panel?locale=${encodeURIComponent(host().localization.language.value.isoCode)}`);

export async function call<T>(path: string, body?: unknown): Promise<Answer<T>> {
  const token = await host().sessionToken.get();
  const response = await fetch(`${process.env.APP_URL}/account/api/${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body !== undefined && { "Content-Type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = (await response.json().catch(() => ({}))) as T & { error?: string };
  return { status: response.status, body: answer };
}
