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
import { answerSurvey, pendingSurveys, type Surface } from "../feedback/surveys.server";
import { SURVEY_LANGUAGES } from "../feedback/settings";

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

// Feedback surveys (app/feedback, docs/feedback.md): the shopper's open surveys, and an answer to
// one of their own orders' surveys. The signed link's page has its own route (survey.server.ts).

/** GET: `{ surveys: [{ orderGid, orderName, dueAt, closesAt, url }] }`, open and not yet answered. */
export const surveysRequest =
  (): MemberWork =>
  async ({ shop, customerGid, spend }) => {
    await spend("feedback");
    return json({ surveys: await pendingSurveys(shop, customerGid) });
  };

const surveyAnswerInput = z.looseObject({
  orderGid: z.string().regex(/^gid:\/\/shopify\/Order\/\d{1,20}$/, "must be an order GID"),
  locale: z.enum(SURVEY_LANGUAGES).default("en"),
});

/** POST { orderGid, nps?, csat?, ces?, comment?, locale? }: 201 first answer, 200 a change within a day. */
export const surveyAnswerRequest =
  (request: Request, surface: Surface): MemberWork =>
  async ({ shop, customerGid, spend }) => {
    const body = await readJsonBody(request, surveyAnswerInput);
    await spend("feedback");
    const result = await answerSurvey(shop, customerGid, body.orderGid, body, { surface, locale: body.locale });
    if (!result.ok) return json({ error: result.error }, result.status);
    return json({ replaced: result.replaced, points: result.points }, result.replaced ? 200 : 201);
  };

/** GET: the member's referral link and what it earned them (made on first ask); 204 when there is none to share. */
export const referralRequest =
  (): MemberWork =>
  async ({ shop, customerGid, spend }) => {
    await spend("read");
    const { status, body } = await shareLink(shop, customerGid);
    return status === 204 ? new Response(null, { status, headers: { "Cache-Control": "no-store" } }) : json(body, status);
  };
