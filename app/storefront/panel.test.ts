import { describe, expect, it } from "vitest";
import { ledgerEntry } from "../loyalty/ledger";
import { DEFAULT_SETTINGS, type EarningRule, type Reward, type Tier } from "../loyalty/program";
import { ACTIVITY_SIZE, memberPanel, nextTier, programPanel } from "./panel";

const now = new Date("2026-12-01T10:00:00Z");
const DAY = 86_400_000;
const TIERS: Tier[] = [
  { id: "gold", name: "Gold", threshold: 500n, multiplierBasisPoints: 15000 },
  { id: "silver", name: "Silver", threshold: 100n, multiplierBasisPoints: 12500 },
];
const REWARDS: Reward[] = [
  { id: "ship", name: "Free shipping", kind: "free_shipping", pointsCost: 80, validDays: 30, minimumOrder: 5000n },
  {
    id: "ten",
    name: "10 off",
    description: "For your next order",
    translations: { de: { name: "10 Rabatt", description: "Für Ihre nächste Bestellung" }, fr: { name: "10 de remise" } },
    kind: "fixed_amount",
    pointsCost: 60,
    validDays: 30,
    value: 1000n,
  },
];
const since = new Date("2026-01-01");
const RULES: EarningRule[] = [
  { id: "purchase", kind: "purchase", version: 1, points: 1, perAmount: 100n, effectiveFrom: since, retiredAt: null },
  { id: "bday", kind: "birthday", version: 1, points: 50, effectiveFrom: since, retiredAt: null },
  { id: "review", kind: "custom", version: 1, points: 5, name: "Review", effectiveFrom: since, retiredAt: now },
  { id: "review", kind: "custom", version: 2, points: 10, name: "Review", effectiveFrom: now, retiredAt: null },
];

describe("programPanel", () => {
  it("shows the rules in force, tiers by threshold and rewards by cost, money as text", () => {
    const panel = programPanel({
      enabled: true,
      settings: DEFAULT_SETTINGS,
      rules: RULES,
      tiers: TIERS,
      rewards: REWARDS,
      currency: "USD",
      locale: null,
      now,
    });
    expect(panel).toEqual({
      enabled: true,
      currency: "USD",
      currencyDigits: 2,
      purchase: { points: 1, perAmount: "100" },
      bonuses: [
        { kind: "birthday", ruleId: "bday", points: 50, name: null },
        { kind: "custom", ruleId: "review", points: 10, name: "Review" },
      ],
      tiers: [
        { id: "silver", name: "Silver", threshold: "100", multiplierBasisPoints: 12500 },
        { id: "gold", name: "Gold", threshold: "500", multiplierBasisPoints: 15000 },
      ],
      tierBasis: DEFAULT_SETTINGS.tierBasis,
      rewards: [
        {
          id: "ten",
          name: "10 off",
          description: "For your next order",
          kind: "fixed_amount",
          pointsCost: 60,
          value: "1000",
          validDays: 30,
        },
        { id: "ship", name: "Free shipping", kind: "free_shipping", pointsCost: 80, minimumOrder: "5000", validDays: 30 },
      ],
      pendingDays: 14,
      expiry: DEFAULT_SETTINGS.expiry,
    });
  });

  it("gives each reward's words in the shopper's locale, the primary language's without a translation, and no other language's", () => {
    const words = (locale: string | null) =>
      programPanel({
        enabled: true,
        settings: DEFAULT_SETTINGS,
        rules: RULES,
        tiers: TIERS,
        rewards: REWARDS,
        currency: "EUR",
        locale,
        now,
      }).rewards.map(({ name, description }) => ({ name, description }));
    expect(words("de-AT")).toEqual([
      { name: "10 Rabatt", description: "Für Ihre nächste Bestellung" },
      { name: "Free shipping", description: undefined },
    ]);
    // French has a name only: no English description under it.
    expect(words("fr")).toEqual([
      { name: "10 de remise", description: undefined },
      { name: "Free shipping", description: undefined },
    ]);
    expect(words("fi")).toEqual(words(null));
    expect(
      JSON.stringify(
        programPanel({
          enabled: true,
          settings: DEFAULT_SETTINGS,
          rules: RULES,
          tiers: TIERS,
          rewards: REWARDS,
          currency: "EUR",
          locale: "de",
          now,
        }),
      ),
    ).not.toContain("remise");
  });
});

describe("nextTier", () => {
  it("measures progress from no tier toward the lowest", () => {
    expect(nextTier(TIERS, null, 40n)).toEqual({ id: "silver", name: "Silver", remaining: "60", progressPercent: 40 });
  });

  it("measures progress from the current tier's threshold", () => {
    expect(nextTier(TIERS, "silver", 300n)).toEqual({ id: "gold", name: "Gold", remaining: "200", progressPercent: 50 });
  });

  it("shows nothing left while the promotion waits for the review, and no progress below a tier kept by retention", () => {
    expect(nextTier(TIERS, null, 150n)).toEqual({ id: "silver", name: "Silver", remaining: "0", progressPercent: 100 });
    expect(nextTier(TIERS, "silver", 20n)).toEqual({ id: "gold", name: "Gold", remaining: "480", progressPercent: 0 });
  });

  it("is null at the top or without tiers", () => {
    expect(nextTier(TIERS, "gold", 900n)).toBeNull();
    expect(nextTier([], null, 0n)).toBeNull();
  });

  it("reaches a tier with no threshold at once", () => {
    expect(nextTier([{ id: "base", name: "Base", threshold: 0n, multiplierBasisPoints: 10000 }], null, 0n)).toMatchObject({
      progressPercent: 100,
      remaining: "0",
    });
  });
});

describe("memberPanel", () => {
  const member = "gid://shopify/Customer/1";
  const entry = (key: string, points: number, daysAgo: number, availableInDays = 0) =>
    ledgerEntry({
      sourceKey: key,
      memberGid: member,
      type: points > 0 ? "earn" : "redeem",
      source: points > 0 ? "order" : "reward",
      points,
      reason: key,
      createdAt: new Date(now.getTime() - daysAgo * DAY),
      availableAt: new Date(now.getTime() + (availableInDays - daysAgo) * DAY),
    });

  it("shows balance, pending, tier, the newest activity first and only codes still usable", () => {
    const entries = [
      ...Array.from({ length: 12 }, (_, i) => entry(`old-${i}`, 10, 40 - i)),
      entry("spent", -60, 2),
      entry("fresh", 25, 1, 14),
    ];
    const panel = memberPanel({
      entries,
      tiers: TIERS,
      rewards: REWARDS,
      tierId: "silver",
      qualifyingValue: 145n,
      redemptions: [
        { code: "CB-LIVE", rewardId: "ten", status: "issued", expiresAt: new Date(now.getTime() + DAY) },
        { code: "CB-OLD", rewardId: "ten", status: "issued", expiresAt: new Date(now.getTime() - 1) },
        { code: "CB-WAIT", rewardId: "ten", status: "pending", expiresAt: new Date(now.getTime() + DAY) },
        { code: "CB-GONE", rewardId: "retired", status: "issued", expiresAt: new Date(now.getTime() + DAY) },
      ],
      birthday: "07-14",
      heldOut: false,
      locale: "de",
      now,
    });
    expect(panel.balance).toEqual({ available: 60, pending: 25 });
    expect(panel.tier).toEqual({ id: "silver", name: "Silver" });
    expect(panel.nextTier).toMatchObject({ id: "gold", remaining: "355" });
    expect(panel.activity).toHaveLength(ACTIVITY_SIZE);
    expect(panel.activity.slice(0, 2).map((item) => item.reason)).toEqual(["fresh", "spent"]);
    expect(panel.activity[0]).toEqual({
      type: "earn",
      points: 25,
      reason: "fresh",
      createdAt: new Date(now.getTime() - DAY).toISOString(),
      availableAt: new Date(now.getTime() + 13 * DAY).toISOString(),
      expiresAt: null,
    });
    expect(panel.codes).toEqual([
      {
        code: "CB-LIVE",
        rewardId: "ten",
        rewardName: "10 Rabatt",
        status: "issued",
        expiresAt: new Date(now.getTime() + DAY).toISOString(),
      },
      {
        code: "CB-GONE",
        rewardId: "retired",
        rewardName: null,
        status: "issued",
        expiresAt: new Date(now.getTime() + DAY).toISOString(),
      },
    ]);
    expect(panel).toMatchObject({ birthday: "07-14", heldOut: false });
  });
});
