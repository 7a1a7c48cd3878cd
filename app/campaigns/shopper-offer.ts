// A campaign offer as the shopper sees it, in the storefront panel and on the customer account
// page (the `offer` of GET /proxy/panel and /account/api/panel, docs/app-proxy.md). Pure: the
// caller finds the member's offer that still lasts; a control member has none.
import type { Offer } from "./offers";

export function offerJson(
  arm: { name: string; offer: Offer },
  member: { code: string | null; offerExpiresAt: Date | null; windowEndsAt: Date },
) {
  const { offer } = arm;
  return {
    /** The merchant's name of the offer; for a message-only offer, the message. */
    name: arm.name,
    kind: offer.kind,
    code: member.code,
    points: offer.kind === "points" ? offer.points : null,
    percent: offer.kind === "percentage" ? offer.percent : null,
    /** Minor units of the shop currency. */
    value: offer.kind === "fixed_amount" || offer.kind === "store_credit" ? String(offer.value) : null,
    expiresAt: (member.offerExpiresAt ?? member.windowEndsAt).toISOString(),
  };
}

export type ShopperOffer = ReturnType<typeof offerJson>;
