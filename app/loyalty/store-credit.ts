// Store credit for redeemed rewards and cashback (decision 27): the Admin GraphQL that credits and
// debits a customer's Shopify store credit account (API 2026-10, as app/shopify.server.ts), and how
// a credit whose answer was lost is recognised among the account's transactions. Shopify takes no
// idempotency key for these mutations, so the caller records the attempt before sending it and
// looks the transaction up before ever sending it again.
import type { CurrencyCode } from "../platform/shopify/generated/admin.types";
import type {
  LoyaltyStoreCreditDebitMutationVariables,
  LoyaltyStoreCreditMutationVariables,
} from "../platform/shopify/generated/admin.generated";
import { formatMinorUnits, toMinorUnits } from "../platform/money";

export const STORE_CREDIT_MUTATION = `#graphql
mutation LoyaltyStoreCredit($id: ID!, $creditInput: StoreCreditAccountCreditInput!) {
  storeCreditAccountCredit(id: $id, creditInput: $creditInput) {
    storeCreditAccountTransaction { id amount { amount currencyCode } account { id } }
    userErrors { field code message }
  }
}`;

export const STORE_CREDIT_DEBIT_MUTATION = `#graphql
mutation LoyaltyStoreCreditDebit($id: ID!, $debitInput: StoreCreditAccountDebitInput!) {
  storeCreditAccountDebit(id: $id, debitInput: $debitInput) {
    storeCreditAccountTransaction { id amount { amount currencyCode } }
    userErrors { field code message }
  }
}`;

/** The customer's accounts with their newest transactions: whether a credit or debit whose answer was lost went through. */
export const STORE_CREDIT_TRANSACTIONS_QUERY = `#graphql
query LoyaltyStoreCreditTransactions($customerId: ID!) {
  customer(id: $customerId) {
    storeCreditAccounts(first: 10) {
      nodes {
        id
        balance { amount currencyCode }
        transactions(first: 100, reverse: true, sortKey: CREATED_AT) {
          nodes {
            __typename
            createdAt
            amount { amount currencyCode }
            event
            origin { __typename }
            ... on StoreCreditAccountCreditTransaction { id expiresAt remainingAmount { amount currencyCode } }
            ... on StoreCreditAccountDebitTransaction { id }
          }
        }
      }
    }
  }
}`;

export interface StoreCreditInput {
  customerGid: string;
  /** Minor units of `currency`, above zero. */
  amount: bigint;
  currency: string;
  /** null: the credit never expires. */
  expiresAt: Date | null;
}

/** storeCreditAccountCredit on the customer (Shopify opens the account in that currency if there is none); the shopper is told by Shopify. */
export function storeCreditMutation({ customerGid, amount, currency, expiresAt }: StoreCreditInput): {
  query: typeof STORE_CREDIT_MUTATION;
  variables: LoyaltyStoreCreditMutationVariables;
} {
  return {
    query: STORE_CREDIT_MUTATION,
    variables: {
      id: customerGid,
      creditInput: {
        creditAmount: { amount: formatMinorUnits(amount, currency), currencyCode: currency as CurrencyCode },
        ...(expiresAt && { expiresAt: expiresAt.toISOString() }),
        notify: true,
      },
    },
  };
}

/** storeCreditAccountDebit on the account that holds the credit being taken back. */
export function storeCreditDebitMutation(
  accountGid: string,
  amount: bigint,
  currency: string,
): {
  query: typeof STORE_CREDIT_DEBIT_MUTATION;
  variables: LoyaltyStoreCreditDebitMutationVariables;
} {
  return {
    query: STORE_CREDIT_DEBIT_MUTATION,
    variables: {
      id: accountGid,
      debitInput: { debitAmount: { amount: formatMinorUnits(amount, currency), currencyCode: currency as CurrencyCode } },
    },
  };
}

interface Money {
  amount: string;
  currencyCode: string;
}

export interface StoreCreditTransaction {
  __typename: string;
  id?: string;
  createdAt: string;
  amount: Money;
  /** ADJUSTMENT for a credit or debit made through the API (or by the merchant); ORDER_PAYMENT and others at checkout. */
  event: string;
  /** The order transaction behind a checkout payment or refund; null for an adjustment. */
  origin?: { __typename: string } | null;
  expiresAt?: string | null;
  remainingAmount?: Money;
}

export interface StoreCreditAccount {
  id: string;
  balance: Money;
  transactions: { nodes: StoreCreditTransaction[] };
}

/** Clocks differ: a transaction created this long before the attempt started may still be its own. */
const CLOCK_SKEW_MS = 60_000;

export interface Attempt {
  /** Minor units, above zero. */
  amount: bigint;
  currency: string;
  startedAt: Date;
}

/**
 * The credit transaction a redemption or cashback made, among the customer's accounts: an
 * adjustment (what storeCreditAccountCredit and storeCreditAccountDebit make; never a checkout
 * payment or refund, which come from an order transaction), of its amount and currency, created
 * after it started, and not already recorded for another credit (`claimed`). Without a key on
 * Shopify's side this is the closest match there is; the oldest such transaction is taken, so two
 * lost answers of equal amount each find one.
 */
export const findCredit = (accounts: readonly StoreCreditAccount[], attempt: Attempt, claimed: ReadonlySet<string>) =>
  findTransaction("StoreCreditAccountCreditTransaction", accounts, attempt, claimed);

/** The debit transaction a reversal made, found as findCredit finds a credit. */
export const findDebit = (accounts: readonly StoreCreditAccount[], attempt: Attempt, claimed: ReadonlySet<string>) =>
  findTransaction("StoreCreditAccountDebitTransaction", accounts, attempt, claimed);

function findTransaction(
  typename: string,
  accounts: readonly StoreCreditAccount[],
  attempt: Attempt,
  claimed: ReadonlySet<string>,
): { transactionGid: string; accountGid: string } | null {
  const magnitude = (amount: bigint) => (amount < 0n ? -amount : amount);
  const candidates = accounts
    .filter((account) => account.balance.currencyCode === attempt.currency)
    .flatMap((account) => account.transactions.nodes.map((transaction) => ({ account, transaction })))
    .filter(
      ({ transaction }) =>
        transaction.__typename === typename &&
        transaction.event === "ADJUSTMENT" &&
        !transaction.origin &&
        transaction.id !== undefined &&
        !claimed.has(transaction.id) &&
        transaction.amount.currencyCode === attempt.currency &&
        // Debits may be written negative.
        magnitude(toMinorUnits(transaction.amount.amount, attempt.currency)) === attempt.amount &&
        Date.parse(transaction.createdAt) >= attempt.startedAt.getTime() - CLOCK_SKEW_MS,
    )
    .sort((a, b) => Date.parse(a.transaction.createdAt) - Date.parse(b.transaction.createdAt));
  const [found] = candidates;
  return found ? { transactionGid: found.transaction.id!, accountGid: found.account.id } : null;
}

/** Cashback: the share of a base in basis points, rounded down, so it never exceeds its share. */
export const cashbackOf = (base: bigint, basisPoints: number): bigint =>
  base > 0n ? (base * BigInt(basisPoints)) / 10_000n : 0n;

export interface CreditTaken {
  transactionGid: string;
  /** Minor units: what was credited, and what the app's own debits (`debits`, their GIDs) took back of it. */
  credited: bigint;
  reversed: bigint;
  debits: ReadonlySet<string>;
}

const min = (...values: bigint[]) => values.reduce((a, b) => (b < a ? b : a));
const max = (a: bigint, b: bigint) => (a > b ? a : b);

/**
 * What can still be taken back of a credit, minor units, and the account that holds it; null when
 * the customer has no such transaction (among the newest read).
 *
 * Shopify spends the soonest expiring credit first, for checkout payments and for the app's own
 * debits alike, so a debit meant to take this credit back may have taken a credit that expires
 * sooner (a reward's): this one's `remainingAmount` then shows more than is still the shopper's.
 * What is reversible is at most its remainingAmount and the account's balance, and, so as never
 * to take another credit, at most the larger of two lower bounds of what is left of it: its
 * remainingAmount less everything taken back (as if every debit of ours had taken another
 * credit), and what was credited less what was taken back and every other debit since it was
 * made (as if all spending since had been of this credit).
 */
export function reversibleOf(
  accounts: readonly StoreCreditAccount[],
  credit: CreditTaken,
  currency: string,
): { amount: bigint; accountGid: string } | null {
  for (const account of accounts) {
    const transactions = account.transactions.nodes;
    const transaction = transactions.find((node) => node.id === credit.transactionGid);
    if (!transaction?.remainingAmount) continue;
    const minor = (money: Money) => toMinorUnits(money.amount, currency);
    const remaining = minor(transaction.remainingAmount);
    const spentSince = transactions
      .filter(
        (node) =>
          node.__typename === "StoreCreditAccountDebitTransaction" &&
          !credit.debits.has(node.id ?? "") &&
          Date.parse(node.createdAt) >= Date.parse(transaction.createdAt),
      )
      .reduce((sum, node) => {
        const amount = minor(node.amount);
        return sum + (amount < 0n ? -amount : amount);
      }, 0n);
    const left = max(remaining - credit.reversed, credit.credited - credit.reversed - spentSince);
    const amount = min(remaining, minor(account.balance), left);
    return { amount: amount > 0n ? amount : 0n, accountGid: account.id };
  }
  return null;
}
