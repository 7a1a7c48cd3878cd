// The survey page behind a signed link (GET and POST /proxy/survey?t=<token>, docs/feedback.md):
// the App Proxy's signature proves the request came through the shop, the link's own signature
// names the order and customer. A shopper signed in as someone else is refused, so a forwarded
// link cannot be answered from another account; a guest may answer (the e-mail's reader).
import { answerSurvey, loadSurveySettings, orderSurvey } from "../feedback/surveys.server";
import { verifySurveyLink } from "../feedback/link.server";
import { messagePage, surveyPage, type PageMessage, type SurveyForm } from "../feedback/survey-page";
import { surveyLanguage, textsFor, type SurveyLanguage } from "../feedback/settings";
import { CHANGE_WINDOW_MS } from "../feedback/due";
import type { SurveyLink } from "../feedback/link";
import { LoyaltyInputError } from "../loyalty/admin.server";
import db from "../platform/db/client.server";
import { readBodyText } from "../platform/http/body.server";
import { findShop } from "../sync/shops.server";
import { json } from "../platform/http/responses";
import { isJsonRequest, MAX_PROXY_BODY_BYTES } from "./proxy-request";
import { spendRequest } from "./rate-limit.server";
import type { ProxyContext } from "./proxy.server";

const STATUS: Record<PageMessage, number> = {
  invalid_link: 403,
  link_for_another_customer: 403,
  expired_link: 410,
  unknown_survey: 404,
  survey_not_open: 409,
  already_answered: 409,
};

const html = (body: string, status = 200) =>
  new Response(body, { status, headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" } });

/** The refusal of a request, as the page or as JSON for a script. */
const refusal = (message: PageMessage, language: SurveyLanguage, asJson: boolean) =>
  asJson ? json({ error: message }, STATUS[message]) : html(messagePage(language, message), STATUS[message]);

const shopTimeZone = async (shop: string) => (await findShop(db, shop))?.timezone ?? "UTC";

function formatDay(date: Date, language: SurveyLanguage, timeZone: string): string {
  return new Intl.DateTimeFormat(language, { dateStyle: "long", timeStyle: "short", timeZone }).format(date);
}

/** The verified link of the request, or why it is refused. */
async function linkOf(request: Request, context: ProxyContext, now: Date): Promise<SurveyLink | PageMessage> {
  const link = verifySurveyLink(context.shop, new URL(request.url).searchParams.get("t"), now);
  if (typeof link === "string") return link;
  if (context.customerGid && context.customerGid !== link.customerGid) return "link_for_another_customer";
  // Counted on the link's customer, whoever holds it.
  await spendRequest(context.shop, link.customerGid, "feedback", now);
  return link;
}

export async function surveyLinkPage(request: Request, context: ProxyContext): Promise<Response> {
  const now = new Date();
  const timeZone = await shopTimeZone(context.shop);
  const query = new URL(request.url).searchParams;
  const language = surveyLanguage(query.get("lang"), request.headers.get("Accept-Language"));
  const link = await linkOf(request, context, now);
  if (typeof link === "string") return refusal(link, language, false);
  const surveys = await loadSurveySettings(context.shop);
  const survey = await orderSurvey(context.shop, link.customerGid, link.orderGid, now, undefined, surveys);
  if (!survey) return refusal("unknown_survey", language, false);
  if (survey.answer && !survey.answerable)
    return html(messagePage(language, { text: textsFor(surveys.settings, language).thanks }));
  if (survey.state !== "open") return refusal(survey.state === "closed" ? "expired_link" : "survey_not_open", language, false);
  const saved = survey.answer
    ? { changeUntil: formatDay(new Date(survey.answer.firstAnsweredAt.getTime() + CHANGE_WINDOW_MS), language, timeZone) }
    : null;
  return html(surveyPage(formFor(surveys.settings, language, survey.orderName, survey.answer ?? {}, [], saved)));
}

export async function submitSurveyLink(request: Request, context: ProxyContext): Promise<Response> {
  const now = new Date();
  const timeZone = await shopTimeZone(context.shop);
  const query = new URL(request.url).searchParams;
  const language = surveyLanguage(query.get("lang"), request.headers.get("Accept-Language"));
  const asJson = isJsonRequest(request.headers.get("Content-Type"));
  const link = await linkOf(request, context, now);
  if (typeof link === "string") return refusal(link, language, asJson);
  const text = await readBodyText(request, MAX_PROXY_BODY_BYTES);
  let input: Record<string, unknown>;
  if (asJson) {
    try {
      input = JSON.parse(text);
    } catch {
      return json({ error: "not_json" }, 400);
    }
  } else {
    input = Object.fromEntries(new URLSearchParams(text));
  }
  const surveys = await loadSurveySettings(context.shop);
  try {
    const result = await answerSurvey(
      context.shop,
      link.customerGid,
      link.orderGid,
      input,
      { surface: query.get("via") === "panel" ? "panel" : "link", locale: language },
      now,
    );
    if (!result.ok) return refusal(result.error, language, asJson);
    if (asJson) return json({ replaced: result.replaced, points: result.points }, result.replaced ? 200 : 201);
    const changeUntil = formatDay(new Date(result.answer.firstAnsweredAt.getTime() + CHANGE_WINDOW_MS), language, timeZone);
    const order = await orderSurvey(context.shop, link.customerGid, link.orderGid, now, undefined, surveys);
    return html(surveyPage(formFor(surveys.settings, language, order?.orderName ?? null, result.answer, [], { changeUntil })));
  } catch (error) {
    if (!(error instanceof LoyaltyInputError) || asJson) throw error;
    const order = await orderSurvey(context.shop, link.customerGid, link.orderGid, now, undefined, surveys);
    const fields = error.errors.map((fieldError) => fieldError.field);
    return html(surveyPage(formFor(surveys.settings, language, order?.orderName ?? null, input, fields, null)), 400);
  }
}

function formFor(
  settings: Awaited<ReturnType<typeof loadSurveySettings>>["settings"],
  language: SurveyLanguage,
  orderName: string | null,
  values: Record<string, unknown>,
  errors: string[],
  saved: SurveyForm["saved"],
): SurveyForm {
  const value = (key: string) =>
    typeof values[key] === "number" || typeof values[key] === "string" ? (values[key] as string) : null;
  return {
    language,
    texts: textsFor(settings, language),
    questions: settings.questions,
    orderName,
    values: { nps: value("nps"), csat: value("csat"), ces: value("ces"), comment: value("comment") },
    errors,
    saved,
  };
}
