// When each order was first fulfilled: written by the fulfilment webhooks in the delivery's own
// SQL batch (app/sync/topics.server.ts). A later fulfilment of the same order changes nothing.
import { insertRows, type SqlRunner } from "../platform/sql/rows.server";

export function recordFulfilment(runner: SqlRunner, shopDomain: string, orderGid: string, fulfilledAt: Date) {
  return insertRows(
    runner,
    "OrderFulfillment",
    [
      ["shopDomain", "text"],
      ["orderGid", "text"],
      ["fulfilledAt", "time"],
    ],
    [[shopDomain, orderGid, fulfilledAt]],
    `ON CONFLICT ("shopDomain", "orderGid") DO NOTHING`,
  );
}
