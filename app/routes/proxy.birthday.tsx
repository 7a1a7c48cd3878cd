// POST /proxy/birthday { birthday: "MM-DD" }: the signed-in shopper gives their birthday, once.
import type { ActionFunctionArgs } from "@remix-run/node";
import { answerMember } from "../storefront/proxy.server";
import { birthdayRequest } from "../storefront/member-requests.server";

const answer = ({ request }: ActionFunctionArgs) => answerMember(request, "POST", birthdayRequest(request));

export const action = answer;
export const loader = answer;
