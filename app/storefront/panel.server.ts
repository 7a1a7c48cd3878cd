// The data of GET /proxy/panel and GET /proxy/history, read for one shop and one shopper.
import { pendingSurveys } from "../feedback/surveys.server";
import db from "../platform/db/client.server";
import { currentOffer } from "../campaigns/campaigns.server";
import { isHeldOut } from "../loyalty/holdout";
import type { LedgerEntry } from "../loyalty/ledger";
import { DEFAULT_SETTINGS, type ProgramSettings } from "../loyalty/program";
import {
  customerOrders,
  entryFromRow,
  loadProgram,
  loadRewards,
  loadRules,
  loadTiers,
  memberEntries,
} from "../loyalty/store.server";
import { earnedPointItems, qualifyingValue, spendItem, type QualifyingItem } from "../loyalty/tiers";
import { HISTORY_PAGE_SIZE, historyPage } from "./history";
import { loadReferralProgram } from "../referrals/store.server";
import { entryJson, memberPanel, programPanel } from "./panel";

/** `locale`: the shopper's locale key, for the rewards' words; null: the shop's primary language. */
export async function storefrontPanel(shopDomain: string, customerGid: string | null, locale: string | null, now = new Date()) {
  const [program, rules, tiers, rewards, shop, offer, survey, referralProgram] = await Promise.all([
    loadProgram(db, shopDomain),
    loadRules(db, shopDomain),
    loadTiers(db, shopDomain),
    loadRewards(db, shopDomain),
    db.shop.findUniqueOrThrow({ where: { domain: shopDomain }, select: { currency: true, timezone: true } }),
    // A win-back campaign's offer while it lasts (app/campaigns); never one for the control group.
    customerGid ? currentOffer(shopDomain, customerGid, now) : null,
    // The shopper's open feedback survey (docs/feedback.md), for the panel's prompt: no second request.
    customerGid ? pendingSurveys(shopDomain, customerGid, now).then((open) => open[0] ?? null) : null,
    loadReferralProgram(db, shopDomain),
  ]);
  // Whether a member has a referral link to share: the surfaces load the share section only then.
  const referrals = Boolean(program?.enabled && referralProgram.enabled && customerGid);
  const settings = program?.settings ?? DEFAULT_SETTINGS;
  const programJson = programPanel({
    enabled: program?.enabled ?? false,
    settings,
    rules,
    tiers,
    rewards,
    currency: shop.currency,
    locale,
    now,
  });
  if (!program || !customerGid) return { program: programJson, member: null, offer, survey, referrals };

  // Reading enrolls nobody: a shopper not yet a member is shown as one with nothing yet.
  const member = await db.loyaltyMember.findUnique({ where: { shopDomain_customerGid: { shopDomain, customerGid } } });
  const [entries, redemptions] = member
    ? await Promise.all([
        memberEntries(db, shopDomain, customerGid),
        db.redemption.findMany({
          where: { shopDomain, memberGid: customerGid, status: "issued", expiresAt: { gt: now } },
          orderBy: { createdAt: "desc" },
        }),
      ])
    : [[], []];
  const items = await qualifyingItems(shopDomain, customerGid, settings, entries);
  return {
    program: programJson,
    offer,
    referrals,
    member: memberPanel({
      entries,
      tiers,
      rewards,
      tierId: member?.tierId ?? null,
      qualifyingValue: qualifyingValue(items, settings.tierBasis.window, now, shop.timezone),
      redemptions,
      birthday: member?.birthday ?? null,
      heldOut: member?.heldOut ?? isHeldOut(customerGid, program.salt, settings.holdoutPercent),
      locale,
      now,
    }),
    survey,
  };
}

/** What counts toward a tier, per the program's metric (tiers.ts). */
async function qualifyingItems(
  shopDomain: string,
  customerGid: string,
  settings: ProgramSettings,
  entries: LedgerEntry[],
): Promise<QualifyingItem[]> {
  if (settings.tierBasis.metric === "points") return earnedPointItems(entries);
  const orders = await customerOrders(db, shopDomain, customerGid);
  return orders.map(spendItem).filter((item): item is QualifyingItem => item !== null);
}

/** One page of the member's ledger, newest first, older than the entry `before` (history.ts). */
export async function storefrontHistory(shopDomain: string, customerGid: string, before: number | null) {
  const rows = await db.ledgerEntry.findMany({
    where: { shopDomain, memberGid: customerGid, ...(before !== null && { id: { lt: before } }) },
    orderBy: { id: "desc" },
    take: HISTORY_PAGE_SIZE + 1,
  });
  const page = historyPage(rows);
  return { entries: page.rows.map((row) => entryJson(entryFromRow(row))), nextCursor: page.nextCursor };
}
