// What a signed-in shopper asks of either surface, the App Proxy (/proxy/*) and the customer
// account extension (/account/api/*) (redeem, birthday, history, the referral link): each surface's
// route authenticates its own way (answerMember, answerAccount) and hands the request to the same
// work here. Whatever else a body holds (a customer id, say) is ignored: the shopper is the one
// Shopify vouched for.
import { z } from "zod";
import { LoyaltyInputError } from "../loyalty/admin.server";
import { monthDay } from "../loyalty/members.server";
import { fieldError } from "../loyalty/program";
import { localeKey } from "../loyalty/reward-texts";
import { json } from "../platform/http/responses";
import { storefrontBirthday, storefrontRedeem } from "./actions.server";
import { shareLink } from "../referrals/links.server";
import { parseCursor } from "./history";
import { storefrontHistory, storefrontPanel } from "./panel.server";
import { readJsonBody, type MemberContext, type ProxyContext } from "./proxy.server";

const redeemInput = z.object({
  rewardId: z.string().min(1, "must not be empty").max(200, "must be at most 200 characters"),
  clientKey: z.string().min(8, "must be at least 8 characters").max(100, "must be at most 100 characters"),
});

const birthdayInput = z.object({ birthday: monthDay });

type MemberWork = (context: MemberContext) => Promise<Response>;

/** POST { rewardId, clientKey }: the same clientKey on either surface is one redemption. */
export const redeemRequest =
  (request: Request): MemberWork =>
  async ({ shop, customerGid, spend }) => {
    const { rewardId, clientKey } = await readJsonBody(request, redeemInput);
    await spend("redeem");
    const { status, body } = await storefrontRedeem(shop, customerGid, rewardId, clientKey);
    return json(body, status);
  };

/** POST { birthday: "MM-DD" }, given once. */
export const birthdayRequest =
  (request: Request): MemberWork =>
  async ({ shop, customerGid, spend }) => {
    const { birthday } = await readJsonBody(request, birthdayInput);
    await spend("birthday");
    const { status, body } = await storefrontBirthday(shop, customerGid, birthday);
    return json(body, status);
  };

/**
 * GET ?locale=<shopper's locale>: the program and the shopper's standing (a guest's member is
 * null), the rewards' words in that locale or the shop's primary language. A locale that is not
 * one is refused rather than guessed at.
 */
export const panelRequest =
  (request: Request) =>
  async ({ shop, customerGid, spend }: ProxyContext): Promise<Response> => {
    const locales = new URL(request.url).searchParams.getAll("locale");
    const locale = locales.length === 1 ? localeKey(locales[0]!) : null;
    if (locales.length > 1 || (locales.length === 1 && locale === null))
      throw new LoyaltyInputError([fieldError("locale", "locale")]);
    await spend("read");
    return json(await storefrontPanel(shop, customerGid, locale));
  };

/** GET ?before=<cursor>: the ledger, newest first, a page at a time. */
export const historyRequest =
  (request: Request): MemberWork =>
  async ({ shop, customerGid, spend }) => {
    const cursor = parseCursor(new URL(request.url).searchParams.get("before"));
    if ("error" in cursor) throw new LoyaltyInputError([cursor.error]);
    await spend("read");
    return json(await storefrontHistory(shop, customerGid, cursor.before));
  };

/** GET: the member's referral link and what it earned them (made on first ask); 204 when there is none to share. */
export const referralRequest =
  (): MemberWork =>
  async ({ shop, customerGid, spend }) => {
    await spend("read");
    const { status, body } = await shareLink(shop, customerGid);
    return status === 204 ? new Response(null, { status, headers: { "Cache-Control": "no-store" } }) : json(body, status);
  };
