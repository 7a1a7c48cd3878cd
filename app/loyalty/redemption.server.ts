// Redeeming a reward: points for a one-time discount code created in Shopify.
//
// The points are taken and the redemption recorded (with its code) in one transaction on the
// member's locked row, so concurrent redemptions can never spend the same points twice. Shopify is
// called after the commit, never inside a transaction: if it refuses or cannot be reached, the
// points are given back by a compensating entry and the redemption is marked failed. A request
// with the same clientKey returns the same redemption; for a failed one it tries again, with the
// same code.
import { randomBytes, randomUUID } from "node:crypto";
import db, { type Tx } from "../db.server";
import { log } from "../log.server";
import { unauthenticated } from "../shopify.server";
import { balancesAt, redemptionEntry } from "./balance";
import { generateDiscountCode, rewardCodeMutation } from "./codes";
import { addDays } from "./dates";
import { ledgerEntry, sourceKeys } from "./ledger";
import type { Reward } from "./program";
import { insertEntries, loadProgram, lockMember, memberEntries, rewardFromJson, reviewSoon } from "./store.server";

type RedemptionRow = Awaited<ReturnType<Tx["redemption"]["findUniqueOrThrow"]>>;

export interface RedemptionView {
  id: string;
  rewardId: string;
  customerGid: string;
  status: "pending" | "issued" | "failed";
  code: string;
  discountGid: string | null;
  points: number;
  expiresAt: string;
  error: string | null;
  attempts: number;
}

export type RedeemResult = { ok: true; redemption: RedemptionView } | { ok: false; status: 404 | 409; error: string };

const view = (row: RedemptionRow): RedemptionView => ({
  id: row.id,
  rewardId: row.rewardId,
  customerGid: row.memberGid,
  status: row.status as RedemptionView["status"],
  code: row.code,
  discountGid: row.discountGid,
  points: row.points,
  expiresAt: row.expiresAt.toISOString(),
  error: row.error,
  attempts: row.attempts,
});

const refuse = (status: 404 | 409, error: string) => ({ result: { ok: false as const, status, error } });

/** What the transaction decided: an answer already, or a code to create in Shopify. */
type Started = { result: RedeemResult } | { row: RedemptionRow; reward: Reward; currency: string; memberId: number };

/** Each attempt's debit has its own key (the first keeps the plain one), as does each give-back. */
const debitKey = (redemptionId: string, attempt: number) =>
  attempt === 1 ? sourceKeys.redemption(redemptionId) : `${sourceKeys.redemption(redemptionId)}:attempt:${attempt}`;
const restoreKey = (redemptionId: string, attempt: number) => `${sourceKeys.redemption(redemptionId)}:restore:${attempt}`;

export async function redeem(shopDomain: string, customerGid: string, rewardId: string, clientKey: string): Promise<RedeemResult> {
  const now = new Date();
  const started = await db.$transaction(async (tx: Tx): Promise<Started> => {
    const member = await lockMember(tx, shopDomain, customerGid);
    // Read under the member's lock: a concurrent request with the same key has committed by now.
    const existing = await tx.redemption.findUnique({ where: { shopDomain_clientKey: { shopDomain, clientKey } } });
    if (existing && (existing.memberGid !== customerGid || existing.rewardId !== rewardId)) {
      return refuse(409, "this clientKey belongs to another redemption");
    }
    if (existing && existing.status !== "failed") return { result: { ok: true, redemption: view(existing) } };
    const program = await loadProgram(tx, shopDomain);
    if (!program?.enabled) return refuse(409, "the loyalty program is not running");
    if (!member || member.heldOut) return refuse(409, "the customer is not a member of the program");
    const rewardRow = await tx.loyaltyReward.findUnique({ where: { shopDomain_rewardId: { shopDomain, rewardId } } });
    if (!rewardRow) return refuse(404, `no reward ${rewardId}`);
    const reward = rewardFromJson(rewardRow.definition);

    const id = existing?.id ?? randomUUID();
    const attempt = (existing?.attempts ?? 0) + 1;
    const entries = await memberEntries(tx, shopDomain, customerGid);
    const debit = redemptionEntry({ memberGid: customerGid, reward, redemptionId: id, availableBalance: balancesAt(entries, now).available, now });
    if (!debit) return refuse(409, "not enough points");
    const fields = { status: "pending", points: reward.pointsCost, expiresAt: addDays(now, reward.validDays), error: null, attempts: attempt };
    const row = existing
      ? await tx.redemption.update({ where: { id }, data: fields })
      : await tx.redemption.create({
          data: { id, shopDomain, memberGid: customerGid, rewardId, clientKey, code: generateDiscountCode(randomBytes), ...fields },
        });
    await insertEntries(tx, shopDomain, [{ ...debit, sourceKey: debitKey(id, attempt) }]);
    await reviewSoon(tx, member.id, now);
    const { currency } = await tx.shop.findUniqueOrThrow({ where: { domain: shopDomain }, select: { currency: true } });
    return { row, reward, currency, memberId: member.id };
  });
  if ("result" in started) return started.result;

  const { row, reward, currency, memberId } = started;
  const outcome = await createCode(shopDomain, { reward, code: row.code, customerGid, currency, now });
  if ("discountGid" in outcome) {
    const issued = await db.redemption.update({ where: { id: row.id }, data: { status: "issued", discountGid: outcome.discountGid } });
    return { ok: true, redemption: view(issued) };
  }
  log.warn("reward code not created; points restored", { shop: shopDomain, redemption: row.id, error: outcome.error });
  const failed = await restorePoints(shopDomain, row, reward, memberId, outcome.error);
  return { ok: true, redemption: view(failed) };
}

async function createCode(shopDomain: string, input: Parameters<typeof rewardCodeMutation>[0]): Promise<{ discountGid: string } | { error: string }> {
  const request = rewardCodeMutation(input);
  try {
    const { admin } = await unauthenticated.admin(shopDomain);
    const response = await admin.graphql(request.query, { variables: request.variables });
    const body = (await response.json()) as {
      data?: Record<string, { codeDiscountNode: { id: string } | null; userErrors: { message: string }[] } | undefined>;
    };
    const result = body.data?.discountCodeBasicCreate ?? body.data?.discountCodeFreeShippingCreate;
    if (result?.codeDiscountNode) return { discountGid: result.codeDiscountNode.id };
    return { error: result?.userErrors.map((e) => e.message).join("; ") || "Shopify created no discount" };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

async function restorePoints(shopDomain: string, row: RedemptionRow, reward: Reward, memberId: number, error: string) {
  return db.$transaction(async (tx: Tx) => {
    await lockMember(tx, shopDomain, row.memberGid);
    const now = new Date();
    await insertEntries(tx, shopDomain, [
      ledgerEntry({
        sourceKey: restoreKey(row.id, row.attempts),
        memberGid: row.memberGid,
        type: "redeem",
        source: "reward",
        points: row.points,
        reason: `${reward.name}: code not created, points restored`,
        createdAt: now,
      }),
    ]);
    await reviewSoon(tx, memberId, now);
    return tx.redemption.update({ where: { id: row.id }, data: { status: "failed", error: error.slice(0, 2000) } });
  });
}
