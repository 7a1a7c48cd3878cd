// What tests ask of the Admin API double (test/mocks/shopify-admin.ts): the GraphQL the app sent
// for a shop, and switches that make the double answer as a failing Shopify would.
import { expect, inject } from "vitest";
import { rewardCodeMutation } from "../../app/loyalty/codes";
import { storeCreditMutation, type StoreCreditInput } from "../../app/loyalty/store-credit";
import type { CodeReward } from "../../app/loyalty/program";

export interface DoubleSwitches {
  discountUserError?: string | null;
  discountAnswerLost?: boolean;
  storeCreditUserError?: string | null;
  storeCreditAnswerLost?: boolean;
  storeCreditDebitUserError?: string | null;
  storeCreditDebitAnswerLost?: boolean;
  /** The shopper spends all their store credit at checkout just before the app's next debit arrives (once). */
  checkoutSpendsBeforeDebit?: boolean;
  throttled?: boolean;
  flowUserError?: string | null;
  metafieldRefusedOwner?: string | null;
  unreachable?: boolean;
}

export interface DoubleCreditAccount {
  id: string;
  ownerId: string;
  currencyCode: string;
  /** Minor units. */
  balance: string;
  transactions: {
    id: string;
    kind: "credit" | "debit";
    amount: string;
    expiresAt: string | null;
    remaining: string;
    event: "ADJUSTMENT" | "ORDER_PAYMENT";
  }[];
}

/** The store credit accounts the double holds for the shop. */
export async function doubleStoreCredit(shop: string): Promise<DoubleCreditAccount[]> {
  return (await fetch(`${inject("adminDoubleUrl")}/_test/store-credit?shop=${shop}`)).json();
}

/** The shopper pays `amount` (minor units) with their store credit at checkout, as Shopify records it: a debit; its GID. */
export async function spendAtCheckout(shop: string, ownerId: string, amount: bigint): Promise<string> {
  const response = await fetch(`${inject("adminDoubleUrl")}/_test/store-credit/spend`, {
    method: "POST",
    body: JSON.stringify({ shop, ownerId, amount: String(amount) }),
  });
  expect(response.status, await response.clone().text()).toBe(200);
  return ((await response.json()) as { id: string }).id;
}

/** The GraphQL bodies the app sent for `shop` whose document contains `operation`, oldest first. */
export async function sentGraphql(shop: string, operation: string): Promise<{ query: string; variables: any }[]> {
  const requests = (await (await fetch(`${inject("adminDoubleUrl")}/_test/requests?shop=${shop}`)).json()) as {
    path: string;
    body: any;
  }[];
  return requests.filter((r) => r.path.endsWith("/graphql.json") && String(r.body.query).includes(operation)).map((r) => r.body);
}

export async function switchDouble(shop: string, switches: DoubleSwitches) {
  const response = await fetch(`${inject("adminDoubleUrl")}/_test/shops/${shop}`, {
    method: "PATCH",
    body: JSON.stringify(switches),
  });
  expect(response.ok).toBe(true);
}

/** Exactly the document and variables of rewardCodeMutation reached Shopify for this code. */
export async function expectRewardCodeSent(
  shop: string,
  reward: CodeReward,
  code: string,
  customerGid: string,
  currency: string,
) {
  const sent = (await sentGraphql(shop, "discountCodeBasicCreate")).find((body) => JSON.stringify(body.variables).includes(code));
  expect(sent, `a discount code ${code} sent to Shopify`).toBeDefined();
  const expected = rewardCodeMutation({
    reward,
    code,
    customerGid,
    currency,
    now: new Date(sent!.variables.basicCodeDiscount.startsAt),
  });
  expect(sent).toEqual({ query: expected.query, variables: expected.variables });
}

/** Exactly the document and variables of storeCreditMutation reached Shopify, `times` times in all. */
export async function expectStoreCreditSent(shop: string, input: StoreCreditInput, times = 1) {
  const sent = (await sentGraphql(shop, "storeCreditAccountCredit")).filter((body) => body.variables.id === input.customerGid);
  expect(sent).toHaveLength(times);
  const expected = storeCreditMutation(input);
  for (const body of sent) expect(body).toEqual({ query: expected.query, variables: expected.variables });
}
