// The demo shop's feedback: surveys on since nine months before the seed, asked seven days after
// fulfilment (two days after the order), and about a third of them answered. The answers are
// synthetic but lean the way the retention literature says they do: customers who came back are
// more often promoters, so the page's retention link has something to show. Deterministic (a hash
// of the order), so every `npm run demo` seeds the same answers.
import { createHash } from "node:crypto";
import db from "../platform/db/client.server";
import { saveSurveySettings } from "../feedback/surveys.server";
import { DEFAULT_SETTINGS } from "../feedback/settings";

const DAY_MS = 86_400_000;
const MONTHS = 9;
const COMMENTS: Record<"promoter" | "passive" | "detractor", string[]> = {
  promoter: ["Fast delivery and lovely packaging", "Great quality, will order again", "Friendly support"],
  passive: ["Good, but shipping took a while", "Fine overall", "The size runs small"],
  detractor: ["Parcel arrived late", "Item was damaged", "Hard to find the return form"],
};

/** A number in [0, 1) from the order's GID and a salt. */
const unit = (gid: string, salt: string) => createHash("sha256").update(`${salt}:${gid}`).digest().readUInt32BE(0) / 2 ** 32;

/** Seeds once; a shop with survey settings already is left as it is. */
export async function seedDemoFeedback(shopDomain: string, now = new Date()): Promise<number | null> {
  if (await db.feedbackSettings.findUnique({ where: { shopDomain } })) return null;
  const enabledAt = new Date(now.getTime() - MONTHS * 30 * DAY_MS);
  await saveSurveySettings(
    shopDomain,
    { ...DEFAULT_SETTINGS, enabled: true, questions: { nps: true, csat: true, ces: true }, delayDays: 7, points: 10 },
    enabledAt,
  );
  const orders = await db.order.findMany({
    where: {
      shopDomain,
      test: false,
      cancelledAt: null,
      deletedAt: null,
      processedAt: { gte: new Date(enabledAt.getTime() - 9 * DAY_MS) },
    },
    select: { gid: true, processedAt: true, customer: { select: { gid: true, orders: { select: { processedAt: true } } } } },
  });
  const fulfilments = [];
  const answers = [];
  for (const order of orders) {
    if (!order.customer || !order.processedAt) continue;
    const fulfilledAt = new Date(order.processedAt.getTime() + 2 * DAY_MS);
    fulfilments.push({ shopDomain, orderGid: order.gid, fulfilledAt });
    const answeredAt = new Date(fulfilledAt.getTime() + (7 + unit(order.gid, "delay") * 3) * DAY_MS);
    if (answeredAt < enabledAt || answeredAt > now || unit(order.gid, "answers") > 0.35) continue;
    const cameBack = order.customer.orders.some(
      (other) =>
        other.processedAt && other.processedAt > answeredAt && other.processedAt.getTime() < answeredAt.getTime() + 180 * DAY_MS,
    );
    // Customers who came back lean to 9–10, the others to 0–8.
    const draw = unit(order.gid, "score");
    const nps = Math.min(10, Math.floor(cameBack ? 5 + draw * 6.5 : draw * 10.5));
    const group = nps >= 9 ? "promoter" : nps >= 7 ? "passive" : "detractor";
    answers.push({
      shopDomain,
      orderGid: order.gid,
      customerGid: order.customer.gid,
      nps,
      csat: Math.max(1, Math.min(5, Math.round(nps / 2))),
      ces: Math.max(1, Math.min(7, Math.round(1 + nps * 0.6))),
      comment: unit(order.gid, "comment") < 0.4 ? COMMENTS[group][Math.floor(unit(order.gid, "which") * 3)] : null,
      surface: ["link", "panel", "account"][Math.floor(unit(order.gid, "surface") * 3)],
      locale: "en",
      firstAnsweredAt: answeredAt,
      answeredAt,
    });
  }
  await db.orderFulfillment.createMany({ data: fulfilments });
  await db.feedbackAnswer.createMany({ data: answers });
  return answers.length;
}
