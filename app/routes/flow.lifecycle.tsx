// Shopify Flow's trigger lifecycle callback (extensions/flow-lifecycle/shopify.extension.toml):
// signed with the app's secret like a webhook, answered within Flow's five seconds.
import type { ActionFunctionArgs } from "@remix-run/node";
import { MAX_LIFECYCLE_BYTES, receiveLifecycleCallback } from "../delivery/flow-lifecycle.server";
import { readBodyBytes } from "../platform/http/body.server";
import { json } from "../platform/http/responses";

export const action = async ({ request }: ActionFunctionArgs) => {
  if (request.method !== "POST") return json({ error: "lifecycle callbacks are POST requests" }, 405);
  const hmac = request.headers.get("x-shopify-hmac-sha256");
  // Unsigned requests are refused before their body is read.
  if (!hmac) return json({ error: "missing HMAC signature" }, 401);
  const { status, body } = await receiveLifecycleCallback(hmac, await readBodyBytes(request, MAX_LIFECYCLE_BYTES));
  return json(body, status);
};

export const loader = () => new Response("lifecycle callbacks are POST requests", { status: 405 });
