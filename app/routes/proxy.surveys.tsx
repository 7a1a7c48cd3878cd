// GET /proxy/surveys (storefront: /apps/comeback/surveys): the signed-in shopper's open feedback
// surveys, each with its signed link, for the panel's prompt. docs/feedback.md.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { answerMember } from "../storefront/proxy.server";
import { surveysRequest } from "../storefront/member-requests.server";

const answer = ({ request }: LoaderFunctionArgs) => answerMember(request, "GET", surveysRequest());

export const loader = answer;
export const action = answer;
