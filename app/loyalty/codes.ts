// Discount codes for redeemed rewards: the code itself, and the Admin GraphQL mutation that creates
// it in Shopify (API 2026-10, as app/shopify.server.ts). Each code is for one customer (or, for a
// referred friend not known yet, whoever holds it), usable once,
// valid for the reward's days and combinable with no other discount. The caller records the code
// with the redemption before sending the mutation, so a retry sends the same code.
import type {
  LoyaltyFreeShippingCodeMutationVariables,
  LoyaltyRewardCodeMutationVariables,
} from "../platform/shopify/generated/admin.generated";
import type { DiscountBuyerSelection } from "../platform/shopify/generated/admin.types";
import { addDays } from "./dates";
import type { CodeReward } from "./program";
import { formatMinorUnits } from "../platform/money";

/** 32 characters without 0/O and 1/I, so a code read aloud or retyped is not mistaken. */
export const CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
export const CODE_PREFIX = "CB-";
export const CODE_LENGTH = 10;

/** Random bytes, e.g. `(n) => crypto.getRandomValues(new Uint8Array(n))`; tests pass a fixed source. */
export type RandomBytes = (count: number) => Uint8Array;

/** "CB-" + 10 characters: 50 random bits (each byte's low 5 bits pick one of 32 characters, without bias). */
export function generateDiscountCode(randomBytes: RandomBytes): string {
  const bytes = randomBytes(CODE_LENGTH);
  if (bytes.length < CODE_LENGTH) throw new RangeError(`the random source gave ${bytes.length} bytes, not ${CODE_LENGTH}`);
  let code = CODE_PREFIX;
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[bytes[i] & 31];
  return code;
}

export const BASIC_CODE_MUTATION = `#graphql
mutation LoyaltyRewardCode($basicCodeDiscount: DiscountCodeBasicInput!) {
  discountCodeBasicCreate(basicCodeDiscount: $basicCodeDiscount) {
    codeDiscountNode { id }
    userErrors { field code message }
  }
}`;

export const FREE_SHIPPING_CODE_MUTATION = `#graphql
mutation LoyaltyFreeShippingCode($freeShippingCodeDiscount: DiscountCodeFreeShippingInput!) {
  discountCodeFreeShippingCreate(freeShippingCodeDiscount: $freeShippingCodeDiscount) {
    codeDiscountNode { id }
    userErrors { field code message }
  }
}`;

/** The discount holding a code, if any: whether a creation whose answer was lost went through. */
export const CODE_LOOKUP_QUERY = `#graphql
query LoyaltyRewardCodeLookup($code: String!) {
  codeDiscountNodeByCode(code: $code) { id }
}`;

/** The reward code's creation: one of the two mutations with its variables. */
export type RewardCodeRequest =
  | { query: typeof BASIC_CODE_MUTATION; variables: LoyaltyRewardCodeMutationVariables }
  | { query: typeof FREE_SHIPPING_CODE_MUTATION; variables: LoyaltyFreeShippingCodeMutationVariables };

export interface RewardCodeInput {
  reward: CodeReward;
  code: string;
  /** The one customer who may use the code; null: whoever has it (a referred friend, not known yet). */
  customerGid: string | null;
  /** The shop currency, for the decimals of amounts. */
  currency: string;
  now: Date;
  /** The discount's title in the Shopify admin; a loyalty reward's by default. */
  title?: string;
}

/** The mutation creating the reward's code: discountCodeBasicCreate (amount or percentage off) or discountCodeFreeShippingCreate. */
export function rewardCodeMutation({ reward, code, customerGid, currency, now, title }: RewardCodeInput): RewardCodeRequest {
  const common = {
    title: title ?? `Loyalty reward: ${reward.name} (${code})`,
    code,
    startsAt: now.toISOString(),
    endsAt: addDays(now, reward.validDays).toISOString(),
    context: customerGid ? { customers: { add: [customerGid] } } : { all: "ALL" as DiscountBuyerSelection },
    usageLimit: 1,
    appliesOncePerCustomer: true,
    combinesWith: { orderDiscounts: false, productDiscounts: false, shippingDiscounts: false },
    ...(reward.minimumOrder !== undefined && {
      minimumRequirement: { subtotal: { greaterThanOrEqualToSubtotal: formatMinorUnits(reward.minimumOrder, currency) } },
    }),
  };
  if (reward.kind === "free_shipping") {
    return {
      query: FREE_SHIPPING_CODE_MUTATION,
      variables: { freeShippingCodeDiscount: { ...common, destination: { all: true } } },
    };
  }
  const value =
    reward.kind === "fixed_amount"
      ? { discountAmount: { amount: formatMinorUnits(reward.value, currency), appliesOnEachItem: false } }
      : { percentage: reward.percent / 100 };
  return {
    query: BASIC_CODE_MUTATION,
    variables: { basicCodeDiscount: { ...common, customerGets: { value, items: { all: true } } } },
  };
}
