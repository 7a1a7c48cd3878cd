// What the storefront panel shows, as the JSON of GET /proxy/panel (docs/app-proxy.md): the
// program as a shopper needs it, and the signed-in member's standing. Pure: the caller loads the
// rows. Money and tier thresholds are minor-unit decimal strings, dates ISO 8601. Reward names and
// descriptions come in the shopper's language (`locale`, reward-texts.ts), so the script does not choose.
import { balancesAt } from "../loyalty/balance";
import type { LedgerEntry } from "../loyalty/ledger";
import {
  ruleInForce,
  type BonusRule,
  type EarningRule,
  type ProgramSettings,
  type PurchaseRule,
  type Reward,
  type Tier,
} from "../loyalty/program";
import { rewardText } from "../loyalty/reward-texts";
import { currencyExponent } from "../platform/money";

export const ACTIVITY_SIZE = 10;

export interface ProgramInput {
  enabled: boolean;
  settings: ProgramSettings;
  /** Every version of the shop's rules. */
  rules: readonly EarningRule[];
  tiers: readonly Tier[];
  rewards: readonly Reward[];
  currency: string;
  /** The shopper's locale key; null: the shop's primary language. */
  locale: string | null;
  now: Date;
}

export const rateJson = (rule: PurchaseRule | null) => rule && { points: rule.points, perAmount: String(rule.perAmount) };

export function rewardJson(reward: Reward, locale: string | null) {
  const { name, description } = rewardText(reward, locale);
  return {
    id: reward.id,
    name,
    ...(description && { description }),
    kind: reward.kind,
    pointsCost: reward.pointsCost,
    ...((reward.kind === "fixed_amount" || reward.kind === "store_credit") && { value: String(reward.value) }),
    ...(reward.kind === "percentage" && { percent: reward.percent }),
    ...(reward.minimumOrder !== undefined && { minimumOrder: String(reward.minimumOrder) }),
    validDays: reward.validDays,
  };
}

/** The purchase rule in force now, or null. */
export function purchaseRuleInForce(rules: readonly EarningRule[], now: Date): PurchaseRule | null {
  return ruleInForce(
    rules.filter((rule): rule is PurchaseRule => rule.kind === "purchase"),
    now,
  );
}

/** One entry per bonus rule in force (a rule id has one version in force at a time). */
function bonusesInForce(rules: readonly EarningRule[], now: Date) {
  const bonuses = rules.filter((rule): rule is BonusRule => rule.kind !== "purchase" && ruleInForce([rule], now) !== null);
  return bonuses.map((rule) => ({ kind: rule.kind, ruleId: rule.id, points: rule.points, name: rule.name ?? null }));
}

export function programPanel({ enabled, settings, rules, tiers, rewards, currency, locale, now }: ProgramInput) {
  return {
    enabled,
    currency,
    currencyDigits: currencyExponent(currency),
    purchase: rateJson(purchaseRuleInForce(rules, now)),
    bonuses: bonusesInForce(rules, now),
    tiers: sortedTiers(tiers).map((tier) => ({
      id: tier.id,
      name: tier.name,
      threshold: String(tier.threshold),
      multiplierBasisPoints: tier.multiplierBasisPoints,
    })),
    tierBasis: settings.tierBasis,
    rewards: [...rewards].sort((a, b) => a.pointsCost - b.pointsCost).map((reward) => rewardJson(reward, locale)),
    pendingDays: settings.pendingDays,
    expiry: settings.expiry,
  };
}

const sortedTiers = (tiers: readonly Tier[]) =>
  [...tiers].sort((a, b) => (a.threshold < b.threshold ? -1 : a.threshold > b.threshold ? 1 : 0));

/**
 * The tier above the member's (or the lowest, without one), how much qualifying value is still
 * missing (points or minor units, per the tier basis) and the progress from the current tier's
 * threshold, in whole percent. null at the top.
 */
export function nextTier(tiers: readonly Tier[], currentTierId: string | null, value: bigint) {
  const sorted = sortedTiers(tiers);
  const current = sorted.find((tier) => tier.id === currentTierId) ?? null;
  const next = current ? sorted.find((tier) => tier.threshold > current.threshold) : sorted[0];
  if (!next) return null;
  const from = current?.threshold ?? 0n;
  const span = next.threshold - from;
  const gained = value - from;
  const percent = span <= 0n || gained >= span ? 100 : gained <= 0n ? 0 : Number((gained * 100n) / span);
  return {
    id: next.id,
    name: next.name,
    remaining: String(value >= next.threshold ? 0n : next.threshold - value),
    progressPercent: percent,
  };
}

export const entryJson = (entry: LedgerEntry) => ({
  type: entry.type,
  points: entry.points,
  reason: entry.reason,
  createdAt: entry.createdAt.toISOString(),
  availableAt: entry.availableAt.toISOString(),
  expiresAt: entry.expiresAt?.toISOString() ?? null,
});

export interface RedemptionRecord {
  code: string;
  rewardId: string;
  status: string;
  expiresAt: Date;
}

export interface MemberInput {
  /** Oldest first, as recorded. */
  entries: readonly LedgerEntry[];
  tiers: readonly Tier[];
  rewards: readonly Reward[];
  tierId: string | null;
  /** The member's value toward tiers (points or minor units of spend) over the program's window. */
  qualifyingValue: bigint;
  redemptions: readonly RedemptionRecord[];
  birthday: string | null;
  heldOut: boolean;
  locale: string | null;
  now: Date;
}

export function memberPanel(input: MemberInput) {
  const { entries, tiers, rewards, tierId, locale, now } = input;
  const tier = tiers.find((candidate) => candidate.id === tierId) ?? null;
  return {
    balance: balancesAt(entries, now),
    tier: tier && { id: tier.id, name: tier.name },
    nextTier: nextTier(tiers, tier?.id ?? null, input.qualifyingValue),
    activity: [...entries].reverse().slice(0, ACTIVITY_SIZE).map(entryJson),
    codes: input.redemptions
      // Store credit has no code: it waits in the shopper's account at checkout.
      .filter((redemption) => redemption.status === "issued" && redemption.code !== "" && redemption.expiresAt > now)
      .map((redemption) => {
        const reward = rewards.find((candidate) => candidate.id === redemption.rewardId);
        return {
          code: redemption.code,
          rewardId: redemption.rewardId,
          rewardName: reward ? rewardText(reward, locale).name : null,
          status: redemption.status,
          expiresAt: redemption.expiresAt.toISOString(),
        };
      }),
    birthday: input.birthday,
    heldOut: input.heldOut,
  };
}
