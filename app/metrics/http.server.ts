// What the metrics routes share: the shop from the admin session, the query, and clear 4xx answers.
import { requireShop } from "../auth.server";
import { json } from "../platform/http/responses";
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
    if (error instanceof MetricsQueryError) return json({ error: error.message }, 400);
    if (error instanceof ShopNotFoundError) return json({ error: error.message }, 404);
    throw error;
  }
}
