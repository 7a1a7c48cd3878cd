// Surveys and answers in the database: the shop's settings, which orders' surveys a customer may
// answer now, and recording an answer (one per order; a change within a day replaces it; points
// once per order through the loyalty ledger). Every surface (the signed link's page, the
// storefront panel's prompt, the customer account) comes here with the shop and the customer it
// verified; nothing in a body names whose order is answered.
import type { Prisma } from "@prisma/client";
import db, { type Tx } from "../platform/db/client.server";
import { grantFeedbackPoints } from "../loyalty/members.server";
import { queueFlowTrigger } from "../delivery/flow.server";
import { inputError } from "../loyalty/admin.server";
import { CHANGE_WINDOW_MS, surveyWindow, windowState, type PendingSurvey, type SurveyWindow } from "./due";
import { signedSurveyUrl } from "./link.server";
import { answerSchema, DEFAULT_SETTINGS, settingsFromJson, type FeedbackSettings, type SurveyLanguage } from "./settings";

const DAY_MS = 86_400_000;

export interface ShopSurveys {
  settings: FeedbackSettings;
  enabledAt: Date | null;
}

export async function loadSurveySettings(shopDomain: string, client: typeof db | Tx = db): Promise<ShopSurveys> {
  const row = await client.feedbackSettings.findUnique({ where: { shopDomain } });
  return { settings: row ? settingsFromJson(row.settings) : DEFAULT_SETTINGS, enabledAt: row?.enabledAt ?? null };
}

/** Saves the settings (feedbackSettingsSchema); turning surveys on starts the time from which orders are asked. */
export async function saveSurveySettings(shopDomain: string, settings: FeedbackSettings, now = new Date()): Promise<ShopSurveys> {
  return db.$transaction(async (tx: Tx) => {
    const before = await loadSurveySettings(shopDomain, tx);
    const enabledAt = settings.enabled
      ? before.settings.enabled && before.enabledAt
        ? before.enabledAt
        : now
      : before.enabledAt;
    await tx.feedbackSettings.upsert({
      where: { shopDomain },
      create: { shopDomain, settings: JSON.stringify(settings), enabledAt },
      update: { settings: JSON.stringify(settings), enabledAt },
    });
    return { settings, enabledAt };
  });
}

/** The order's survey as a customer sees it; null when the order is not theirs (or not a counted order). */
export interface OrderSurvey {
  orderGid: string;
  orderName: string | null;
  window: SurveyWindow | null;
  state: ReturnType<typeof windowState>;
  answer: StoredAnswer | null;
  /** The answer may still be given or changed. */
  answerable: boolean;
}

export type StoredAnswer = Prisma.FeedbackAnswerGetPayload<object>;

const fulfilledAtOf = async (client: typeof db | Tx, shopDomain: string, orderGid: string) =>
  (await client.orderFulfillment.findUnique({ where: { shopDomain_orderGid: { shopDomain, orderGid } } }))?.fulfilledAt ?? null;

export async function orderSurvey(
  shopDomain: string,
  customerGid: string,
  orderGid: string,
  now: Date,
  client: typeof db | Tx = db,
  surveys?: ShopSurveys,
): Promise<OrderSurvey | null> {
  const order = await client.order.findUnique({
    where: { shopDomain_gid: { shopDomain, gid: orderGid } },
    select: {
      name: true,
      processedAt: true,
      cancelledAt: true,
      deletedAt: true,
      test: true,
      customer: { select: { gid: true } },
    },
  });
  if (!order || order.customer?.gid !== customerGid || order.cancelledAt || order.deletedAt || order.test) return null;
  const { settings, enabledAt } = surveys ?? (await loadSurveySettings(shopDomain, client));
  const window = surveyWindow(settings, enabledAt, {
    processedAt: order.processedAt,
    fulfilledAt: await fulfilledAtOf(client, shopDomain, orderGid),
  });
  const state = settings.enabled ? windowState(window, now) : "not_asked";
  const answer = await client.feedbackAnswer.findUnique({ where: { shopDomain_orderGid: { shopDomain, orderGid } } });
  const changeable = !answer || now.getTime() - answer.firstAnsweredAt.getTime() < CHANGE_WINDOW_MS;
  return { orderGid, orderName: order.name, window, state, answer, answerable: state === "open" && changeable };
}

/** The customer's surveys open now and not yet answered, newest first (the prompts' list). */
export async function pendingSurveys(shopDomain: string, customerGid: string, now = new Date()): Promise<PendingSurvey[]> {
  const surveys = await loadSurveySettings(shopDomain);
  if (!surveys.settings.enabled || !surveys.enabledAt) return [];
  const { delayDays, openDays } = surveys.settings;
  // Only orders whose window can be open now: placed at most delay + open days ago... or fulfilled so.
  const earliest = new Date(now.getTime() - (delayDays + openDays) * 86_400_000);
  const orders = await db.order.findMany({
    where: {
      shopDomain,
      customer: { gid: customerGid },
      test: false,
      cancelledAt: null,
      deletedAt: null,
      processedAt: surveys.settings.trigger === "order" ? { gte: earliest } : { not: null },
    },
    select: { gid: true, name: true, processedAt: true },
    orderBy: { processedAt: "desc" },
    take: 50,
  });
  if (orders.length === 0) return [];
  const gids = orders.map((order) => order.gid);
  const [fulfilments, answers] = await Promise.all([
    db.orderFulfillment.findMany({ where: { shopDomain, orderGid: { in: gids } } }),
    db.feedbackAnswer.findMany({ where: { shopDomain, orderGid: { in: gids } }, select: { orderGid: true } }),
  ]);
  const fulfilledAt = new Map(fulfilments.map((row) => [row.orderGid, row.fulfilledAt]));
  const answered = new Set(answers.map((row) => row.orderGid));
  const pending: PendingSurvey[] = [];
  for (const order of orders) {
    if (answered.has(order.gid)) continue;
    const window = surveyWindow(surveys.settings, surveys.enabledAt, {
      processedAt: order.processedAt,
      fulfilledAt: fulfilledAt.get(order.gid) ?? null,
    });
    if (windowState(window, now) !== "open") continue;
    const url = signedSurveyUrl({ shop: shopDomain, customerGid, orderGid: order.gid, expiresAt: window!.closesAt });
    pending.push({
      orderGid: order.gid,
      orderName: order.name,
      dueAt: window!.dueAt.toISOString(),
      closesAt: window!.closesAt.toISOString(),
      url,
    });
  }
  return pending;
}

export type Surface = "link" | "panel" | "account";

export type AnswerResult =
  | { ok: true; replaced: boolean; points: number; answer: StoredAnswer }
  | { ok: false; status: 404 | 409; error: "unknown_survey" | "survey_not_open" | "already_answered" };

/**
 * Records `input` as the customer's answer to the order's survey. Bad input throws
 * LoyaltyInputError (400) and changes nothing.
 */
export async function answerSurvey(
  shopDomain: string,
  customerGid: string,
  orderGid: string,
  input: unknown,
  context: { surface: Surface; locale: SurveyLanguage },
  now = new Date(),
): Promise<AnswerResult> {
  const surveys = await loadSurveySettings(shopDomain);
  const parsed = answerSchema(surveys.settings).safeParse(input);
  if (!parsed.success) throw inputError(parsed.error);
  const values = { ...parsed.data, surface: context.surface, locale: context.locale, answeredAt: now };
  try {
    return await db.$transaction(async (tx: Tx): Promise<AnswerResult> => {
      const survey = await orderSurvey(shopDomain, customerGid, orderGid, now, tx, surveys);
      if (!survey) return { ok: false, status: 404, error: "unknown_survey" };
      if (survey.state !== "open") return { ok: false, status: 409, error: "survey_not_open" };
      if (!survey.answerable) return { ok: false, status: 409, error: "already_answered" };
      if (survey.answer) {
        // Only while the first answer is less than a day old (checked again in the update).
        const changed = await tx.feedbackAnswer.updateMany({
          where: { id: survey.answer.id, firstAnsweredAt: { gt: new Date(now.getTime() - 86_400_000) } },
          data: values,
        });
        if (changed.count === 0) return { ok: false, status: 409, error: "already_answered" };
        const answer = await tx.feedbackAnswer.findUniqueOrThrow({ where: { id: survey.answer.id } });
        await queueDetractor(tx, shopDomain, answer, survey.orderName);
        return { ok: true, replaced: true, points: 0, answer };
      }
      const created = await tx.feedbackAnswer.create({
        data: { shopDomain, orderGid, customerGid, firstAnsweredAt: now, ...values },
      });
      const points = await grantFeedbackPoints(tx, shopDomain, customerGid, orderGid, surveys.settings.points, now);
      const answer = points ? await tx.feedbackAnswer.update({ where: { id: created.id }, data: { points } }) : created;
      await queueDetractor(tx, shopDomain, answer, survey.orderName);
      return { ok: true, replaced: false, points, answer };
    });
  } catch (error) {
    // Two first answers at once: the other one won; this one is a change of it, so ask again.
    if ((error as { code?: unknown }).code === "P2002") {
      return answerSurvey(shopDomain, customerGid, orderGid, input, context, now);
    }
    throw error;
  }
}

const SURVEY_ORDER_FIELDS = { gid: true, name: true, processedAt: true, customer: { select: { gid: true } } } as const;
type SurveyOrderRow = { gid: string; name: string | null; processedAt: Date | null; customer: { gid: string } | null };

/** A counted order of a customer: not a test, not cancelled or deleted, processed. */
export const COUNTED = { test: false, cancelledAt: null, deletedAt: null, processedAt: { not: null } } as const;

/** The surveys that became due in [from, to): orders of customers whose window opened then. */
export async function surveysDue(shopDomain: string, surveys: ShopSurveys, from: Date, to: Date) {
  if (!surveys.enabledAt || from >= to) return [];
  const delay = surveys.settings.delayDays * DAY_MS;
  const startFrom = new Date(from.getTime() - delay);
  const startTo = new Date(to.getTime() - delay);
  let orders: SurveyOrderRow[];
  let fulfilledAt = new Map<string, Date>();
  if (surveys.settings.trigger === "order") {
    orders = await db.order.findMany({
      where: { shopDomain, ...COUNTED, customerId: { not: null }, processedAt: { gte: startFrom, lt: startTo } },
      select: SURVEY_ORDER_FIELDS,
    });
  } else {
    const fulfilments = await db.orderFulfillment.findMany({
      where: { shopDomain, fulfilledAt: { gte: startFrom, lt: startTo } },
    });
    fulfilledAt = new Map(fulfilments.map((row) => [row.orderGid, row.fulfilledAt]));
    orders = [];
    for (const gids of chunks([...fulfilledAt.keys()], 500)) {
      orders.push(
        ...(await db.order.findMany({
          where: { shopDomain, ...COUNTED, customerId: { not: null }, gid: { in: gids } },
          select: SURVEY_ORDER_FIELDS,
        })),
      );
    }
  }
  return orders.flatMap((order) => {
    const window = surveyWindow(surveys.settings, surveys.enabledAt, {
      processedAt: order.processedAt,
      fulfilledAt: fulfilledAt.get(order.gid) ?? null,
    });
    return window && window.dueAt >= from && window.dueAt < to
      ? [{ orderGid: order.gid, orderName: order.name, customerGid: order.customer!.gid, ...window }]
      : [];
  });
}

export function chunks<T>(items: T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}

/** The survey's name in Flow's triggers. */
export const FLOW_SURVEY_NAME = "Order feedback";

/**
 * Flow's "Detractor answered survey" (docs/flow.md) for an NPS answer of 0–6, in the answer's
 * transaction: once per order (a change within the day to another detractor score sends nothing more).
 */
async function queueDetractor(tx: Tx, shopDomain: string, answer: StoredAnswer, orderName: string | null) {
  if (answer.nps === null || answer.nps > 6) return;
  await queueFlowTrigger(tx, {
    shopDomain,
    trigger: "detractorAnswered",
    customerGid: answer.customerGid,
    payload: { surveyName: FLOW_SURVEY_NAME, score: answer.nps, orderName: orderName ?? "" },
    idempotencyKey: `feedback:${answer.orderGid}:detractor`,
  });
}
