// What the storefront widget will tell shoppers about the program (ways to earn, rewards, tiers,
// when points can be spent and when they expire), computed from the settings being edited. Each
// text is a key of the loyalty namespace's "preview" with its values formatted for the language.
import { formatMoney, formatNumber, formatPercent } from "../i18n/format";
import { NO_MULTIPLIER } from "./program";
import { rewardText } from "./reward-texts";
import type { ProgramSave } from "./program-form";

export interface PreviewText {
  key: string;
  /** `count` chooses the plural form. */
  values: Record<string, string | number>;
}

export interface StorefrontPreview {
  earn: PreviewText[];
  /** Names and descriptions in the language previewed, as a shopper in it reads them. */
  rewards: { name: string; description?: string; cost: PreviewText; offer: PreviewText; conditions: PreviewText[] }[];
  tiers: { name: string; threshold: PreviewText; multiplier: PreviewText | null }[];
  /** Over what time the tiers' thresholds are counted (lifetime, calendar year, 12 months). */
  tierWindow: PreviewText | null;
  notes: PreviewText[];
}

const valid = (points: number) => Number.isSafeInteger(points) && points > 0;

/**
 * Only what would be saved as it stands: a rule, tier or reward with unreadable values is left out.
 * `rewardLocale`: the shopper's locale whose reward texts are shown (null: the primary language's).
 */
export function storefrontPreview(
  program: ProgramSave,
  currency: string,
  locale: string,
  rewardLocale: string | null = null,
): StorefrontPreview {
  const points = (count: number) => ({ count, points: formatNumber(count, locale) });
  const money = (minor: bigint) => formatMoney(minor, currency, locale);

  const earn = program.rules.flatMap((rule): PreviewText[] => {
    if (!valid(rule.points)) return [];
    if (rule.kind === "purchase")
      return rule.perAmount > 0n
        ? [{ key: "preview.earn.purchase", values: { ...points(rule.points), amount: money(rule.perAmount) } }]
        : [];
    if (rule.kind === "custom")
      return rule.name ? [{ key: "preview.earn.custom", values: { ...points(rule.points), action: rule.name } }] : [];
    return [{ key: `preview.earn.${rule.kind}`, values: points(rule.points) }];
  });

  const rewards = program.rewards
    .filter((reward) => reward.name && valid(reward.pointsCost))
    .map((reward) => {
      const offer: PreviewText =
        reward.kind === "fixed_amount"
          ? { key: "preview.reward.fixedAmount", values: { amount: money(reward.value) } }
          : reward.kind === "store_credit"
            ? { key: "preview.reward.storeCredit", values: { amount: money(reward.value) } }
            : reward.kind === "percentage"
              ? { key: "preview.reward.percentage", values: { percent: formatPercent(reward.percent, locale, 0) } }
              : { key: "preview.reward.freeShipping", values: {} };
      const conditions: PreviewText[] = [];
      if (reward.minimumOrder !== undefined && reward.minimumOrder > 0n)
        conditions.push({ key: "preview.reward.minimumOrder", values: { amount: money(reward.minimumOrder) } });
      if (valid(reward.validDays))
        conditions.push({
          key: reward.kind === "store_credit" ? "preview.reward.creditDays" : "preview.reward.validDays",
          values: { count: reward.validDays, days: formatNumber(reward.validDays, locale) },
        });
      return {
        ...rewardText(reward, rewardLocale),
        cost: { key: "preview.reward.cost", values: points(reward.pointsCost) },
        offer,
        conditions,
      };
    });

  const spend = program.settings.tierBasis.metric === "spend";
  const tiers = program.tiers
    .filter((tier) => tier.name && tier.threshold >= 0n)
    .sort((a, b) => (a.threshold < b.threshold ? -1 : a.threshold > b.threshold ? 1 : 0))
    .map((tier) => ({
      name: tier.name,
      threshold: spend
        ? { key: "preview.tier.spend", values: { amount: money(tier.threshold) } }
        : { key: "preview.tier.points", values: points(Number(tier.threshold)) },
      multiplier:
        tier.multiplierBasisPoints > NO_MULTIPLIER
          ? {
              key: "preview.tier.multiplier",
              values: { multiplier: formatNumber(tier.multiplierBasisPoints / NO_MULTIPLIER, locale, 2) },
            }
          : null,
    }));

  const { pendingDays, expiry } = program.settings;
  const notes: PreviewText[] = [];
  if (earn.length > 0 && Number.isInteger(pendingDays) && pendingDays >= 0) {
    notes.push(
      pendingDays === 0
        ? { key: "preview.pendingNone", values: {} }
        : { key: "preview.pending", values: { count: pendingDays, days: formatNumber(pendingDays, locale) } },
    );
  }
  if (expiry.mode === "never") notes.push({ key: "preview.expiry.never", values: {} });
  else if (Number.isInteger(expiry.months) && expiry.months > 0) {
    notes.push({
      key: `preview.expiry.${expiry.mode}`,
      values: { count: expiry.months, months: formatNumber(expiry.months, locale) },
    });
  }

  return {
    earn,
    rewards,
    tiers,
    tierWindow: tiers.length ? { key: `preview.tier.window.${program.settings.tierBasis.window}`, values: {} } : null,
    notes,
  };
}
