import { describe, expect, it } from "vitest";
import { cashbackOf, findCredit, findDebit, reversibleOf, storeCreditMutation, type StoreCreditAccount } from "./store-credit";

const customerGid = "gid://shopify/Customer/7";
const startedAt = new Date("2026-12-08T10:00:00Z");

function account(currencyCode: string, transactions: [id: string, amount: string, createdAt: string][]): StoreCreditAccount {
  return {
    id: `gid://shopify/StoreCreditAccount/${currencyCode}`,
    balance: { amount: "0.0", currencyCode },
    transactions: {
      nodes: transactions.map(([id, amount, createdAt]) => ({
        __typename: amount.startsWith("-") ? "StoreCreditAccountDebitTransaction" : "StoreCreditAccountCreditTransaction",
        id,
        createdAt,
        amount: { amount, currencyCode },
        event: "ADJUSTMENT",
        origin: null,
      })),
    },
  };
}

describe("storeCreditMutation", () => {
  it("credits the customer in the shop currency, with the expiry only when there is one", () => {
    expect(storeCreditMutation({ customerGid, amount: 1050n, currency: "EUR", expiresAt: startedAt }).variables).toEqual({
      id: customerGid,
      creditInput: {
        creditAmount: { amount: "10.50", currencyCode: "EUR" },
        expiresAt: "2026-12-08T10:00:00.000Z",
        notify: true,
      },
    });
    expect(storeCreditMutation({ customerGid, amount: 500n, currency: "JPY", expiresAt: null }).variables.creditInput).toEqual({
      creditAmount: { amount: "500", currencyCode: "JPY" },
      notify: true,
    });
  });
});

describe("findCredit", () => {
  const attempt = { amount: 500n, currency: "USD", startedAt };

  it("finds the oldest unclaimed credit of the amount made since the attempt started", () => {
    const accounts = [
      account("USD", [
        ["gid://shopify/StoreCreditAccountCreditTransaction/4", "5.0", "2026-12-08T10:00:09Z"],
        ["gid://shopify/StoreCreditAccountDebitTransaction/3", "-5.0", "2026-12-08T10:00:08Z"],
        ["gid://shopify/StoreCreditAccountCreditTransaction/2", "5.0", "2026-12-08T10:00:05Z"],
        ["gid://shopify/StoreCreditAccountCreditTransaction/1", "5.0", "2026-12-08T09:00:00Z"],
      ]),
    ];
    expect(findCredit(accounts, attempt, new Set())?.transactionGid).toBe("gid://shopify/StoreCreditAccountCreditTransaction/2");
    expect(findCredit(accounts, attempt, new Set(["gid://shopify/StoreCreditAccountCreditTransaction/2"]))).toEqual({
      transactionGid: "gid://shopify/StoreCreditAccountCreditTransaction/4",
      accountGid: "gid://shopify/StoreCreditAccount/USD",
    });
  });

  it("ignores other amounts, other currencies and credits from before the attempt", () => {
    const accounts = [
      account("USD", [
        ["gid://shopify/StoreCreditAccountCreditTransaction/1", "5.01", "2026-12-08T10:00:05Z"],
        ["gid://shopify/StoreCreditAccountCreditTransaction/2", "5.0", "2026-12-08T09:58:00Z"],
      ]),
      account("EUR", [["gid://shopify/StoreCreditAccountCreditTransaction/3", "5.0", "2026-12-08T10:00:05Z"]]),
    ];
    expect(findCredit(accounts, attempt, new Set())).toBeNull();
  });
});

describe("findDebit", () => {
  it("never takes a checkout payment of the same amount for the app's debit, even the older one", () => {
    const usd = account("USD", [
      ["gid://shopify/StoreCreditAccountDebitTransaction/5", "-6.0", "2026-12-08T10:00:09Z"],
      ["gid://shopify/StoreCreditAccountDebitTransaction/4", "-6.0", "2026-12-08T10:00:02Z"],
    ]);
    const checkout = { ...usd.transactions.nodes[1], event: "ORDER_PAYMENT", origin: { __typename: "OrderTransaction" } };
    const accounts = [{ ...usd, transactions: { nodes: [usd.transactions.nodes[0], checkout] } }];
    const attempt = { amount: 600n, currency: "USD", startedAt };
    expect(findDebit(accounts, attempt, new Set())?.transactionGid).toBe("gid://shopify/StoreCreditAccountDebitTransaction/5");
    expect(findDebit(accounts, attempt, new Set(["gid://shopify/StoreCreditAccountDebitTransaction/5"]))).toBeNull();
  });

  it("finds a debit written negative, once per transaction", () => {
    const accounts = [account("USD", [["gid://shopify/StoreCreditAccountDebitTransaction/3", "-6.0", "2026-12-08T10:00:08Z"]])];
    const attempt = { amount: 600n, currency: "USD", startedAt };
    expect(findDebit(accounts, attempt, new Set())?.transactionGid).toBe("gid://shopify/StoreCreditAccountDebitTransaction/3");
    expect(findDebit(accounts, attempt, new Set(["gid://shopify/StoreCreditAccountDebitTransaction/3"]))).toBeNull();
    expect(findCredit(accounts, attempt, new Set())).toBeNull();
  });
});

describe("reversibleOf", () => {
  const gid = "gid://shopify/StoreCreditAccountCreditTransaction/1";
  /** A cashback credit of 10.00 with `remaining` left, beside the account's other transactions. */
  const withCredit = (remaining: string, balance: string, others: StoreCreditAccount["transactions"]["nodes"] = []) => [
    {
      id: "gid://shopify/StoreCreditAccount/1",
      balance: { amount: balance, currencyCode: "USD" },
      transactions: {
        nodes: [
          ...others,
          {
            __typename: "StoreCreditAccountCreditTransaction",
            id: gid,
            createdAt: "2026-12-08T10:00:00Z",
            amount: { amount: "10.0", currencyCode: "USD" },
            event: "ADJUSTMENT",
            origin: null,
            remainingAmount: { amount: remaining, currencyCode: "USD" },
          },
        ],
      },
    },
  ];
  const debit = (id: number, amount: string, createdAt: string, event = "ADJUSTMENT") => ({
    __typename: "StoreCreditAccountDebitTransaction",
    id: `gid://shopify/StoreCreditAccountDebitTransaction/${id}`,
    createdAt,
    amount: { amount, currencyCode: "USD" },
    event,
    origin: event === "ADJUSTMENT" ? null : { __typename: "OrderTransaction" },
  });
  const untouched = { transactionGid: gid, credited: 1000n, reversed: 0n, debits: new Set<string>() };

  it("is what is left of the credit, no more than its account holds, and null for a credit the customer does not have", () => {
    expect(reversibleOf(withCredit("4.0", "20.0"), untouched, "USD")).toEqual({
      amount: 400n,
      accountGid: "gid://shopify/StoreCreditAccount/1",
    });
    expect(reversibleOf(withCredit("4.0", "2.5"), untouched, "USD")?.amount).toBe(250n);
    expect(
      reversibleOf(
        withCredit("4.0", "20.0"),
        { ...untouched, transactionGid: "gid://shopify/StoreCreditAccountCreditTransaction/9" },
        "USD",
      ),
    ).toBeNull();
  });

  it("after a debit that took a sooner expiring credit, is no more than was credited less what was spent and taken back", () => {
    // 3.00 paid at checkout (of this credit), then 4.00 taken back, which Shopify took from a reward expiring sooner.
    const accounts = withCredit("7.0", "8.0", [
      debit(3, "-4.0", "2026-12-08T11:00:00Z"),
      debit(2, "-3.0", "2026-12-08T10:30:00Z", "ORDER_PAYMENT"),
    ]);
    const taken = { ...untouched, reversed: 400n, debits: new Set(["gid://shopify/StoreCreditAccountDebitTransaction/3"]) };
    expect(reversibleOf(accounts, taken, "USD")?.amount).toBe(300n);
  });

  it("after debits that took this credit, is what is left of it", () => {
    // 6.00 taken back of the 10.00, from this credit: 4.00 left, all of it the shopper's.
    const accounts = withCredit("4.0", "4.0", [debit(3, "-6.0", "2026-12-08T11:00:00Z")]);
    const taken = { ...untouched, reversed: 600n, debits: new Set(["gid://shopify/StoreCreditAccountDebitTransaction/3"]) };
    expect(reversibleOf(accounts, taken, "USD")?.amount).toBe(400n);
  });
});

describe("cashbackOf", () => {
  it("is the share in basis points, rounded down, and nothing of a base at or below zero", () => {
    expect(cashbackOf(10_000n, 1000)).toBe(1000n);
    expect(cashbackOf(1999n, 250)).toBe(49n);
    expect(cashbackOf(0n, 1000)).toBe(0n);
    expect(cashbackOf(-500n, 1000)).toBe(0n);
  });
});
