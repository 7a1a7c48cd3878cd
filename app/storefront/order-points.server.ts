// GET /account/api/order: an order's points for the signed-in customer, from their own entries only.
import db from "../platform/db/client.server";
import { entryFromRow } from "../loyalty/store.server";
import { orderPoints } from "./order-points";

export async function storefrontOrderPoints(shopDomain: string, customerGid: string, orderGid: string, now = new Date()) {
  const rows = await db.ledgerEntry.findMany({
    where: { shopDomain, memberGid: customerGid, orderGid },
    orderBy: { id: "asc" },
  });
  return orderPoints(rows.map(entryFromRow), now);
}
