// Redeeming a reward: points for a one-time discount code created in Shopify.
//
// The points are taken and the redemption recorded (with its code) in one transaction on the
// member's locked row, so concurrent redemptions can never spend the same points twice. Shopify is
// called after the commit, never inside a transaction. When the creation fails, the code is looked
// up first (the answer may be lost after Shopify created it): found, it is issued; not found, the
// points are given back by a compensating entry and the redemption is marked failed; when Shopify
// cannot tell, it stays pending and the worker finishes it (abandonedRedemptionQueue), as it does
// for a redemption whose process crashed. A request with the same clientKey returns the same
// redemption; for a failed one it tries again, with the same code.
// A store credit reward goes the same way with storeCreditAccountCredit instead of a code; as
// Shopify takes no key for it, the lookup is among the customer's credit transactions (decision 27).
import { randomBytes, randomUUID } from "node:crypto";
import db, { type Tx } from "../platform/db/client.server";
import { leaseMs, type Outcome, type Queue } from "../platform/jobs.server";
import { log } from "../platform/log.server";
import type { AdminAnswer, AdminClient, AdminOperation, DataOf } from "../platform/shopify/admin-client.server";
import { adminClientFor } from "../offline-admin.server";
import { balancesAt, redemptionEntry } from "./balance";
import { BASIC_CODE_MUTATION, CODE_LOOKUP_QUERY, generateDiscountCode, rewardCodeMutation, type RewardCodeInput } from "./codes";
import { addDays } from "./dates";
import { ledgerEntry, sourceKeys } from "./ledger";
import type { CodeReward, Reward } from "./program";
import { findCredit, storeCreditMutation, STORE_CREDIT_TRANSACTIONS_QUERY, type StoreCreditAccount } from "./store-credit";
import { insertEntries, loadProgram, lockMember, memberEntries, rewardFromJson } from "./store.server";
import { reviewSoon } from "./tasks.server";
import { referrerCodeReward } from "../referrals/referrer-reward.server";
import { abandonedPending } from "./worker-redemption.server";

type RedemptionRow = Awaited<ReturnType<Tx["redemption"]["findUniqueOrThrow"]>>;

export interface RedemptionView {
  id: string;
  rewardId: string;
  customerGid: string;
  status: "pending" | "issued" | "failed";
  /** Empty for store credit. */
  code: string;
  discountGid: string | null;
  points: number;
  /** When the code or the store credit expires; for a store credit that never expires, when it was redeemed. */
  expiresAt: string;
  error: string | null;
  attempts: number;
  /** Store credit: the amount credited, minor units of the shop currency as text; null for a code. */
  creditAmount: string | null;
  /** Store credit: when it expires; null: never (or a code). */
  creditExpiresAt: string | null;
  /** Store credit: Shopify's credit transaction, once known. */
  creditTransactionGid: string | null;
}

/** Why a redemption was refused, for callers that answer in their own words (the storefront). */
export type RefusalReason =
  "client_key_conflict" | "program_not_running" | "not_a_member" | "held_out" | "unknown_reward" | "not_enough_points";

export type RedeemResult =
  { ok: true; redemption: RedemptionView } | { ok: false; status: 404 | 409; error: string; reason: RefusalReason };

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
  creditAmount: row.creditAmount === null ? null : String(row.creditAmount),
  creditExpiresAt: row.creditExpiresAt?.toISOString() ?? null,
  creditTransactionGid: row.creditTransactionGid,
});

const refuse = (status: 404 | 409, error: string, reason: RefusalReason) => ({
  result: { ok: false as const, status, error, reason },
});

/** What the transaction decided: an answer already, or a code to create in Shopify. */
type Started = { result: RedeemResult } | { row: RedemptionRow; reward: Reward; currency: string; now: Date };

/** Each attempt's debit has its own key (the first keeps the plain one), as does each give-back. */
const debitKey = (redemptionId: string, attempt: number) =>
  attempt === 1 ? sourceKeys.redemption(redemptionId) : `${sourceKeys.redemption(redemptionId)}:attempt:${attempt}`;
const restoreKey = (redemptionId: string, attempt: number) => `${sourceKeys.redemption(redemptionId)}:restore:${attempt}`;

export async function redeem(
  shopDomain: string,
  customerGid: string,
  rewardId: string,
  clientKey: string,
): Promise<RedeemResult> {
  const started = await db.$transaction(async (tx: Tx): Promise<Started> => {
    const member = await lockMember(tx, shopDomain, customerGid);
    // Taken under the lock: a debit committed by a concurrent redemption must not lie in this one's
    // future, where balancesAt would count it as pending and leave its points available.
    const now = new Date();
    // Read under the member's lock: a concurrent request with the same key has committed by now.
    const existing = await tx.redemption.findUnique({ where: { shopDomain_clientKey: { shopDomain, clientKey } } });
    if (existing && (existing.memberGid !== customerGid || existing.rewardId !== rewardId)) {
      return refuse(409, "this clientKey belongs to another redemption", "client_key_conflict");
    }
    if (existing && existing.status !== "failed") return { result: { ok: true, redemption: view(existing) } };
    const program = await loadProgram(tx, shopDomain);
    if (!program?.enabled) return refuse(409, "the loyalty program is not running", "program_not_running");
    if (!member || member.heldOut)
      return refuse(409, "the customer is not a member of the program", member ? "held_out" : "not_a_member");
    const rewardRow = await tx.loyaltyReward.findUnique({ where: { shopDomain_rewardId: { shopDomain, rewardId } } });
    if (!rewardRow) return refuse(404, `no reward ${rewardId}`, "unknown_reward");
    const reward = rewardFromJson(rewardRow.definition);

    const id = existing?.id ?? randomUUID();
    const attempt = (existing?.attempts ?? 0) + 1;
    const entries = await memberEntries(tx, shopDomain, customerGid);
    const debit = redemptionEntry({
      memberGid: customerGid,
      reward,
      redemptionId: id,
      availableBalance: balancesAt(entries, now).available,
      now,
    });
    if (!debit) return refuse(409, "not enough points", "not_enough_points");
    const fields = {
      status: "pending",
      points: reward.pointsCost,
      expiresAt: addDays(now, reward.validDays),
      error: null,
      attempts: attempt,
      creditAmount: reward.kind === "store_credit" ? reward.value : null,
      creditExpiresAt: reward.kind === "store_credit" && reward.validDays > 0 ? addDays(now, reward.validDays) : null,
    };
    const row = existing
      ? await tx.redemption.update({ where: { id }, data: fields })
      : await tx.redemption.create({
          data: {
            id,
            shopDomain,
            memberGid: customerGid,
            rewardId,
            clientKey,
            code: reward.kind === "store_credit" ? "" : generateDiscountCode(randomBytes),
            ...fields,
          },
        });
    await insertEntries(tx, shopDomain, [{ ...debit, sourceKey: debitKey(id, attempt) }]);
    await reviewSoon(tx, member.id, now);
    const { currency } = await tx.shop.findUniqueOrThrow({ where: { domain: shopDomain }, select: { currency: true } });
    return { row, reward, currency, now };
  });
  if ("result" in started) return started.result;

  const { row, reward, currency, now } = started;
  const settled =
    reward.kind === "store_credit"
      ? await issueCredit(shopDomain, row, reward.name, currency)
      : await issueCode(shopDomain, row, { reward, code: row.code, customerGid, currency, now });
  return { ok: true, redemption: view(settled) };
}

/**
 * Abandoned redemptions on the job system (decision 21): a redemption left pending by a crash, or
 * by an answer from Shopify that never came and could not be checked, is finished by a worker: a
 * code Shopify has is recorded as issued, a missing one is created again (the same code), and
 * points are given back only when Shopify refuses it. While Shopify cannot tell, the job is retried
 * with backoff; after its last attempt it is shown on the Sync page. An uninstalled shop has no
 * access token: its redemptions are finished if it comes back.
 */
export const abandonedRedemptionQueue: Queue = {
  name: "abandoned-redemptions",
  table: "Redemption",
  id: "id",
  shop: "shopDomain",
  lease: "leaseUntil",
  // Redemption's own "attempts" and "error" count and explain the shopper's tries.
  attempts: "recoveryAttempts",
  lastError: "recoveryError",
  ready: abandonedPending("Redemption"),
  shops: "filter",
  maxAttempts: 10,
  batch: 10,
  leaseMs,
  run: (job) => recoverRedemption(String(job.id)),
};

/** Finishes one abandoned redemption; throws (to be retried) while Shopify cannot tell what it holds. */
async function recoverRedemption(id: string): Promise<Outcome> {
  const row = await db.redemption.findUnique({ where: { id } });
  if (row?.status === "pending") {
    if (row.creditAmount !== null) await recoverCredit(row);
    else await recoverCode(row);
    const { status, error } = await db.redemption.findUniqueOrThrow({ where: { id }, select: { status: true, error: true } });
    if (status === "pending") throw new Error(`Shopify could not confirm the redemption yet${error ? `: ${error}` : ""}`);
  }
  await db.redemption.updateMany({ where: { id }, data: { leaseUntil: null } });
  return "done";
}

/** Shopify may have created the code before the crash: never create it twice, nor give points back for it. */
async function recoverCode(row: RedemptionRow): Promise<void> {
  const found = await findCode(row.shopDomain, row.code);
  if ("error" in found) throw new Error(`the code could not be looked up: ${found.error}`);
  if (found.discountGid) {
    await markIssued(row, found.discountGid);
    return;
  }
  const rewardRow = await db.loyaltyReward.findUnique({
    where: { shopDomain_rewardId: { shopDomain: row.shopDomain, rewardId: row.rewardId } },
  });
  const reward = rewardRow
    ? (rewardFromJson(rewardRow.definition) as CodeReward)
    : await referrerCodeReward(row.shopDomain, row.clientKey);
  if (!reward) {
    await restorePoints(row.shopDomain, row, row.rewardId, "the reward is no longer offered");
    return;
  }
  const { currency } = await db.shop.findUniqueOrThrow({ where: { domain: row.shopDomain }, select: { currency: true } });
  // The code's dates as first sent: it starts at the debit and ends when the redemption expires.
  const debitedAt = addDays(row.expiresAt, -reward.validDays);
  await issueCode(row.shopDomain, row, { reward, code: row.code, customerGid: row.memberGid, currency, now: debitedAt });
}

/**
 * Creates the redemption's code in Shopify and records the outcome. A failed creation is checked
 * by looking the code up before any points are given back: a lost answer may hide a code Shopify
 * did create. When Shopify cannot tell, the redemption stays pending for abandonedRedemptionQueue.
 */
async function issueCode(shopDomain: string, row: RedemptionRow, input: RewardCodeInput): Promise<RedemptionRow> {
  const created = await createCode(shopDomain, input);
  if ("discountGid" in created) return markIssued(row, created.discountGid);
  const found = await findCode(shopDomain, row.code);
  if ("error" in found) {
    log.warn("reward code not confirmed; left pending", {
      shop: shopDomain,
      redemption: row.id,
      error: created.error,
      lookup: found.error,
    });
    return row;
  }
  if (found.discountGid) {
    log.warn("reward code created though Shopify's answer was lost", {
      shop: shopDomain,
      redemption: row.id,
      error: created.error,
    });
    return markIssued(row, found.discountGid);
  }
  log.warn("reward code not created; points restored", { shop: shopDomain, redemption: row.id, error: created.error });
  return restorePoints(shopDomain, row, input.reward.name, created.error);
}

/**
 * Credits the redemption's amount to the customer's store credit account and records the outcome,
 * as issueCode does: a failed credit is looked for among the customer's transactions before any
 * points are given back, and when Shopify cannot tell, the redemption stays pending.
 */
async function issueCredit(shopDomain: string, row: RedemptionRow, rewardName: string, currency: string): Promise<RedemptionRow> {
  const credited = await createCredit(shopDomain, {
    customerGid: row.memberGid,
    amount: row.creditAmount!,
    currency,
    expiresAt: row.creditExpiresAt,
  });
  if ("transactionGid" in credited) return markCredited(row, credited.transactionGid);
  const found = await findCreditOf(row, currency);
  if ("error" in found) {
    log.warn("store credit not confirmed; left pending", { shop: shopDomain, redemption: row.id, error: credited.error });
    return row;
  }
  if (found.transactionGid) {
    log.warn("store credit issued though Shopify's answer was lost", { shop: shopDomain, redemption: row.id });
    return markCredited(row, found.transactionGid);
  }
  log.warn("store credit not issued; points restored", { shop: shopDomain, redemption: row.id, error: credited.error });
  return restorePoints(shopDomain, row, rewardName, credited.error);
}

/** A store credit redemption left pending: found in Shopify, it is issued; not found, credited now as first meant. */
async function recoverCredit(row: RedemptionRow): Promise<void> {
  const { currency } = await db.shop.findUniqueOrThrow({ where: { domain: row.shopDomain }, select: { currency: true } });
  const found = await findCreditOf(row, currency);
  if ("error" in found) throw new Error(`the credit could not be looked up: ${found.error}`);
  if (found.transactionGid) {
    await markCredited(row, found.transactionGid);
    return;
  }
  await issueCredit(row.shopDomain, row, row.rewardId, currency);
}

/** Records the credit as issued, unless another process has settled this attempt meanwhile. */
async function markCredited(row: RedemptionRow, creditTransactionGid: string): Promise<RedemptionRow> {
  await db.redemption.updateMany({
    where: { id: row.id, status: "pending", attempts: row.attempts },
    data: { status: "issued", creditTransactionGid },
  });
  return db.redemption.findUniqueOrThrow({ where: { id: row.id } });
}

/**
 * storeCreditAccountCredit; also used for cashback (cashback.server.ts). `codes`: Shopify refused
 * it with these user errors, so no credit was made.
 */
export async function createCredit(
  shopDomain: string,
  input: Parameters<typeof storeCreditMutation>[0],
): Promise<ShopifyOutcome<{ transactionGid: string; accountGid: string }> | { error: string; codes: string[] }> {
  const { query, variables } = storeCreditMutation(input);
  const answer = await askShopify(shopDomain, (admin) => admin.request(query, variables));
  if ("error" in answer) return answer;
  const result = answer.data.storeCreditAccountCredit;
  const transaction = result?.storeCreditAccountTransaction;
  if (transaction) return { transactionGid: transaction.id, accountGid: transaction.account.id };
  const userErrors = result?.userErrors ?? [];
  if (userErrors.length === 0) return { error: "Shopify credited nothing" };
  return { error: userErrors.map((e) => e.message).join("; "), codes: userErrors.map((e) => e.code ?? "NO_CODE") };
}

/** Credit transactions recorded for the customer's redemptions, cashback and campaign offers: none of them is a lost answer's. */
export async function claimedCredits(shopDomain: string, memberGid: string): Promise<Set<string>> {
  const where = { shopDomain, memberGid, creditTransactionGid: { not: null } };
  const select = { creditTransactionGid: true };
  const [redemptions, cashbacks, campaigns] = await Promise.all([
    db.redemption.findMany({ where, select }),
    db.cashback.findMany({ where, select }),
    db.campaignMember.findMany({
      where: { shopDomain, customerGid: memberGid, creditTransactionGid: { not: null } },
      select,
    }),
  ]);
  return new Set([...redemptions, ...cashbacks, ...campaigns].map((row) => row.creditTransactionGid!));
}

/** The customer's store credit accounts with their newest transactions. */
export async function creditAccountsOf(
  shopDomain: string,
  customerGid: string,
): Promise<ShopifyOutcome<{ accounts: StoreCreditAccount[] }>> {
  const answer = await askShopify(shopDomain, (admin) =>
    admin.request(STORE_CREDIT_TRANSACTIONS_QUERY, { customerId: customerGid }),
  );
  if ("error" in answer) return answer;
  return { accounts: answer.data.customer?.storeCreditAccounts.nodes ?? [] };
}

/** The credit transaction Shopify holds for this redemption; transactionGid null: none. */
async function findCreditOf(row: RedemptionRow, currency: string): Promise<ShopifyOutcome<{ transactionGid: string | null }>> {
  const answer = await creditAccountsOf(row.shopDomain, row.memberGid);
  if ("error" in answer) return answer;
  const { accounts } = answer;
  const claimed = await claimedCredits(row.shopDomain, row.memberGid);
  const found = findCredit(accounts, { amount: row.creditAmount!, currency, startedAt: row.createdAt }, claimed);
  return { transactionGid: found?.transactionGid ?? null };
}

/** Records the code as issued, unless another process has settled this attempt meanwhile. */
async function markIssued(row: RedemptionRow, discountGid: string): Promise<RedemptionRow> {
  await db.redemption.updateMany({
    where: { id: row.id, status: "pending", attempts: row.attempts },
    data: { status: "issued", discountGid },
  });
  return db.redemption.findUniqueOrThrow({ where: { id: row.id } });
}

export type ShopifyOutcome<T> = T | { error: string };

/** Any failure to get an answer (HTTP, GraphQL, throttling, a lost connection) as its message. */
const failure = (error: unknown) => ({ error: error instanceof Error ? error.message : String(error) });

/** One typed Admin API call with the shop's offline session; any failure to get an answer as its message. */
export async function askShopify<Operation extends AdminOperation>(
  shopDomain: string,
  send: (admin: AdminClient) => Promise<AdminAnswer<Operation>>,
): Promise<ShopifyOutcome<{ data: DataOf<Operation> }>> {
  try {
    return { data: (await send(await adminClientFor(shopDomain))).data };
  } catch (error) {
    return failure(error);
  }
}

/** Creates a single-use code (redemptions, referred friends' codes); any failure as its message. */
export async function createCode(shopDomain: string, input: RewardCodeInput): Promise<ShopifyOutcome<{ discountGid: string }>> {
  const request = rewardCodeMutation(input);
  let result;
  try {
    const admin = await adminClientFor(shopDomain);
    result =
      request.query === BASIC_CODE_MUTATION
        ? (await admin.request(request.query, request.variables)).data.discountCodeBasicCreate
        : (await admin.request(request.query, request.variables)).data.discountCodeFreeShippingCreate;
  } catch (error) {
    return failure(error);
  }
  if (result?.codeDiscountNode) return { discountGid: result.codeDiscountNode.id };
  return { error: result?.userErrors.map((e) => e.message).join("; ") || "Shopify created no discount" };
}

/** The discount Shopify holds for `code`; discountGid null: none. */
export async function findCode(shopDomain: string, code: string): Promise<ShopifyOutcome<{ discountGid: string | null }>> {
  try {
    const { data } = await (await adminClientFor(shopDomain)).request(CODE_LOOKUP_QUERY, { code });
    return { discountGid: data.codeDiscountNodeByCode?.id ?? null };
  } catch (error) {
    return failure(error);
  }
}

/** Gives the attempt's points back and marks it failed, unless another process has settled it meanwhile. */
async function restorePoints(shopDomain: string, row: RedemptionRow, rewardName: string, error: string): Promise<RedemptionRow> {
  return db.$transaction(async (tx: Tx) => {
    const member = await lockMember(tx, shopDomain, row.memberGid);
    const current = await tx.redemption.findUniqueOrThrow({ where: { id: row.id } });
    if (current.status !== "pending" || current.attempts !== row.attempts) return current;
    const now = new Date();
    // A reward the worker issues (a referrer's) took no points: there are none to give back.
    if (row.points > 0)
      await insertEntries(tx, shopDomain, [
        ledgerEntry({
          sourceKey: restoreKey(row.id, row.attempts),
          memberGid: row.memberGid,
          type: "redeem",
          source: "reward",
          points: row.points,
          reason: `${rewardName}: ${row.creditAmount === null ? "code not created" : "store credit not issued"}, points restored`,
          createdAt: now,
        }),
      ]);
    if (member && row.points > 0) await reviewSoon(tx, member.id, now);
    return tx.redemption.update({ where: { id: row.id }, data: { status: "failed", error: error.slice(0, 2000) } });
  });
}
