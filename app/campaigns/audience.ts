// A campaign's audience: a rule over what the app already knows of each customer, evaluated over
// the customers list's rows (app/customers/list.ts: segment, P(alive), churn risk, predicted CLV,
// orders, how overdue the next expected order is, e-mail consent) and the members' standings and
// balances the list caches. No database and no model here: the same rows the merchant filters on
// the Customers page, so a preview count and the list agree. Every condition given must hold.
import { z } from "zod";
import { SEGMENTS } from "../metrics/segments";
import { RISKS, type CustomerRow, type MemberStanding } from "../customers/list";

const range = (schema: z.ZodNumber) =>
  z
    .object({ min: schema.optional(), max: schema.optional() })
    .strict()
    .refine((r) => r.min === undefined || r.max === undefined || r.min <= r.max, { error: "min is above max" });

const count = z.number().int().min(0).max(1_000_000_000);

export const audienceRule = z
  .object({
    risks: z.array(z.enum(RISKS)).max(RISKS.length).optional(),
    /** P(alive), 0 to 1. */
    pAlive: range(z.number().min(0).max(1)).optional(),
    /** Predicted 12-month CLV, minor units of the shop currency. */
    predictedClv: range(z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)).optional(),
    segments: z.array(z.enum(SEGMENTS)).max(SEGMENTS.length).optional(),
    /** Tier ids of the program; only members who earn (not held out) have one. */
    tiers: z.array(z.string().min(1).max(100)).max(50).optional(),
    /** Available points. */
    points: range(count).optional(),
    /** Days past the customer's own expected next-order date (0 while it has not passed). */
    overdueDays: range(count).optional(),
    orders: range(count).optional(),
    /** member: in the program and earning; not_member: not enrolled (held-out members are neither). */
    membership: z.enum(["member", "not_member"]).optional(),
    /** true: only customers subscribed to e-mail marketing. */
    emailConsent: z.boolean().optional(),
  })
  .strict();

export type AudienceRule = z.output<typeof audienceRule>;

/** The rule stored with a campaign, checked again on every read: a bad row enters nobody. */
export function parseAudience(text: string): AudienceRule {
  return audienceRule.parse(JSON.parse(text));
}

/** What the rule reads besides the rows: members by row position and available points by GID. */
export interface AudienceContext {
  members: ReadonlyArray<MemberStanding | undefined>;
  points: ReadonlyMap<string, number>;
}

/** Whether the rule needs the members' standings or balances (reading them costs a query). */
export function needsLoyalty(rule: AudienceRule): boolean {
  return Boolean(rule.tiers?.length || rule.membership || rule.points);
}

const within = (value: number | null, r: { min?: number; max?: number } | undefined) =>
  !r || (value !== null && (r.min === undefined || value >= r.min) && (r.max === undefined || value <= r.max));

/** The row test of a rule; `position` is the row's place in the rows the context was built for. */
export function audienceMatcher(
  rule: AudienceRule,
  context: AudienceContext | null,
): (row: CustomerRow, position: number) => boolean {
  if (needsLoyalty(rule) && !context) throw new Error("this audience needs the members and their points");
  const risks = rule.risks?.length ? new Set<string>(rule.risks) : null;
  const segments = rule.segments?.length ? new Set<string>(rule.segments) : null;
  const tiers = rule.tiers?.length ? new Set(rule.tiers) : null;
  return (row, position) => {
    if (risks && !(row.risk && risks.has(row.risk))) return false;
    if (segments && !(row.segment && segments.has(row.segment))) return false;
    if (!within(row.pAlive, rule.pAlive)) return false;
    if (!within(row.predictedClv, rule.predictedClv)) return false;
    if (!within(row.orders, rule.orders)) return false;
    if (!within(row.overdueDays, rule.overdueDays)) return false;
    if (rule.emailConsent && !row.emailMarketing) return false;
    if (context && (tiers || rule.membership || rule.points)) {
      const member = context.members[position];
      const earning = member !== undefined && !member.heldOut;
      if (rule.membership === "member" && !earning) return false;
      if (rule.membership === "not_member" && member) return false;
      if (tiers && !(earning && member.tierId && tiers.has(member.tierId))) return false;
      if (rule.points && !within(earning ? (context.points.get(row.gid) ?? 0) : null, rule.points)) return false;
    }
    return true;
  };
}

/** The GIDs of the rows the rule selects, leaving out `excluded` (customers in a campaign or cooling down). */
export function selectAudience(
  rows: readonly CustomerRow[],
  rule: AudienceRule,
  context: AudienceContext | null,
  excluded: ReadonlySet<string> = new Set(),
): string[] {
  const matches = audienceMatcher(rule, context);
  const selected: string[] = [];
  for (let i = 0; i < rows.length; i++) if (matches(rows[i], i) && !excluded.has(rows[i].gid)) selected.push(rows[i].gid);
  return selected;
}
