// GET /app/campaigns/<id>/members.csv: the campaign's members and outcomes. Customers by GID only:
// no names or e-mails (less than the marketing export, decision 16), so the file is for analysis.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireShop } from "../auth.server";
import { campaignOf, membersForCsv } from "../campaigns/campaigns.server";
import { toCsv } from "../metrics/csv";
import db from "../platform/db/client.server";
import { formatMinorUnits } from "../platform/money";
import { csvResponse } from "../platform/http/responses";

const CAMPAIGN_ID = /^[0-9a-f-]{36}$/;

const COLUMNS = [
  "customer_id",
  "group",
  "entered_at",
  "window_ends_at",
  "offer_status",
  "converted_order_id",
  "converted_at",
  "net_revenue",
  "offer_redeemed",
  "offer_cost",
];

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const found = CAMPAIGN_ID.test(params.id ?? "") ? await campaignOf(shop, params.id!) : null;
  if (!found) return new Response("no such campaign", { status: 404 });
  const [{ currency }, members] = await Promise.all([
    db.shop.findUniqueOrThrow({ where: { domain: shop }, select: { currency: true } }),
    membersForCsv(found.campaign.id),
  ]);
  const csv = toCsv(
    COLUMNS,
    members.map((m) => [
      m.customerGid,
      m.armId,
      m.enteredAt.toISOString(),
      m.windowEndsAt.toISOString(),
      m.offerStatus,
      m.convertedOrderGid,
      m.convertedAt?.toISOString() ?? null,
      formatMinorUnits(m.netRevenue, currency),
      m.offerRedeemed ? "yes" : "no",
      formatMinorUnits(m.offerCost, currency),
    ]),
  );
  const response = csvResponse(csv, `comeback-campaign-${found.campaign.id.slice(0, 8)}-members.csv`);
  response.headers.set("X-Row-Count", String(members.length));
  return response;
};
