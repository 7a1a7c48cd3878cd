// What the metrics routes share: the shop from the admin session, the query, and clear 4xx answers.
import { requireShop } from "../auth.server";
import { ShopNotFoundError } from "./facts.server";
import { MetricsQueryError } from "./periods";
import type { DashboardQuery } from "./metrics.server";

export function dashboardQuery(request: Request): DashboardQuery {
  const params = new URL(request.url).searchParams;
  return { from: params.get("from"), to: params.get("to"), preset: params.get("preset") };
}

/** Runs `work` for the authenticated shop; bad dates are a 400 and an unknown shop a 404. */
export async function forShop(request: Request, work: (shop: string) => Promise<Response>): Promise<Response> {
  const { shop } = await requireShop(request);
  try {
    return await work(shop);
  } catch (error) {
    if (error instanceof MetricsQueryError) return Response.json({ error: error.message }, { status: 400 });
    if (error instanceof ShopNotFoundError) return Response.json({ error: error.message }, { status: 404 });
    throw error;
  }
}

export function csvResponse(body: string, fileName: string): Response {
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${fileName}"`,
      "Cache-Control": "no-store",
    },
  });
}
