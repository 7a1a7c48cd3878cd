// The demo's win-back campaigns (`npm run demo`): one finished, with synthetic results that show
// what a campaign page reads like once there is enough data, and one running, entered by the real
// engine (campaigns.server.ts) from the demo's customers and counted from their real orders.
// The demo has no Shopify store: its offers are recorded as issued without a discount in Shopify.
import { randomBytes } from "node:crypto";
import db from "../platform/db/client.server";
import { insertRows } from "../platform/sql/rows.server";
import { generateDiscountCode } from "../loyalty/codes";
import { addDays } from "../loyalty/dates";
import { assignArm, CONTROL } from "../campaigns/assignment";
import { createCampaign, runCampaign, startCampaign } from "../campaigns/campaigns.server";
import { refitModels } from "../metrics/metrics.server";

const DAY_MS = 86_400_000;

/** A fixed pseudo-random sequence (the same results on every seed). */
function sequence(seed: number) {
  let state = seed;
  return () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}

/** Seeds both campaigns once; a shop with campaigns already is left as it is. */
export async function seedDemoCampaigns(
  shopDomain: string,
  now = new Date(),
): Promise<{ finished: number; running: number } | null> {
  if ((await db.campaign.count({ where: { shopDomain } })) > 0) return null;
  const finished = await seedFinished(shopDomain, now);
  const running = await seedRunning(shopDomain, now);
  return { finished, running };
}

/**
 * "Spring win-back", 150 to 90 days ago: 3,000 customers, 20 % control; 15 % off brought more
 * customers back than no offer, the bonus points about as many. Outcomes drawn with known rates
 * (control 5 %, code 14 %, points 6.5 %), net revenue per converted customer around 60.00.
 */
async function seedFinished(shopDomain: string, now: Date): Promise<number> {
  const startedAt = new Date(now.getTime() - 150 * DAY_MS);
  const campaign = await createCampaign(shopDomain, {
    name: "Spring win-back",
    audience: { risks: ["high", "medium"], orders: { min: 1 } },
    entryMode: "once",
    attributionDays: 30,
    cooldownDays: 60,
    controlPercent: 20,
    shopifySegment: false,
    arms: [
      { name: "15 % off", offer: { kind: "percentage", percent: 15, validDays: 30 } },
      { name: "200 bonus points", offer: { kind: "points", points: 200, validDays: 30 } },
    ],
  });
  await db.campaign.update({
    where: { id: campaign.id },
    data: {
      status: "finished",
      startedAt,
      finishedAt: new Date(now.getTime() - 90 * DAY_MS),
      enteredDay: startedAt.toISOString().slice(0, 10),
      settledThrough: now,
    },
  });
  const customers = await db.customer.findMany({
    where: { shopDomain, redactedAt: null, deletedAt: null },
    select: { gid: true },
    orderBy: { id: "asc" },
    take: 3000,
  });
  const random = sequence(2026);
  const windowEndsAt = addDays(startedAt, 30);
  const rates: Record<string, number> = { [CONTROL]: 0.05, a: 0.14, b: 0.065 };
  const rows = customers.map(({ gid }, i) => {
    const armId = assignArm(gid, campaign.salt, 20, ["a", "b"]);
    const converted = random() < rates[armId];
    const net = converted ? BigInt(Math.round(3000 + random() * 6000)) : 0n;
    const redeemed = converted && armId === "a" && random() < 0.85;
    const cost = redeemed ? (net * 15n) / 85n : armId === "b" ? 200n : 0n;
    const enteredAt = startedAt;
    return [
      shopDomain,
      campaign.id,
      gid,
      armId,
      enteredAt,
      windowEndsAt,
      armId === CONTROL ? "none" : "issued",
      armId === "a" ? generateDiscountCode(randomBytes) : null,
      armId === CONTROL ? null : windowEndsAt,
      converted ? `gid://shopify/Order/${9_100_000_000 + i}` : null,
      converted ? new Date(enteredAt.getTime() + random() * 30 * DAY_MS) : null,
      net,
      redeemed,
      cost,
      now,
      now,
    ];
  });
  return insertRows(
    db,
    "CampaignMember",
    [
      ["shopDomain", "text"],
      ["campaignId", "text"],
      ["customerGid", "text"],
      ["armId", "text"],
      ["enteredAt", "time"],
      ["windowEndsAt", "time"],
      ["offerStatus", "text"],
      ["code", "text"],
      ["offerExpiresAt", "time"],
      ["convertedOrderGid", "text"],
      ["convertedAt", "time"],
      ["netRevenue", "bigint"],
      ["offerRedeemed", "bool"],
      ["offerCost", "bigint"],
      ["createdAt", "time"],
      ["updatedAt", "time"],
    ],
    rows,
    "ON CONFLICT DO NOTHING",
  );
}

/**
 * "Overdue regulars", started at the seed and entering every day: customers with two orders or
 * more who are 30 days past their own expected next order, entered by the engine as its job does.
 * (Backdating it would be dishonest: the audience is read from today's predictions.)
 */
async function seedRunning(shopDomain: string, now: Date): Promise<number> {
  // The audience reads the predictions: the worker's first refit, done now.
  await refitModels(shopDomain);
  const campaign = await createCampaign(shopDomain, {
    name: "Overdue regulars",
    audience: { orders: { min: 2 }, overdueDays: { min: 30 } },
    entryMode: "continuous",
    attributionDays: 30,
    cooldownDays: 90,
    controlPercent: 20,
    shopifySegment: false,
    arms: [
      { name: "10.00 off", offer: { kind: "fixed_amount", value: 1000n, validDays: 21 } },
      { name: "We miss you", offer: { kind: "message" } },
    ],
  });
  await startCampaign(shopDomain, campaign.id, now);
  await runCampaign(campaign.id, now);
  await db.campaignMember.updateMany({ where: { campaignId: campaign.id, offerStatus: "due" }, data: { offerStatus: "issued" } });
  return db.campaignMember.count({ where: { campaignId: campaign.id } });
}
