// The shapes the sync stores, independent of where the data came from (webhook or bulk export).

export interface CustomerRef {
  gid: string;
  createdAt: Date | null;
  /** The customer's name and e-mail, where the source carries them (the history export does). */
  profile?: CustomerProfile;
}

export interface CustomerProfile {
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  /** E-mail marketing consent state, lower case as webhooks send it (subscribed, not_subscribed, …). */
  marketingConsent: string | null;
  /** When the consent last changed; the newest change wins, as with its webhook topic. */
  marketingConsentAt: Date | null;
  /** Shopify's updated_at of the customer: the newest version wins, as with customers/update. */
  updatedAt: Date;
}

export interface RefundRecord {
  gid: string;
  orderGid: string;
  processedAt: Date;
  /** Total refunded, minor units of the shop currency. */
  amount: bigint;
  /** Refunded line items before tax; null when the source has no line detail. */
  lineSubtotalAmount: bigint | null;
}

export interface OrderRecord {
  gid: string;
  name: string | null;
  processedAt: Date | null;
  createdAt: Date | null;
  updatedAt: Date;
  cancelledAt: Date | null;
  test: boolean;
  sourceName: string | null;
  financialStatus: string | null;
  currency: string;
  presentmentCurrency: string | null;
  totalAmount: bigint;
  subtotalAmount: bigint;
  currentSubtotalAmount: bigint;
  discountAmount: bigint;
  shippingAmount: bigint;
  taxAmount: bigint;
  refundedAmount: bigint;
  customer: CustomerRef | null;
  refunds: RefundRecord[];
  /** Codes used on the order with the amount each took off (minor units); the history import has none. */
  discountCodes?: { code: string; amount: bigint }[] | null;
}

export interface CustomerRecord {
  gid: string;
  createdAt: Date | null;
  updatedAt: Date;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  marketingConsent: string | null;
  marketingConsentAt: Date | null;
}
