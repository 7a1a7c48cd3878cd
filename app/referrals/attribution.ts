// What the order webhook tells the referral program: the discount codes actually used (the
// attribution, which survives browsers and time, unlike a cookie) and what the fraud rules compare
// (e-mail, shipping address, phone). Read leniently: a field of an unexpected shape counts as
// absent, since the order itself has been validated already (app/sync/payloads.ts).
import { z } from "zod";
import { normaliseAddress, normaliseEmail, normalisePhone } from "./fraud";

const loose = <T extends z.ZodType>(schema: T) => schema.nullish().catch(null);

const referralFactsSchema = z.object({
  test: loose(z.boolean()),
  email: loose(z.string()),
  phone: loose(z.string()),
  discount_codes: loose(z.array(z.object({ code: z.string().max(255) })).max(100)),
  shipping_address: loose(
    z.object({
      address1: loose(z.string()),
      address2: loose(z.string()),
      zip: loose(z.string()),
      country_code: loose(z.string()),
      phone: loose(z.string()),
    }),
  ),
  customer: loose(z.object({ email: loose(z.string()), phone: loose(z.string()) })),
});

export interface ReferralFacts {
  /** The codes on the order, upper case (Shopify's codes are not case-sensitive). */
  codes: string[];
  email: string | null;
  address: string | null;
  phone: string | null;
}

/** The order's referral facts, normalised; null for a test order, which is never a referral. */
export function referralFacts(payload: unknown): ReferralFacts | null {
  const parsed = referralFactsSchema.safeParse(payload);
  if (!parsed.success || parsed.data.test) return null;
  const order = parsed.data;
  return {
    codes: [...new Set((order.discount_codes ?? []).map(({ code }) => code.trim().toUpperCase()).filter(Boolean))],
    email: normaliseEmail(order.email ?? order.customer?.email),
    address: normaliseAddress(order.shipping_address),
    phone: normalisePhone(order.shipping_address?.phone ?? order.phone ?? order.customer?.phone),
  };
}
