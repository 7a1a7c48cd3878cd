// The feedback figures of the admin's page, JSON API and CSV (docs/feedback.md): NPS, CSAT, CES
// and the response rate for a period, the period before it and a year earlier, overall and by
// program membership, tier, segment and cohort; the retention link (what promoters, passives and detractors did in
// the 90 and 180 days after answering); and the free text, searched.
import db from "../platform/db/client.server";
import { calendarFor, isKnownTimeZone, type LocalDay } from "../metrics/calendar";
import { describePeriod, resolvePeriods, type PeriodQuery } from "../metrics/periods";
import type { Period } from "../metrics/kpis";
import { findShop } from "../sync/shops.server";
import { ShopNotFoundError } from "../metrics/facts.server";
import { customerMetrics } from "../metrics/metrics.server";
import { chunks, COUNTED, loadSurveySettings, surveysDue, type ShopSurveys } from "./surveys.server";
import {
  cesFigure,
  csatFigure,
  npsCategory,
  npsFigure,
  retentionFigure,
  retentionVerdict,
  shareFigure,
  type NpsCategory,
  type NpsFigure,
  type RetentionFigure,
  type RetentionOutcome,
  type RetentionVerdict,
} from "./scores";

const DAY_MS = 86_400_000;
export const RETENTION_WINDOWS = [90, 180] as const;
/** Comments shown on the page; the CSV has them all. */
const COMMENTS_SHOWN = 25;

interface AnswerRow {
  orderGid: string;
  customerGid: string;
  nps: number | null;
  csat: number | null;
  ces: number | null;
  comment: string | null;
  surface: string;
  firstAnsweredAt: Date;
  answeredAt: Date;
}

export interface PeriodFigures {
  answers: number;
  nps: NpsFigure;
  csat: ReturnType<typeof csatFigure>;
  ces: ReturnType<typeof cesFigure>;
  /** Answered surveys of those that became due in the period. */
  responseRate: ReturnType<typeof shareFigure>;
}

export const BREAKDOWN_KINDS = ["membership", "tier", "segment", "cohort"] as const;
export type BreakdownKind = (typeof BREAKDOWN_KINDS)[number];
type PeriodName = "current" | "previous" | "yearAgo";

export interface GroupFigures extends Record<PeriodName, PeriodFigures> {
  group: string;
}

export interface FeedbackAnalysis {
  currency: string;
  timezone: string;
  surveys: ShopSurveys;
  periods: Record<"current" | "previous" | "yearAgo", { from: string; to: string; days: number }>;
  current: PeriodFigures;
  previous: PeriodFigures;
  yearAgo: PeriodFigures;
  /** The same figures by group of the answering (or surveyed) customer, for the three periods. */
  breakdowns: Record<BreakdownKind, GroupFigures[]>;
  /** Per window (days), per NPS category; answers whose window is over, each customer's first. */
  retention: { days: number; groups: Record<NpsCategory, RetentionFigure>; verdict: RetentionVerdict }[];
  comments: { total: number; shown: AnswerRow[] };
}

export interface AnalysisQuery extends PeriodQuery {
  /** Free-text search in the comments (case-insensitive); empty: all. */
  q?: string | null;
}

/** The shop and the instants of the query's periods in its calendar. */
async function periodsOf(shopDomain: string, query: PeriodQuery, now: Date) {
  const shop = await findShop(db, shopDomain);
  if (!shop) throw new ShopNotFoundError(`shop ${shopDomain} is not installed`);
  const timezone = isKnownTimeZone(shop.timezone) ? shop.timezone : "UTC";
  const calendar = calendarFor(timezone);
  const periods = resolvePeriods(query, calendar.dayOf(now.getTime()));
  const range = (period: Period) => ({
    start: new Date(calendar.startOf(period.from)),
    end: new Date(calendar.startOf(period.to)),
  });
  const ranges = { current: range(periods.current), previous: range(periods.previous), yearAgo: range(periods.yearAgo) };
  return { shop, timezone, calendar, periods, ranges };
}

const matches = (search: string | null | undefined) => {
  const wanted = (search ?? "").trim().toLocaleLowerCase();
  return (answer: AnswerRow) => !wanted || (answer.comment ?? "").toLocaleLowerCase().includes(wanted);
};

/** The current period's answers whose comment contains `q` (all without `q`), newest first: the CSV. */
export async function periodAnswers(shopDomain: string, query: AnalysisQuery, now = new Date()) {
  const { ranges, timezone } = await periodsOf(shopDomain, query, now);
  const answers = await db.feedbackAnswer.findMany({
    where: { shopDomain, firstAnsweredAt: { gte: ranges.current.start, lt: ranges.current.end } },
    select: ANSWER_FIELDS,
    orderBy: { firstAnsweredAt: "desc" },
  });
  return { timezone, answers: answers.filter(matches(query.q)) };
}

export async function feedbackAnalysis(shopDomain: string, query: AnalysisQuery, now = new Date()): Promise<FeedbackAnalysis> {
  const { shop, timezone, calendar, periods, ranges } = await periodsOf(shopDomain, query, now);
  const earliest = new Date(Math.min(...Object.values(ranges).map((r) => r.start.getTime())));
  const latest = ranges.current.end;

  const surveys = await loadSurveySettings(shopDomain);
  const [answers, sent] = await Promise.all([
    db.feedbackAnswer.findMany({
      where: { shopDomain, firstAnsweredAt: { gte: earliest, lt: latest } },
      select: ANSWER_FIELDS,
      orderBy: { firstAnsweredAt: "desc" },
    }),
    surveysDue(shopDomain, surveys, earliest, latest < now ? latest : now),
  ]);
  const answeredOrders = new Set<string>();
  for (const gids of chunks(
    sent.map((survey) => survey.orderGid),
    500,
  )) {
    const rows = await db.feedbackAnswer.findMany({ where: { shopDomain, orderGid: { in: gids } }, select: { orderGid: true } });
    for (const row of rows) answeredOrders.add(row.orderGid);
  }

  const figures = (
    { start, end }: { start: Date; end: Date },
    ofGroup: (customerGid: string) => boolean = () => true,
  ): PeriodFigures => {
    const inPeriod = answers.filter(
      (answer) => answer.firstAnsweredAt >= start && answer.firstAnsweredAt < end && ofGroup(answer.customerGid),
    );
    const due = sent.filter((survey) => survey.dueAt >= start && survey.dueAt < end && ofGroup(survey.customerGid));
    return {
      answers: inPeriod.length,
      nps: npsFigure(scoresOf(inPeriod, "nps")),
      csat: csatFigure(scoresOf(inPeriod, "csat")),
      ces: cesFigure(scoresOf(inPeriod, "ces")),
      responseRate: shareFigure(due.filter((survey) => answeredOrders.has(survey.orderGid)).length, due.length),
    };
  };
  const groupOf = await customerGroups(
    shopDomain,
    [...new Set([...answers.map((answer) => answer.customerGid), ...sent.map((survey) => survey.customerGid)])],
    calendar.dayOf.bind(calendar),
  );
  const breakdowns = Object.fromEntries(
    BREAKDOWN_KINDS.map((kind) => {
      // Every group with an answer or a survey sent in one of the three periods.
      const groups = [...new Set([...answers, ...sent].map((row) => groupOf(kind, row.customerGid)))].sort((a, b) =>
        a.localeCompare(b),
      );
      return [
        kind,
        groups.map((group) => {
          const ofGroup = (customerGid: string) => groupOf(kind, customerGid) === group;
          return {
            group,
            current: figures(ranges.current, ofGroup),
            previous: figures(ranges.previous, ofGroup),
            yearAgo: figures(ranges.yearAgo, ofGroup),
          };
        }),
      ];
    }),
  ) as Record<BreakdownKind, GroupFigures[]>;

  const current = answers.filter((answer) => answer.firstAnsweredAt >= ranges.current.start && answer.firstAnsweredAt < latest);
  const comments = current.filter((answer) => answer.comment !== null).filter(matches(query.q));

  return {
    currency: shop.currency,
    timezone,
    surveys,
    periods: {
      current: describePeriod(periods.current),
      previous: describePeriod(periods.previous),
      yearAgo: describePeriod(periods.yearAgo),
    },
    current: figures(ranges.current),
    previous: figures(ranges.previous),
    yearAgo: figures(ranges.yearAgo),
    breakdowns,
    retention: await retentionLink(shopDomain, now),
    comments: { total: comments.length, shown: comments.slice(0, COMMENTS_SHOWN) },
  };
}

const ANSWER_FIELDS = {
  orderGid: true,
  customerGid: true,
  nps: true,
  csat: true,
  ces: true,
  comment: true,
  surface: true,
  firstAnsweredAt: true,
  answeredAt: true,
} as const;

const scoresOf = (answers: AnswerRow[], question: "nps" | "csat" | "ces") =>
  answers.flatMap((answer) => (answer[question] === null ? [] : [answer[question]!]));

/**
 * Each customer's group by loyalty membership (member, held out, not a member), tier, RFM segment
 * (the customer's today, as the customers list shows it) and first-order year; "" when unknown.
 */
async function customerGroups(shopDomain: string, customerGids: string[], dayOf: (ms: number) => LocalDay) {
  const members = new Map<string, { heldOut: boolean; tierId: string | null }>();
  const cohorts = new Map<string, string>();
  const segments = new Map(
    customerGids.length ? (await customerMetrics(shopDomain)).rows.map((row) => [row.gid, row.segment ?? ""]) : [],
  );
  const tierNames = new Map(
    (await db.loyaltyTier.findMany({ where: { shopDomain }, select: { tierId: true, name: true } })).map((tier) => [
      tier.tierId,
      tier.name,
    ]),
  );
  for (const gids of chunks(customerGids, 500)) {
    const [memberRows, customers] = await Promise.all([
      db.loyaltyMember.findMany({
        where: { shopDomain, customerGid: { in: gids } },
        select: { customerGid: true, heldOut: true, tierId: true },
      }),
      db.customer.findMany({
        where: { shopDomain, gid: { in: gids } },
        select: {
          gid: true,
          orders: { where: COUNTED, orderBy: { processedAt: "asc" }, take: 1, select: { processedAt: true } },
        },
      }),
    ]);
    for (const row of memberRows) members.set(row.customerGid, row);
    for (const customer of customers) {
      const first = customer.orders[0]?.processedAt;
      // The year of the customer's first counted order, in the shop's calendar.
      if (first) cohorts.set(customer.gid, String(new Date(dayOf(first.getTime()) * DAY_MS).getUTCFullYear()));
    }
  }
  return (kind: BreakdownKind, customerGid: string): string => {
    const member = members.get(customerGid);
    switch (kind) {
      case "membership":
        return !member ? "nonMember" : member.heldOut ? "heldOut" : "member";
      case "tier":
        return member?.tierId ? (tierNames.get(member.tierId) ?? member.tierId) : "";
      case "segment":
        return segments.get(customerGid) ?? "";
      case "cohort":
        return cohorts.get(customerGid) ?? "";
    }
  };
}

/**
 * For each window W: every customer's first NPS answer whose W days are over, and what they did in
 * the W days after it (a counted order, and the net revenue of those orders), by NPS category.
 */
async function retentionLink(shopDomain: string, now: Date) {
  const answers = await db.feedbackAnswer.findMany({
    where: {
      shopDomain,
      nps: { not: null },
      firstAnsweredAt: { lte: new Date(now.getTime() - Math.min(...RETENTION_WINDOWS) * DAY_MS) },
    },
    select: { customerGid: true, nps: true, firstAnsweredAt: true },
    orderBy: { firstAnsweredAt: "asc" },
  });
  const firstAnswer = new Map<string, { nps: number; at: Date }>();
  for (const answer of answers)
    if (!firstAnswer.has(answer.customerGid))
      firstAnswer.set(answer.customerGid, { nps: answer.nps!, at: answer.firstAnsweredAt });
  const ordersOf = new Map<string, { processedAt: Date; net: bigint }[]>();
  for (const gids of chunks([...firstAnswer.keys()], 500)) {
    const earliest = new Date(Math.min(...gids.map((gid) => firstAnswer.get(gid)!.at.getTime())));
    const orders = await db.order.findMany({
      where: {
        shopDomain,
        ...COUNTED,
        processedAt: { gt: earliest, lte: new Date(now.getTime()) },
        customer: { gid: { in: gids } },
      },
      select: { processedAt: true, currentSubtotalAmount: true, customer: { select: { gid: true } } },
    });
    for (const order of orders) {
      const gid = order.customer!.gid;
      ordersOf.set(gid, [...(ordersOf.get(gid) ?? []), { processedAt: order.processedAt!, net: order.currentSubtotalAmount }]);
    }
  }
  return RETENTION_WINDOWS.map((days) => {
    const outcomes: Record<NpsCategory, RetentionOutcome[]> = { promoter: [], passive: [], detractor: [] };
    for (const [gid, answer] of firstAnswer) {
      const end = answer.at.getTime() + days * DAY_MS;
      if (end > now.getTime()) continue;
      const after = (ordersOf.get(gid) ?? []).filter(
        (order) => order.processedAt > answer.at && order.processedAt.getTime() <= end,
      );
      outcomes[npsCategory(answer.nps)].push({
        repeated: after.length > 0,
        netRevenue: after.reduce((sum, order) => sum + order.net, 0n),
      });
    }
    const groups = {
      promoter: retentionFigure(outcomes.promoter),
      passive: retentionFigure(outcomes.passive),
      detractor: retentionFigure(outcomes.detractor),
    };
    return { days, groups, verdict: retentionVerdict(groups.promoter, groups.detractor) };
  });
}
