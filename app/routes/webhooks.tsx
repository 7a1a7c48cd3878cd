// Every webhook topic, the compliance topics included, is delivered here (shopify.app.toml). In
// production the server answers POST /webhooks before Remix (server.mjs); this route serves the
// same deliveries under `shopify app dev`, through the same function.
import type { ActionFunctionArgs } from "@remix-run/node";
import { readBodyBytes } from "../platform/http/body.server";
import { MAX_WEBHOOK_BYTES, receiveWebhook, refuseBeforeBody, type WebhookHeader } from "../sync/webhooks.server";

export const action = async ({ request }: ActionFunctionArgs) => {
  if (request.method !== "POST") return Response.json({ error: "webhooks are POST requests" }, { status: 405 });
  const header: WebhookHeader = (name) => request.headers.get(name);
  // Over the cap, readBodyBytes throws the 413 Response, which Remix sends.
  const { status, body } =
    refuseBeforeBody(header) ?? (await receiveWebhook(header, await readBodyBytes(request, MAX_WEBHOOK_BYTES)));
  return Response.json(body, { status });
};

export const loader = () => new Response("webhooks are POST requests", { status: 405 });
