// POST /account/api/birthday { birthday: "MM-DD" }: the customer gives their birthday, once.
import type { ActionFunctionArgs } from "@remix-run/node";
import { answerAccount } from "../storefront/account.server";
import { storefrontBirthday } from "../storefront/actions.server";
import { birthdayInput } from "../storefront/inputs.server";
import { json } from "../platform/http/responses";
import { readJsonBody } from "../storefront/proxy.server";

const answer = ({ request }: ActionFunctionArgs) =>
  answerAccount(request, "POST", async ({ shop, customerGid, spend }) => {
    const { birthday } = await readJsonBody(request, birthdayInput);
    await spend("birthday");
    const { status, body } = await storefrontBirthday(shop, customerGid, birthday);
    return json(body, status);
  });

export const action = answer;
export const loader = answer;
