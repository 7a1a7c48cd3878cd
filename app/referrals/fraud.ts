// The fraud rules: each a documented reason the merchant sees (docs/referrals.md). Inputs are
// keyed digests of normalised e-mails, addresses and phones, never the values themselves.

export type FraudRule =
  /** The friend is the referrer's own customer record. */
  | "selfReferral"
  /** The friend's e-mail is the referrer's once normalised (case, `+` aliases, Gmail's dots). */
  | "sameEmail"
  /** The friend's order ships to an address the referrer has shipped to. */
  | "sameAddress"
  /** The friend's order carries a phone number the referrer has used. */
  | "samePhone"
  /** The friend had a counted order before, or their customer record existed before the claim. */
  | "notNewCustomer"
  /** The referrer already has the week's allowance of referrals. */
  | "weeklyLimit"
  /** The friend's code is on more orders than its single use allows (leaked). */
  | "leakedCode";

export const FRAUD_RULES: readonly FraudRule[] = [
  "selfReferral",
  "sameEmail",
  "sameAddress",
  "samePhone",
  "notNewCustomer",
  "weeklyLimit",
  "leakedCode",
];

/** Providers that deliver mail for any dots in the local part (Gmail), by domain. */
const DOTS_IGNORED = new Set(["gmail.com", "googlemail.com"]);

/**
 * An e-mail as the mailbox it reaches: lower case, no `+tag` (sub-addressing, which Gmail,
 * Outlook, iCloud, Fastmail and most others deliver to the same mailbox), no dots at Gmail.
 * null for something that is no e-mail.
 */
export function normaliseEmail(email: string | null | undefined): string | null {
  const trimmed = email?.trim().toLowerCase() ?? "";
  const at = trimmed.lastIndexOf("@");
  if (at <= 0 || at === trimmed.length - 1) return null;
  let local = trimmed.slice(0, at).split("+")[0];
  let domain = trimmed.slice(at + 1);
  if (DOTS_IGNORED.has(domain)) {
    local = local.replaceAll(".", "");
    domain = "gmail.com";
  }
  return local ? `${local}@${domain}` : null;
}

export interface PostalAddress {
  address1?: string | null;
  address2?: string | null;
  zip?: string | null;
  country_code?: string | null;
}

/** A shipping address as one comparable line: street, unit, postcode and country, letters and digits only. */
export function normaliseAddress(address: PostalAddress | null | undefined): string | null {
  if (!address?.address1?.trim()) return null;
  const part = (text: string | null | undefined) => (text ?? "").toLowerCase().replace(/[^\p{L}\p{N}]/gu, "");
  return [address.address1, address.address2, address.zip, address.country_code].map(part).join("|");
}

/** A phone by its last 9 digits: the same number with or without its country code and spacing. */
export function normalisePhone(phone: string | null | undefined): string | null {
  const digits = (phone ?? "").replace(/\D/g, "");
  return digits.length >= 6 ? digits.slice(-9) : null;
}

export interface FraudFacts {
  referrerGid: string;
  friendGid: string | null;
  friend: { emailDigest: string | null; addressDigest: string | null; phoneDigest: string | null };
  referrer: { emailDigest: string | null; addressDigests: ReadonlySet<string>; phoneDigests: ReadonlySet<string> };
  /** The friend's counted orders before this one (not test, not cancelled). */
  earlierOrders: number;
  /** When the friend's customer record was created in Shopify; null: unknown (a guest order). */
  friendSince: Date | null;
  claimedAt: Date;
  /** The referrer's other referrals paid (rewarded, completed or approved) from 7 days before this one on. */
  referralsThisWeek: number;
  weeklyLimit: number;
  /** Orders carrying the friend's code, this one included. */
  ordersWithCode: number;
}

/** Slack for the customer record created while the friend checks out (Shopify creates it with the order). */
const NEW_CUSTOMER_SLACK_MS = 60_000;

/** The rules the referral breaks, in the order of FRAUD_RULES; none: it is rewarded. */
export function fraudFlags(facts: FraudFacts): FraudRule[] {
  const { friend, referrer } = facts;
  const flags: FraudRule[] = [];
  if (facts.friendGid !== null && facts.friendGid === facts.referrerGid) flags.push("selfReferral");
  if (friend.emailDigest !== null && friend.emailDigest === referrer.emailDigest) flags.push("sameEmail");
  if (friend.addressDigest !== null && referrer.addressDigests.has(friend.addressDigest)) flags.push("sameAddress");
  if (friend.phoneDigest !== null && referrer.phoneDigests.has(friend.phoneDigest)) flags.push("samePhone");
  const existedBefore =
    facts.friendSince !== null && facts.friendSince.getTime() < facts.claimedAt.getTime() - NEW_CUSTOMER_SLACK_MS;
  if (facts.earlierOrders > 0 || existedBefore) flags.push("notNewCustomer");
  if (facts.referralsThisWeek >= facts.weeklyLimit) flags.push("weeklyLimit");
  if (facts.ordersWithCode > 1) flags.push("leakedCode");
  return flags;
}

/** A self-referral is never paid, whatever the review setting: the merchant need not look at it. */
export const alwaysRejected = (flags: readonly FraudRule[]) => flags.includes("selfReferral");
