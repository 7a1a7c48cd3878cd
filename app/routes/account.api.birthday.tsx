// POST /account/api/birthday { birthday: "MM-DD" }: the customer gives their birthday, once.
import type { ActionFunctionArgs } from "@remix-run/node";
import { answerAccount } from "../storefront/account.server";
import { birthdayRequest } from "../storefront/member-requests.server";

const answer = ({ request }: ActionFunctionArgs) => answerAccount(request, "POST", birthdayRequest(request));

export const action = answer;
export const loader = answer;
