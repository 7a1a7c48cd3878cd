import { describe, expect, it } from "vitest";
import { cashbackOf, findCredit, findDebit, storeCreditMutation, unspentOf, type StoreCreditAccount } from "./store-credit";

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
  it("finds a debit written negative, once per transaction", () => {
    const accounts = [account("USD", [["gid://shopify/StoreCreditAccountDebitTransaction/3", "-6.0", "2026-12-08T10:00:08Z"]])];
    const attempt = { amount: 600n, currency: "USD", startedAt };
    expect(findDebit(accounts, attempt, new Set())?.transactionGid).toBe("gid://shopify/StoreCreditAccountDebitTransaction/3");
    expect(findDebit(accounts, attempt, new Set(["gid://shopify/StoreCreditAccountDebitTransaction/3"]))).toBeNull();
    expect(findCredit(accounts, attempt, new Set())).toBeNull();
  });
});

describe("unspentOf", () => {
  it("is what is left of the credit, no more than its account holds, and 0 for a credit the customer does not have", () => {
    const credit = (remaining: string, balance: string): StoreCreditAccount => ({
      id: "gid://shopify/StoreCreditAccount/1",
      balance: { amount: balance, currencyCode: "USD" },
      transactions: {
        nodes: [
          {
            __typename: "StoreCreditAccountCreditTransaction",
            id: "gid://shopify/StoreCreditAccountCreditTransaction/1",
            createdAt: "2026-12-08T10:00:00Z",
            amount: { amount: "10.0", currencyCode: "USD" },
            remainingAmount: { amount: remaining, currencyCode: "USD" },
          },
        ],
      },
    });
    expect(unspentOf([credit("4.0", "20.0")], "gid://shopify/StoreCreditAccountCreditTransaction/1", "USD")).toBe(400n);
    expect(unspentOf([credit("4.0", "2.5")], "gid://shopify/StoreCreditAccountCreditTransaction/1", "USD")).toBe(250n);
    expect(unspentOf([credit("4.0", "20.0")], "gid://shopify/StoreCreditAccountCreditTransaction/9", "USD")).toBe(0n);
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
