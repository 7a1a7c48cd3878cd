// GET /app/metrics/customers.csv: every customer with a counted order, segment, P(alive), CLV.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { customersCsv } from "../metrics/csv";
import { csvResponse } from "../platform/http/responses";
import { forShop } from "../metrics/http.server";
import { customerMetrics } from "../metrics/metrics.server";

export const loader = ({ request }: LoaderFunctionArgs) =>
  forShop(request, async (shop) => {
    const { shop: details, rows } = await customerMetrics(shop);
    return csvResponse(customersCsv(rows, details.currency), "customers.csv");
  });
