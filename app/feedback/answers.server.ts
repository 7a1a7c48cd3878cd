// A customer's stored answers (the admin's customer page, customers/data_request). Kept apart
// from surveys.server.ts so that the webhook path's compliance code imports only the database.
import db, { type Tx } from "../platform/db/client.server";

/** A customer's answers, newest first. */
export function customerAnswers(shopDomain: string, customerGid: string, client: typeof db | Tx = db) {
  return client.feedbackAnswer.findMany({ where: { shopDomain, customerGid }, orderBy: { firstAnsweredAt: "desc" } });
}
