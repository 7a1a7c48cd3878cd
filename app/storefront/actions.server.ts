// What a signed-in shopper does through the App Proxy: redeem a reward, give their birthday.
// Both go through the loyalty program's own functions (redeem, setBirthday), which lock the
// member's row and key every effect, so a repeated or concurrent request has one effect.
import db from "../platform/db/client.server";
import { setBirthday } from "../loyalty/members.server";
import { redeem } from "../loyalty/redemption.server";
import { loadProgram } from "../loyalty/store.server";
import { redemptionAnswer, storefrontClientKey, type Answer } from "./answers";

export async function storefrontRedeem(
  shopDomain: string,
  customerGid: string,
  rewardId: string,
  clientKey: string,
): Promise<Answer> {
  const result = await redeem(shopDomain, customerGid, rewardId, storefrontClientKey(customerGid, clientKey));
  return redemptionAnswer(result.ok ? result : { ok: false, reason: result.reason });
}

/** Sets the shopper's birthday once (members.server.ts); the same birthday again is fine. */
export async function storefrontBirthday(shopDomain: string, customerGid: string, birthday: string): Promise<Answer> {
  const program = await loadProgram(db, shopDomain);
  if (!program?.enabled) return { status: 409, body: { error: "program_not_running" } };
  const result = await setBirthday(shopDomain, customerGid, birthday, new Date(), { once: true });
  if (result.ok) return { status: 200, body: { birthday: result.value.birthday } };
  return { status: 409, body: { error: result.code === "birthdayAlreadySet" ? "birthday_already_set" : "program_not_running" } };
}
