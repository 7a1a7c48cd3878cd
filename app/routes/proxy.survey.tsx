// GET/POST /proxy/survey?t=<signed link> (storefront: /apps/comeback/survey): the feedback survey
// page of one order, without logging in. docs/feedback.md.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { answerProxy } from "../storefront/proxy.server";
import { submitSurveyLink, surveyLinkPage } from "../storefront/survey.server";

export const loader = ({ request }: LoaderFunctionArgs) =>
  answerProxy(request, "GET", (context) => surveyLinkPage(request, context));

// Any other method reaches the action, to be answered 405.
export const action = ({ request }: ActionFunctionArgs) =>
  answerProxy(request, "POST", (context) => submitSurveyLink(request, context));
