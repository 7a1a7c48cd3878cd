// Flow's "Customer survey ready" (docs/flow.md, docs/feedback.md): each survey that becomes due is
// queued once, with its signed link, for shops with an enabled workflow on the trigger, so that the
// merchant's Shopify Email or Klaviyo flow can send it. A worker chore: each run looks at the surveys
// that became due since this instance's previous run (with an overlap, and two days back on its
// first run); the idempotency key per order makes the overlap and several instances harmless.
import db from "../platform/db/client.server";
import { FLOW_TRIGGERS } from "../delivery/flow-triggers";
import { queueFlowTrigger } from "../delivery/flow.server";
import { signedSurveyUrl } from "./link.server";
import { chunks, FLOW_SURVEY_NAME, loadSurveySettings, surveysDue } from "./surveys.server";

const FIRST_LOOKBACK_MS = 2 * 86_400_000;
const OVERLAP_MS = 10 * 60_000;
let previousRun: number | null = null;

/** Queues the surveys that became due since the previous run; returns how many were queued. */
export async function queueReadySurveys(now = new Date()): Promise<number> {
  const from = new Date(previousRun === null ? now.getTime() - FIRST_LOOKBACK_MS : previousRun - OVERLAP_MS);
  previousRun = now.getTime();
  const uses = await db.flowTriggerUse.findMany({
    where: { trigger: FLOW_TRIGGERS.surveyReady.handle, enabled: true },
    select: { shopDomain: true },
  });
  let queued = 0;
  for (const { shopDomain } of uses) {
    const surveys = await loadSurveySettings(shopDomain);
    if (!surveys.settings.enabled) continue;
    const due = (await surveysDue(shopDomain, surveys, from, now)).filter((survey) => survey.closesAt > now);
    const answered = new Set<string>();
    for (const gids of chunks(
      due.map((survey) => survey.orderGid),
      500,
    )) {
      const rows = await db.feedbackAnswer.findMany({
        where: { shopDomain, orderGid: { in: gids } },
        select: { orderGid: true },
      });
      for (const row of rows) answered.add(row.orderGid);
    }
    const events = due
      .filter((survey) => !answered.has(survey.orderGid))
      .map((survey) => ({
        shopDomain,
        trigger: "surveyReady" as const,
        customerGid: survey.customerGid,
        payload: {
          surveyName: FLOW_SURVEY_NAME,
          surveyUrl: signedSurveyUrl({
            shop: shopDomain,
            customerGid: survey.customerGid,
            orderGid: survey.orderGid,
            expiresAt: survey.closesAt,
          }),
          expiresAt: survey.closesAt.toISOString(),
        },
        idempotencyKey: `feedback:${survey.orderGid}:ready`,
      }));
    // One statement each; queueFlowTriggers (many per statement) replaces this loop once merged.
    for (const event of events) if ((await queueFlowTrigger(db, event)) === "queued") queued++;
  }
  return queued;
}
