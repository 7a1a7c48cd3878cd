// POST /proxy/birthday { birthday: "MM-DD" }: the signed-in shopper gives their birthday, once.
import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { monthDay } from "../loyalty/members.server";
import { storefrontBirthday } from "../storefront/actions.server";
import { json } from "../platform/http/responses";
import { answerMember, readJsonBody } from "../storefront/proxy.server";

const birthdayInput = z.object({ birthday: monthDay });

const answer = ({ request }: ActionFunctionArgs) =>
  answerMember(request, "POST", async ({ shop, customerGid, spend }) => {
    const { birthday } = await readJsonBody(request, birthdayInput);
    await spend("birthday");
    const { status, body } = await storefrontBirthday(shop, customerGid, birthday);
    return json(body, status);
  });

export const action = answer;
export const loader = answer;
