// Cashback, a tier perk (decision 27): a share of each order of a member whose tier has it,
// credited to their Shopify store credit account once the order's points are available (the
// pending period, so most refunds come first), and taken back in proportion to later refunds by
// storeCreditAccountDebit while the credit is unspent. What the shopper already spent is not taken
// back from other credit: it is recorded as forgone.
//
// The order task records the amount in the same transaction as the order's points
// (cashback-record.server.ts); the job system's cashback queue credits what is due and takes back
// what refunds lowered. A row is held while Shopify is called, and a lost answer is looked up among
// the customer's transactions before anything is sent again, as for redemptions.
import db, { type Tx } from "../platform/db/client.server";
import { leaseMs, type Job, type Outcome, type Queue } from "../platform/jobs.server";
import { log } from "../platform/log.server";
import { askShopify, claimedCredits, createCredit, creditAccountsOf } from "./redemption.server";
import { findCredit, findDebit, reversibleOf, storeCreditDebitMutation } from "./store-credit";

type CashbackRow = Awaited<ReturnType<Tx["cashback"]["findUniqueOrThrow"]>>;

/**
 * A row is held this long by the instance working on it: long enough for Shopify's answers, so
 * that another instance never sends the same credit while the first waits for one. A row whose
 * worker crashed is taken up after it, and a lost answer is looked up before anything is sent again.
 */
const CASHBACK_LEASE_MS = 2 * 60_000;

/**
 * Credit refusals no retry can change and nothing needs: the customer, and so their account, is
 * gone. The row is settled at once as failed. Any other refusal counts as a failed attempt.
 */
const CUSTOMER_GONE = new Set(["OWNER_NOT_FOUND", "ACCOUNT_NOT_FOUND"]);

/**
 * Cashback on the job system (decision 21): a row is work when its credit is due, when a credit or
 * debit was sent and not confirmed, or when a refund lowered what was credited. A refusal is a
 * failed attempt (thrown); an answer that never came is looked at again without counting one.
 */
export const cashbackQueue: Queue = {
  name: "cashback",
  table: "Cashback",
  id: "id",
  shop: "shopDomain",
  lease: "leaseUntil",
  attempts: "attempts",
  lastError: "error",
  ready: (bind) =>
    `(("status" = 'waiting' AND "dueAt" <= ${bind(new Date())}) OR "status" IN ('pending', 'reverse_due'))
     AND EXISTS (SELECT 1 FROM "Shop" WHERE "Shop"."domain" = "Cashback"."shopDomain" AND "Shop"."installState" = 'installed')`,
  shops: "filter",
  maxAttempts: 10,
  batch: 10,
  leaseMs: () => Math.max(leaseMs(), CASHBACK_LEASE_MS),
  run: settleCashback,
};

/** Credits the row's cashback when due, or takes back what refunds lowered. */
async function settleCashback(job: Job): Promise<Outcome> {
  const now = new Date();
  const row = await db.cashback.findUnique({ where: { id: String(job.id) } });
  if (!row) return "done";
  const { currency } = await db.shop.findUniqueOrThrow({ where: { domain: row.shopDomain }, select: { currency: true } });
  if (row.status === "waiting") {
    await db.cashback.update({ where: { id: row.id }, data: { status: "pending" } });
    await credit(row, currency, false);
  } else if (row.status === "pending") await credit(row, currency, true);
  else if (row.status === "reverse_due") await reverse(row, currency, now);
  const { status } = await db.cashback.findUniqueOrThrow({ where: { id: row.id }, select: { status: true } });
  // Shopify's answer is still unknown, or a refund came meanwhile: looked at again later.
  if (status === "pending" || status === "reverse_due") return { retryAt: new Date(now.getTime() + CASHBACK_LEASE_MS) };
  // Settled: failed attempts counted so far were this work's, not a later refund's.
  await db.cashback.update({
    where: { id: row.id },
    data: { leaseUntil: null, attempts: 0, ...(status !== "failed" && { error: null }) },
  });
  return "done";
}

async function credit(row: CashbackRow, currency: string, lookFirst: boolean): Promise<void> {
  const amount = (await db.cashback.findUniqueOrThrow({ where: { id: row.id } })).amount;
  if (amount <= 0n) {
    await db.cashback.update({ where: { id: row.id }, data: { status: "void" } });
    return;
  }
  const attempt = { amount, currency, startedAt: row.createdAt };
  if (lookFirst) {
    const found = await lookUpCredit(row, attempt);
    if (found === "unknown") return;
    if (found) return markCredited(row, amount, found);
  }
  const credited = await createCredit(row.shopDomain, { customerGid: row.memberGid, amount, currency, expiresAt: null });
  if (!("error" in credited)) return markCredited(row, amount, credited);
  if ("codes" in credited) {
    // Refused: Shopify made no credit, so there is nothing to look up.
    const error = `storeCreditAccountCredit refused: ${credited.codes.join(", ")}: ${credited.error}`;
    if (credited.codes.length === 0 || !credited.codes.every((code) => CUSTOMER_GONE.has(code))) throw new Error(error);
    log.warn("cashback not credited: the customer is gone", { shop: row.shopDomain, cashback: row.id, error });
    // The lease goes in the same write: nobody reads a failed credit still held.
    await db.cashback.update({
      where: { id: row.id },
      data: { status: "failed", error: error.slice(0, 2000), leaseUntil: null },
    });
    return;
  }
  const found = await lookUpCredit(row, attempt);
  if (found === "unknown") {
    log.warn("cashback not confirmed; left pending", { shop: row.shopDomain, cashback: row.id, error: credited.error });
    return;
  }
  if (found) return markCredited(row, amount, found);
  // Shopify answered with an error and holds no such credit: a failed attempt, sent again after the backoff.
  throw new Error(`storeCreditAccountCredit failed: ${credited.error}`);
}

async function lookUpCredit(row: CashbackRow, attempt: { amount: bigint; currency: string; startedAt: Date }) {
  const answer = await creditAccountsOf(row.shopDomain, row.memberGid);
  if ("error" in answer) return "unknown" as const;
  return findCredit(answer.accounts, attempt, await claimedCredits(row.shopDomain, row.memberGid));
}

/**
 * Issued; a refund that came while the credit was on its way is taken back next. The failed
 * attempts counted so far were the credit's: cleared in the same write, so that nobody reads an
 * issued credit with its failures still on it.
 */
async function markCredited(row: CashbackRow, credited: bigint, found: { transactionGid: string; accountGid: string }) {
  await db.$transaction(async (tx: Tx) => {
    const current = await tx.cashback.findUniqueOrThrow({ where: { id: row.id } });
    if (current.status !== "pending") return;
    await tx.cashback.update({
      where: { id: row.id },
      data: {
        status: current.amount < credited ? "reverse_due" : "issued",
        credited,
        creditTransactionGid: found.transactionGid,
        accountGid: found.accountGid,
        error: null,
        attempts: 0,
      },
    });
  });
}

/**
 * Takes back what refunds lowered: at most what is left unspent of this credit (reversibleOf). A
 * debit whose answer was lost is looked up before another is sent; the rest, already spent, is
 * recorded as forgone. `lookAgain`: a debit Shopify refuses for want of funds is followed by one
 * more look; any other refusal, or a second one, is a failed attempt.
 */
async function reverse(row: CashbackRow, currency: string, now: Date, lookAgain = true): Promise<void> {
  const answer = await creditAccountsOf(row.shopDomain, row.memberGid);
  if ("error" in answer) return; // looked at again after CASHBACK_LEASE_MS
  const { accounts } = answer;
  if (row.reversing !== null) {
    const found = findDebit(
      accounts,
      { amount: row.reversing, currency, startedAt: row.reversingSince! },
      await claimedDebits(row.shopDomain, row.memberGid),
    );
    if (found) await recordDebit(row, row.reversing, found.transactionGid);
    else await db.cashback.update({ where: { id: row.id }, data: { reversing: null, reversingSince: null } });
    return;
  }
  const owed = row.credited - row.reversed - row.forgone - row.amount;
  if (owed <= 0n) {
    await db.cashback.update({ where: { id: row.id }, data: { status: "issued" } });
    return;
  }
  const reversible = reversibleOf(
    accounts,
    {
      transactionGid: row.creditTransactionGid!,
      credited: row.credited,
      reversed: row.reversed,
      debits: await ownDebits(row),
    },
    currency,
  );
  const unspent = reversible?.amount ?? 0n;
  const debit = owed < unspent ? owed : unspent;
  if (!reversible || debit <= 0n) {
    await forgo(row, owed);
    return;
  }
  const claim = await db.cashback.updateMany({
    where: { id: row.id, status: "reverse_due", reversing: null },
    data: { reversing: debit, reversingSince: now },
  });
  if (claim.count !== 1) return;
  const { query, variables } = storeCreditDebitMutation(reversible.accountGid, debit, currency);
  const sent = await askShopify(row.shopDomain, (admin) => admin.request(query, variables));
  const transaction = "error" in sent ? null : sent.data.storeCreditAccountDebit?.storeCreditAccountTransaction;
  if (transaction) {
    // Less than owed was unspent: the rest is spent, forgone now rather than on a pass 2 minutes later.
    await recordDebit(row, debit, transaction.id, owed - debit);
    return;
  }
  const userErrors = "error" in sent ? [] : (sent.data.storeCreditAccountDebit?.userErrors ?? []);
  if (userErrors.length === 0) {
    // No answer: the debit may have been made; the next pass looks it up before sending another.
    log.warn("cashback debit not confirmed", {
      shop: row.shopDomain,
      cashback: row.id,
      error: "error" in sent ? sent.error : null,
    });
    return;
  }
  // Refused: Shopify made no debit, so there is nothing to look up. Mostly the shopper spent the
  // credit between our look and the debit (INSUFFICIENT_FUNDS): look again now, take what is
  // still unspent and forgo the rest, rather than two passes later. Any other refusal
  // (ACCOUNT_NOT_FOUND, MISMATCHING_CURRENCY) would be the same next time: a failed attempt.
  const codes = userErrors.map((e) => e.code ?? "NO_CODE");
  log.warn("cashback debit refused", { shop: row.shopDomain, cashback: row.id, errors: codes });
  await db.cashback.updateMany({
    where: { id: row.id, reversing: debit },
    data: { reversing: null, reversingSince: null },
  });
  if (lookAgain && codes.every((code) => code === "INSUFFICIENT_FUNDS")) {
    await reverse(await db.cashback.findUniqueOrThrow({ where: { id: row.id } }), currency, now, false);
    return;
  }
  throw new Error(`storeCreditAccountDebit refused: ${userErrors.map((e) => `${e.code ?? "NO_CODE"}: ${e.message}`).join("; ")}`);
}

/** The debits recorded for this row: taken back of its credit, not spent by the shopper. */
async function ownDebits(row: CashbackRow): Promise<Set<string>> {
  const rows = await db.cashbackDebit.findMany({
    where: { shopDomain: row.shopDomain, cashbackId: row.id },
    select: { transactionGid: true },
  });
  return new Set(rows.map((debit) => debit.transactionGid));
}

async function claimedDebits(shopDomain: string, memberGid: string): Promise<Set<string>> {
  const rows = await db.cashbackDebit.findMany({ where: { shopDomain, memberGid }, select: { transactionGid: true } });
  return new Set(rows.map((row) => row.transactionGid));
}

/**
 * The debit Shopify made: counted once (its transaction is the key), with `spent`, what was owed
 * beyond what was unspent, forgone; what is still owed (a refund meanwhile) is looked at next.
 */
async function recordDebit(row: CashbackRow, debit: bigint, transactionGid: string, spent = 0n): Promise<void> {
  await db.$transaction(async (tx: Tx) => {
    const current = await tx.cashback.findUniqueOrThrow({ where: { id: row.id } });
    if (current.reversing === null) return;
    await tx.cashbackDebit.create({
      data: { shopDomain: row.shopDomain, transactionGid, cashbackId: row.id, memberGid: row.memberGid, amount: debit },
    });
    const reversed = current.reversed + debit;
    const forgone = current.forgone + spent;
    const owed = current.credited - reversed - forgone - current.amount;
    await tx.cashback.update({
      where: { id: row.id },
      data: { reversed, forgone, reversing: null, reversingSince: null, status: owed > 0n ? "reverse_due" : "issued" },
    });
  });
}

async function forgo(row: CashbackRow, owed: bigint): Promise<void> {
  log.info("cashback already spent; not taken back", { shop: row.shopDomain, cashback: row.id, owed: String(owed) });
  await db.cashback.updateMany({
    where: { id: row.id, reversing: null },
    data: { forgone: { increment: owed }, status: "issued" },
  });
}
