// /account/api/surveys: GET the customer's open feedback surveys; POST an answer to one of them
// ({ orderGid, nps?, csat?, ces?, comment?, locale? }). docs/feedback.md.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { answerAccount } from "../storefront/account.server";
import { surveyAnswerRequest, surveysRequest } from "../storefront/member-requests.server";

export const loader = ({ request }: LoaderFunctionArgs) => answerAccount(request, "GET", surveysRequest());

export const action = ({ request }: ActionFunctionArgs) =>
  answerAccount(request, "POST", surveyAnswerRequest(request, "account"));
