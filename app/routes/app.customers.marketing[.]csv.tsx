// GET /app/customers/marketing.csv?<the list's query>: the customers the list shows for that
// query who accepted e-mail marketing, with name and e-mail, for a mailing tool
// (docs/decisions/0016-marketing-export.md). The analysis export is /app/customers.csv.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireShop } from "../auth.server";
import { marketingCsv } from "../customers/exports";
import { exportMarketing } from "../customers/list.server";
import { exportListQuery } from "../customers/list";
import { csvResponse } from "../platform/http/responses";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const query = exportListQuery(request);
  const { fileName, rows } = await exportMarketing(shop, query);
  const response = csvResponse(marketingCsv(rows), fileName);
  response.headers.set("X-Row-Count", String(rows.length));
  return response;
};
