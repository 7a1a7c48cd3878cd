// Win-back campaigns (docs/campaigns.md, decision 29): the merchant's campaigns, entering their
// audience, and what each member bought within the attribution window.
//
// All of a campaign's work is one job of the job system (decision 21) on the Campaign row: while it
// runs, the job enters the audience when due (once at the start, or each day in the shop's
// timezone), releases members whose window has ended, and counts the conversions of orders changed
// since it last looked; it then holds the row for SETTLE_MS and runs again. Nothing of it runs on a
// request. Issuing the offers is a second queue, on the member rows (offers.server.ts).
import { randomBytes, randomUUID } from "node:crypto";
import { z } from "zod";
import db from "../platform/db/client.server";
import { leaseMs, type Outcome, type Queue } from "../platform/jobs.server";
import { insertRows } from "../platform/sql/rows.server";
import { dialect } from "../platform/sql/dialect.server";
import { calendarFor, formatLocalDate } from "../metrics/calendar";
import { customerIndex, standingsAndBalances } from "../customers/list.server";
import { generateDiscountCode } from "../loyalty/codes";
import { addDays } from "../loyalty/dates";
import { assignArm, CONTROL } from "./assignment";
import { audienceRule, needsLoyalty, parseAudience, selectAudience, type AudienceRule } from "./audience";
import { isCodeOffer, offerDays, offerSchema, offerToJson, parseOffer, type Offer } from "./offers";
import { offerJson, type ShopperOffer } from "./shopper-offer";
import { compareArms, type Comparison } from "./lift";
import { setCurrentOffer } from "../delivery/signals.server";
import { createCampaignSegment } from "../delivery/segments.server";
import { signalSegmentQuery } from "../delivery/customer-metafields";
import { log } from "../platform/log.server";

const DAY_MS = 86_400_000;
/** How often a running campaign looks at changed orders again. */
export const SETTLE_MS = 60_000;
/** Orders are read from a little before the last look: a transaction that committed late is not missed (a re-count changes nothing). */
const SETTLE_OVERLAP_MS = 60_000;
/** Members inserted per statement. */
const ENTRY_CHUNK = 5_000;

export const campaignInput = z
  .object({
    name: z.string().trim().min(1).max(100),
    audience: audienceRule,
    entryMode: z.enum(["once", "continuous"]),
    attributionDays: z.number().int().min(1).max(365).default(30),
    cooldownDays: z.number().int().min(0).max(3650).default(90),
    controlPercent: z.number().int().min(0).max(50).default(20),
    /** Also a Shopify customer segment of the customers holding the offer (for Shopify Email, ads, …). */
    shopifySegment: z.boolean().default(false),
    arms: z
      .array(z.object({ name: z.string().trim().min(1).max(100), offer: offerSchema }).strict())
      .min(1)
      .max(4),
  })
  .strict();

export type CampaignInput = z.output<typeof campaignInput>;

export type CampaignRow = Awaited<ReturnType<typeof db.campaign.findUniqueOrThrow>>;

export interface Arm {
  armId: string;
  name: string;
  offer: Offer;
}

const armIds = (count: number) => Array.from({ length: count }, (_, i) => String.fromCharCode(97 + i));

export async function createCampaign(shopDomain: string, input: CampaignInput): Promise<CampaignRow> {
  const id = randomUUID();
  const ids = armIds(input.arms.length);
  return db.$transaction(async (tx) => {
    const campaign = await tx.campaign.create({
      data: {
        id,
        shopDomain,
        name: input.name,
        status: "draft",
        audience: JSON.stringify(input.audience),
        entryMode: input.entryMode,
        attributionDays: input.attributionDays,
        cooldownDays: input.cooldownDays,
        controlPercent: input.controlPercent,
        shopifySegment: input.shopifySegment,
        salt: randomBytes(16).toString("hex"),
      },
    });
    await tx.campaignArm.createMany({
      data: input.arms.map((arm, i) => ({
        shopDomain,
        campaignId: id,
        armId: ids[i],
        name: arm.name,
        offer: offerToJson(arm.offer),
      })),
    });
    return campaign;
  });
}

export async function campaignOf(shopDomain: string, id: string): Promise<{ campaign: CampaignRow; arms: Arm[] } | null> {
  const campaign = await db.campaign.findFirst({ where: { id, shopDomain } });
  if (!campaign) return null;
  const rows = await db.campaignArm.findMany({ where: { campaignId: id }, orderBy: { armId: "asc" } });
  return { campaign, arms: rows.map((row) => ({ armId: row.armId, name: row.name, offer: parseOffer(row.offer) })) };
}

export function listCampaigns(shopDomain: string) {
  return db.campaign.findMany({ where: { shopDomain }, orderBy: { createdAt: "desc" }, take: 200 });
}

/** draft -> running: the first entry is due now, in the worker. false: not a draft of this shop. */
export async function startCampaign(shopDomain: string, id: string, now = new Date()): Promise<boolean> {
  const started = await db.campaign.updateMany({
    where: { id, shopDomain, status: "draft" },
    data: { status: "running", startedAt: now, entryDueAt: now, settledThrough: now, leaseUntil: null },
  });
  return started.count === 1;
}

/**
 * running -> finished: nobody enters any more; the campaign's job, due at once, frees the members
 * for other campaigns. Their windows still count the orders that come in them.
 */
export async function finishCampaign(shopDomain: string, id: string, now = new Date()): Promise<boolean> {
  const finished = await db.campaign.updateMany({
    where: { id, shopDomain, status: "running" },
    data: { status: "finished", finishedAt: now, entryDueAt: null, leaseUntil: null },
  });
  return finished.count === 1;
}

/** How many customers the rule selects now, before any campaign or cooldown is left out (the form's preview). */
export async function previewAudience(shopDomain: string, rule: AudienceRule, now = new Date()): Promise<number> {
  const index = await customerIndex(shopDomain);
  const context = needsLoyalty(rule) ? await standingsAndBalances(shopDomain, index, now) : null;
  return selectAudience(index.rows, rule, context).length;
}

/** The campaign job (decision 21): runs while a campaign runs, and after it until the last window has ended. */
export const campaignQueue: Queue = {
  name: "campaigns",
  table: "Campaign",
  id: "id",
  shop: "shopDomain",
  lease: "leaseUntil",
  attempts: "attempts",
  lastError: "error",
  ready: (bind) =>
    `("status" = 'running' OR ("status" = 'finished' AND EXISTS (SELECT 1 FROM "CampaignMember" m
       WHERE m."campaignId" = "Campaign"."id" AND m."windowEndsAt" > "Campaign"."settledThrough")))
     AND EXISTS (SELECT 1 FROM "Shop" WHERE "Shop"."domain" = "Campaign"."shopDomain" AND "Shop"."installState" = ${bind("installed")})`,
  shops: "filter",
  maxAttempts: 10,
  batch: 2,
  leaseMs,
  run: (job) => runCampaign(String(job.id)),
};

/** One turn of a campaign's job; exported for the bench and for tests that run it as a second instance. */
export async function runCampaign(id: string, now = new Date()): Promise<Outcome> {
  const campaign = await db.campaign.findUnique({ where: { id } });
  if (!campaign) return "done";
  if (campaign.status === "running" && campaign.shopifySegment && !campaign.segmentGid) await makeSegment(campaign);
  if (campaign.status === "running" && campaign.entryDueAt && campaign.entryDueAt <= now) await enterAudience(campaign, now);
  await releaseMembers(campaign, now);
  await settleConversions(campaign, now);
  await db.campaign.update({ where: { id }, data: { settledThrough: now, attempts: 0, error: null } });
  return { retryAt: new Date(now.getTime() + SETTLE_MS) };
}

/**
 * The campaign's Shopify segment: customers whose current-offer metafield names it. Shopify
 * refusing or unreachable does not hold up the entry: the next turn tries again.
 */
async function makeSegment(campaign: CampaignRow): Promise<void> {
  try {
    const segmentGid = await createCampaignSegment(campaign.shopDomain, {
      campaignKey: campaign.id,
      name: `Comeback: ${campaign.name} (${campaign.id.slice(0, 8)})`,
      query: signalSegmentQuery({ currentOffer: campaign.id }),
    });
    await db.campaign.update({ where: { id: campaign.id }, data: { segmentGid } });
  } catch (error) {
    log.warn("campaign segment not created", { shop: campaign.shopDomain, campaign: campaign.id, error: String(error) });
  }
}

/**
 * Members whose window has ended, or all of a finished campaign's, leave it: their place is free
 * for other campaigns (after the cooldown) and their current offer is cleared.
 */
async function releaseMembers(campaign: Pick<CampaignRow, "id" | "status" | "shopDomain">, now: Date): Promise<void> {
  const leaving = {
    campaignId: campaign.id,
    activeCustomerGid: { not: null },
    ...(campaign.status !== "finished" && { windowEndsAt: { lte: now } }),
  };
  const members = await db.campaignMember.findMany({
    where: leaving,
    select: { id: true, customerGid: true, armId: true, offerStatus: true },
  });
  for (let start = 0; start < members.length; start += 500) {
    const chunk = members.slice(start, start + 500);
    await db.$transaction(async (tx) => {
      await tx.campaignMember.updateMany({ where: { id: { in: chunk.map((m) => m.id) } }, data: { activeCustomerGid: null } });
      for (const member of chunk)
        if (member.armId !== CONTROL && member.offerStatus === "issued")
          await setCurrentOffer(campaign.shopDomain, member.customerGid, null, tx);
    });
  }
}

/** Customers no campaign of the shop may enter now: in a campaign, or within `cooldownDays` of leaving one. */
export async function unavailableCustomers(shopDomain: string, cooldownDays: number, now: Date): Promise<Set<string>> {
  const rows = await db.campaignMember.findMany({
    where: {
      shopDomain,
      OR: [{ activeCustomerGid: { not: null } }, { windowEndsAt: { gt: new Date(now.getTime() - cooldownDays * DAY_MS) } }],
    },
    select: { customerGid: true },
  });
  return new Set(rows.map((row) => row.customerGid));
}

const MEMBER_COLUMNS = [
  ["shopDomain", "text"],
  ["campaignId", "text"],
  ["customerGid", "text"],
  ["armId", "text"],
  ["enteredAt", "time"],
  ["windowEndsAt", "time"],
  ["activeCustomerGid", "text"],
  ["offerStatus", "text"],
  ["code", "text"],
  ["offerExpiresAt", "time"],
  ["createdAt", "time"],
  ["updatedAt", "time"],
] as const;

/**
 * Enters the audience: every customer the rule selects who is free (not in a campaign, not cooling
 * down), each in the arm the hash gives. A retry after a crash inserts nobody twice (the unique
 * (campaign, customer)), and a customer another campaign entered meanwhile is skipped (the unique
 * active GID). Then the next entry is due: never (once) or at the shop's next local midnight.
 */
export async function enterAudience(campaign: CampaignRow, now: Date): Promise<number> {
  const { shopDomain } = campaign;
  const [rule, arms, index, { timezone }] = await Promise.all([
    parseAudience(campaign.audience),
    db.campaignArm.findMany({ where: { campaignId: campaign.id }, orderBy: { armId: "asc" } }),
    customerIndex(shopDomain),
    db.shop.findUniqueOrThrow({ where: { domain: shopDomain }, select: { timezone: true } }),
  ]);
  const context = needsLoyalty(rule) ? await standingsAndBalances(shopDomain, index, now) : null;
  const excluded = await unavailableCustomers(shopDomain, campaign.cooldownDays, now);
  const gids = selectAudience(index.rows, rule, context, excluded);
  const entered = await insertMembers(campaign, arms, gids, now);
  const calendar = calendarFor(timezone);
  const today = calendar.dayOf(now.getTime());
  await db.campaign.update({
    where: { id: campaign.id },
    data: {
      enteredDay: formatLocalDate(today),
      entryDueAt: campaign.entryMode === "continuous" ? new Date(calendar.startOf(today + 1)) : null,
    },
  });
  return entered;
}

/** Inserts the selected customers as members, each in the arm the hash gives; exported for the bench. */
export async function insertMembers(
  campaign: Pick<CampaignRow, "id" | "shopDomain" | "salt" | "controlPercent" | "attributionDays">,
  arms: readonly { armId: string; offer: string }[],
  gids: readonly string[],
  now: Date,
): Promise<number> {
  const offers = new Map(arms.map((arm) => [arm.armId, parseOffer(arm.offer)]));
  const ids = arms.map((arm) => arm.armId);
  const windowEndsAt = addDays(now, campaign.attributionDays);
  let entered = 0;
  for (let start = 0; start < gids.length; start += ENTRY_CHUNK) {
    const rows = gids.slice(start, start + ENTRY_CHUNK).map((gid) => {
      const armId = assignArm(gid, campaign.salt, campaign.controlPercent, ids);
      const offer = armId === CONTROL ? null : offers.get(armId)!;
      const days = offer && offerDays(offer);
      return [
        campaign.shopDomain,
        campaign.id,
        gid,
        armId,
        now,
        windowEndsAt,
        gid,
        // A message has nothing to issue but is announced like an offer (offers.server.ts).
        offer ? "due" : "none",
        offer && isCodeOffer(offer) ? generateDiscountCode(randomBytes) : null,
        days ? addDays(now, days) : null,
        now,
        now,
      ];
    });
    entered += await insertRows(db, "CampaignMember", MEMBER_COLUMNS, rows, "ON CONFLICT DO NOTHING");
  }
  return entered;
}

interface OrderInWindow {
  member: number;
  gid: string;
  processedAt: Date;
  net: bigint;
  discountCodes: string | null;
}

/** The campaign's code's discount on the order, minor units; null: not used on it. */
function codeDiscount(discountCodes: string | null, code: string | null): bigint | null {
  if (!code || !discountCodes) return null;
  const used = (JSON.parse(discountCodes) as { code: string; amount: string }[]).find(
    (entry) => entry.code.toUpperCase() === code.toUpperCase(),
  );
  return used ? BigInt(used.amount) : null;
}

/**
 * Counts, for every member with an order changed since the last look, their counted orders (the
 * metrics' definition: not a test, not cancelled, not deleted, processed) within their window:
 * the first converts them, net revenue is their current subtotals, and a code offer is redeemed,
 * and costs its discount, when its code is on one of them. Recounted from the orders each time, so a
 * cancellation or refund takes back what it should.
 */
export async function settleConversions(
  campaign: Pick<CampaignRow, "id" | "settledThrough" | "startedAt">,
  now: Date,
): Promise<number> {
  const since = new Date((campaign.settledThrough ?? campaign.startedAt ?? now).getTime() - SETTLE_OVERLAP_MS);
  const p = dialect.param;
  const joins = `FROM "CampaignMember" m JOIN "Customer" c ON c."shopDomain" = m."shopDomain" AND c."gid" = m."customerGid"
    JOIN "Order" o ON o."customerId" = c."id"`;
  const touched = await db.$queryRawUnsafe<{ id: number }[]>(
    `SELECT DISTINCT m."id" AS "id" ${joins} WHERE m."campaignId" = ${p(1)} AND o."updatedAt" >= ${p(2)}`,
    campaign.id,
    dialect.time(since),
  );
  const ids = touched.map((row) => Number(row.id));
  for (let start = 0; start < ids.length; start += 500) {
    const chunk = ids.slice(start, start + 500);
    const members = await db.campaignMember.findMany({
      where: { id: { in: chunk } },
      select: { id: true, code: true, armId: true, offerCost: true, offerRedeemed: true, customerGid: true, shopDomain: true },
    });
    const orders = await db.$queryRawUnsafe<OrderInWindow[]>(
      `SELECT m."id" AS "member", o."gid" AS "gid", o."processedAt" AS "processedAt", o."currentSubtotalAmount" AS "net",
         o."discountCodes" AS "discountCodes" ${joins}
       WHERE m."id" IN (${chunk.map((_, i) => p(i + 1)).join(", ")})
         AND o."processedAt" >= m."enteredAt" AND o."processedAt" < m."windowEndsAt"
         AND o."test" = false AND o."cancelledAt" IS NULL AND o."deletedAt" IS NULL
       ORDER BY o."processedAt", o."id"`,
      ...chunk,
    );
    const byMember = new Map<number, OrderInWindow[]>();
    for (const order of orders) {
      const key = Number(order.member);
      byMember.set(key, [...(byMember.get(key) ?? []), order]);
    }
    for (const member of members) {
      const mine = byMember.get(member.id) ?? [];
      const discounts = mine.map((order) => codeDiscount(order.discountCodes, member.code)).filter((d) => d !== null);
      // A used code is no longer the customer's current offer.
      if (discounts.length > 0 && !member.offerRedeemed) await setCurrentOffer(member.shopDomain, member.customerGid, null);
      await db.campaignMember.update({
        where: { id: member.id },
        data: {
          convertedOrderGid: mine[0]?.gid ?? null,
          convertedAt: mine[0] ? new Date(mine[0].processedAt) : null,
          netRevenue: mine.reduce((sum, order) => sum + BigInt(order.net), 0n),
          offerRedeemed: discounts.length > 0,
          // Points and store credit cost what was issued (offers.server.ts); a code what it took off.
          ...(member.code && { offerCost: discounts.reduce((sum, d) => sum + d, 0n) }),
        },
      });
    }
  }
  return ids.length;
}

export interface ArmResult {
  armId: string;
  reached: number;
  converted: number;
  /** Per-customer net revenue (non-converters count 0), minor units: count, sum and sum of squares. */
  revenue: { count: number; sum: bigint; sumOfSquares: bigint };
  offersIssued: number;
  offersRedeemed: number;
  /** Minor units. */
  cost: bigint;
}

/** Raw per-arm aggregates, control first; app/campaigns/lift.ts turns them into intervals and a verdict. */
export async function campaignResults(campaignId: string): Promise<ArmResult[]> {
  const members = await db.campaignMember.findMany({
    where: { campaignId },
    select: { armId: true, convertedOrderGid: true, netRevenue: true, offerStatus: true, offerRedeemed: true, offerCost: true },
  });
  const arms = new Map<string, ArmResult>();
  const arm = (armId: string) => {
    let result = arms.get(armId);
    if (!result) {
      result = {
        armId,
        reached: 0,
        converted: 0,
        revenue: { count: 0, sum: 0n, sumOfSquares: 0n },
        offersIssued: 0,
        offersRedeemed: 0,
        cost: 0n,
      };
      arms.set(armId, result);
    }
    return result;
  };
  arm(CONTROL);
  for (const member of members) {
    const result = arm(member.armId);
    result.reached++;
    if (member.convertedOrderGid) result.converted++;
    result.revenue.count++;
    result.revenue.sum += member.netRevenue;
    result.revenue.sumOfSquares += member.netRevenue * member.netRevenue;
    if (member.offerStatus === "issued") result.offersIssued++;
    if (member.offerRedeemed) result.offersRedeemed++;
    result.cost += member.offerCost;
  }
  return [...arms.values()].sort((a, b) => (a.armId === CONTROL ? -1 : b.armId === CONTROL ? 1 : a.armId < b.armId ? -1 : 1));
}

/** The customer's campaigns, newest first, with their group and outcome, for the customer page. */
export async function campaignsOfCustomer(shopDomain: string, customerGid: string) {
  const members = await db.campaignMember.findMany({
    where: { shopDomain, customerGid },
    orderBy: { enteredAt: "desc" },
    take: 50,
  });
  const ids = [...new Set(members.map((member) => member.campaignId))];
  const [campaigns, arms] = await Promise.all([
    db.campaign.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } }),
    db.campaignArm.findMany({ where: { campaignId: { in: ids } }, select: { campaignId: true, armId: true, name: true } }),
  ]);
  const names = new Map(campaigns.map((campaign) => [campaign.id, campaign.name]));
  const armNames = new Map(arms.map((arm) => [`${arm.campaignId}:${arm.armId}`, arm.name]));
  return members.map((member) => ({
    campaignId: member.campaignId,
    name: names.get(member.campaignId) ?? member.campaignId,
    /** null: the control group. */
    arm: member.armId === CONTROL ? null : (armNames.get(`${member.campaignId}:${member.armId}`) ?? member.armId),
    enteredAt: member.enteredAt.toISOString(),
    converted: member.convertedOrderGid !== null,
    netRevenue: member.netRevenue,
    offerRedeemed: member.offerRedeemed,
  }));
}

/** A campaign's members and outcomes for its CSV: GIDs, no names or e-mails. */
export function membersForCsv(campaignId: string) {
  return db.campaignMember.findMany({
    where: { campaignId },
    orderBy: { id: "asc" },
    select: {
      customerGid: true,
      armId: true,
      enteredAt: true,
      windowEndsAt: true,
      offerStatus: true,
      convertedOrderGid: true,
      convertedAt: true,
      netRevenue: true,
      offerRedeemed: true,
      offerCost: true,
    },
  });
}

/** A campaign for the admin and its JSON API: settings, arms with their offers, per-arm results. */
export async function campaignView(shopDomain: string, id: string) {
  const found = await campaignOf(shopDomain, id);
  if (!found) return null;
  const { campaign, arms } = found;
  const [{ currency }, results] = await Promise.all([
    db.shop.findUniqueOrThrow({ where: { domain: shopDomain }, select: { currency: true } }),
    campaignResults(id),
  ]);
  return {
    id: campaign.id,
    name: campaign.name,
    status: campaign.status as "draft" | "running" | "finished",
    audience: parseAudience(campaign.audience),
    entryMode: campaign.entryMode as "once" | "continuous",
    attributionDays: campaign.attributionDays,
    cooldownDays: campaign.cooldownDays,
    controlPercent: campaign.controlPercent,
    segmentGid: campaign.segmentGid,
    startedAt: campaign.startedAt?.toISOString() ?? null,
    finishedAt: campaign.finishedAt?.toISOString() ?? null,
    enteredDay: campaign.enteredDay,
    currency,
    arms: arms.map((arm) => ({ ...arm, offer: JSON.parse(offerToJson(arm.offer)) as Record<string, unknown> })),
    results,
    comparisons: comparisonsOf(results),
  };
}

export type CampaignView = NonNullable<Awaited<ReturnType<typeof campaignView>>>;

/**
 * Each offer arm against the control group (lift.ts: always-valid 95 % intervals and the verdict);
 * null while either has fewer than 2 customers, where there is nothing to compare.
 */
export function comparisonsOf(results: readonly ArmResult[]): { armId: string; comparison: Comparison | null }[] {
  const control = results.find((result) => result.armId === CONTROL)!;
  return results
    .filter((result) => result.armId !== CONTROL)
    .map((arm) => ({
      armId: arm.armId,
      comparison: arm.reached >= 2 && control.reached >= 2 ? compareArms(arm, control) : null,
    }));
}

/** The shop's campaigns with how many customers each has reached, for the list page. */
export async function campaignSummaries(shopDomain: string) {
  const [campaigns, counts] = await Promise.all([
    listCampaigns(shopDomain),
    db.campaignMember.groupBy({ by: ["campaignId"], where: { shopDomain }, _count: { _all: true } }),
  ]);
  const reached = new Map(counts.map((count) => [count.campaignId, count._count._all]));
  return campaigns.map((campaign) => ({
    id: campaign.id,
    name: campaign.name,
    status: campaign.status as "draft" | "running" | "finished",
    entryMode: campaign.entryMode as "once" | "continuous",
    startedAt: campaign.startedAt?.toISOString() ?? null,
    reached: reached.get(campaign.id) ?? 0,
  }));
}

/**
 * The offer the shopper has now: of their newest campaign, issued (or a message) and neither
 * expired nor used. null for the control group, always: they are offered nothing, anywhere.
 */
export async function currentOffer(shopDomain: string, customerGid: string, now = new Date()): Promise<ShopperOffer | null> {
  const member = await db.campaignMember.findFirst({
    where: {
      shopDomain,
      customerGid,
      armId: { not: CONTROL },
      offerRedeemed: false,
      offerStatus: "issued",
      // A message lasts as long as the window.
      OR: [{ offerExpiresAt: { gt: now } }, { offerExpiresAt: null, windowEndsAt: { gt: now } }],
    },
    orderBy: { enteredAt: "desc" },
  });
  if (!member) return null;
  const arm = await db.campaignArm.findUniqueOrThrow({
    where: { campaignId_armId: { campaignId: member.campaignId, armId: member.armId } },
  });
  return offerJson({ name: arm.name, offer: parseOffer(arm.offer) }, member);
}
