// What a member sees of their referral link: the answer both shopper surfaces read (the storefront
// panel and the customer account extension, which imports these types without any server code).

export type FriendView = ({ kind: "fixed_amount"; value: string } | { kind: "percentage"; percent: number }) & {
  minimumOrder: string | null;
  validDays: number;
};

/** What the referrer gets once a friend's order is confirmed: points, or an amount in minor units of `currency`. */
export type ReferrerRewardView =
  { kind: "points"; points: number } | { kind: "discount_code"; value: string } | { kind: "store_credit"; value: string };

export type ShareAnswer =
  | {
      status: 200;
      body: {
        code: string;
        /** The link on the shop's myshopify domain (Shopify sends it on to the primary one), for the account page. */
        url: string;
        currency: string;
        currencyDigits: number;
        path: string;
        referrerReward: ReferrerRewardView;
        friend: FriendView;
        referred: number;
        waiting: number;
        pointsEarned: number;
      };
    }
  /** Nothing to share: referrals are off, or the customer is held out (the page shows no section, and logs no error). */
  | { status: 204; body: null };
