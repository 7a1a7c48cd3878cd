// POST /proxy/birthday { birthday: "MM-DD" }: the signed-in shopper gives their birthday, once.
import type { ActionFunctionArgs } from "@remix-run/node";
import { storefrontBirthday } from "../storefront/actions.server";
import { json } from "../platform/http/responses";
import { birthdayInput } from "../storefront/inputs.server";
import { answerMember, readJsonBody } from "../storefront/proxy.server";

const answer = ({ request }: ActionFunctionArgs) =>
  answerMember(request, "POST", async ({ shop, customerGid, spend }) => {
    const { birthday } = await readJsonBody(request, birthdayInput);
    await spend("birthday");
    const { status, body } = await storefrontBirthday(shop, customerGid, birthday);
    return json(body, status);
  });

export const action = answer;
export const loader = answer;
