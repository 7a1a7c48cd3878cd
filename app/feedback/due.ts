// When an order's survey is open: from `delayDays` after the order or its first fulfilment, for
// `openDays`. Orders due before surveys were (last) turned on were never asked and stay out of
// every figure, so the response rate counts only surveys that were really offered.
import type { FeedbackSettings } from "./settings";

const DAY_MS = 86_400_000;

export interface SurveyWindow {
  dueAt: Date;
  closesAt: Date;
}

export interface SurveyOrder {
  processedAt: Date | null;
  fulfilledAt: Date | null;
}

export function surveyWindow(settings: FeedbackSettings, enabledAt: Date | null, order: SurveyOrder): SurveyWindow | null {
  const start = settings.trigger === "order" ? order.processedAt : order.fulfilledAt;
  if (!start || !enabledAt) return null;
  const dueAt = new Date(start.getTime() + settings.delayDays * DAY_MS);
  if (dueAt < enabledAt) return null;
  return { dueAt, closesAt: new Date(dueAt.getTime() + settings.openDays * DAY_MS) };
}

/** The window's state at `now`. */
export function windowState(window: SurveyWindow | null, now: Date): "not_asked" | "not_due" | "open" | "closed" {
  if (!window) return "not_asked";
  if (now < window.dueAt) return "not_due";
  return now < window.closesAt ? "open" : "closed";
}

/** A changed answer within this long of the first one replaces it; after that the answer stands. */
export const CHANGE_WINDOW_MS = DAY_MS;

/** An open survey as the storefront and the customer account list it. */
export interface PendingSurvey {
  orderGid: string;
  orderName: string | null;
  dueAt: string;
  closesAt: string;
  /** The signed link to the survey page (valid until closesAt). */
  url: string;
}
