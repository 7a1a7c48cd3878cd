// GET /app/customers.csv?<the list's query>: every customer the list shows for that query, in its
// order, all pages. No names or e-mail addresses (docs/decisions/0011-customers-list.md).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireShop } from "../auth.server";
import { exportFileName } from "../customers/exports";
import { exportCustomers } from "../customers/list.server";
import { exportListQuery } from "../customers/list";
import { money, toCsv } from "../metrics/csv";
import { csvResponse } from "../platform/http/responses";

const CUSTOMER_LIST_COLUMNS = [
  "customer_gid",
  "segment",
  "orders",
  "net_spend",
  "last_order",
  "p_alive",
  "predicted_clv_12m",
  "churn_risk",
  "points",
  "tier",
];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const query = exportListQuery(request);
  const { shop: details, rows } = await exportCustomers(shop, query);
  const body = toCsv(
    CUSTOMER_LIST_COLUMNS,
    rows.map((row) => [
      row.gid,
      row.segment,
      row.orders,
      money(row.netSpend, details.currency),
      row.lastOrder,
      row.pAlive === null ? null : row.pAlive.toFixed(4),
      money(row.predictedClv, details.currency),
      row.risk,
      row.points,
      row.tier,
    ]),
  );
  const response = csvResponse(body, exportFileName("customers", query, details.today));
  response.headers.set("X-Row-Count", String(rows.length));
  return response;
};
