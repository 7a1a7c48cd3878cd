// POST /webhooks on node's own request, before Express, compression and Remix (server.mjs calls
// this): those layers cost as much CPU as the delivery itself. The checks and the answers are
// receiveWebhook's, shared with the Remix route; only the reading of the body is this server's.
// See docs/decisions/0022-webhook-fast-path.md.
import type { IncomingMessage, ServerResponse } from "node:http";
import { bodyTooLarge } from "../platform/http/body.server";
import { log } from "../platform/log.server";
import { MAX_WEBHOOK_BYTES, receiveWebhook, refuseBeforeBody, type WebhookHeader } from "./webhooks.server";

/** Whether the request is for the webhook endpoint (its path, with or without a query). */
export function isWebhookRequest(url: string | undefined): boolean {
  return url === "/webhooks" || url?.startsWith("/webhooks?") === true;
}

/** Answers a request for /webhooks; resolves once the answer is sent. */
export async function serveWebhook(request: IncomingMessage, response: ServerResponse): Promise<void> {
  try {
    if (request.method !== "POST") {
      send(response, 405, { error: "webhooks are POST requests" }, { Allow: "POST" });
      return;
    }
    const header: WebhookHeader = (name) => {
      const value = request.headers[name];
      return Array.isArray(value) ? value.join(", ") : value;
    };
    const refused = refuseBeforeBody(header);
    if (refused) return send(response, refused.status, refused.body);
    const body = await readCapped(request, MAX_WEBHOOK_BYTES);
    if (body === "gone") return;
    if (body === "too large") {
      // The same 413 as every Remix route's (Connection: close: the rest of the body stays unread).
      const refusal = bodyTooLarge(MAX_WEBHOOK_BYTES);
      response.writeHead(refusal.status, Object.fromEntries(refusal.headers));
      response.end(await refusal.text());
      return;
    }
    const answer = await receiveWebhook(header, body);
    send(response, answer.status, answer.body);
  } catch (error) {
    // Nothing was acknowledged: Shopify retries, and whatever was stored is retried by the worker.
    log.error("webhook delivery failed", { error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    if (!response.headersSent) send(response, 500, { error: "internal error" });
    else response.destroy();
  }
}

function send(response: ServerResponse, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  // Set apart so that the server's log line can read it back (writeHead's headers cannot be).
  response.setHeader("Content-Length", Buffer.byteLength(text));
  response.writeHead(status, { "Content-Type": "application/json", ...headers });
  response.end(text);
}

/**
 * The body, or "too large" as soon as more than `maxBytes` are announced or arrive (the rest is
 * never read), or "gone" when the client went away before sending all of it.
 */
function readCapped(request: IncomingMessage, maxBytes: number): Promise<Buffer | "too large" | "gone"> {
  if (Number(request.headers["content-length"] ?? 0) > maxBytes) return Promise.resolve("too large");
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (outcome: "too large" | "gone") => {
      request.off("data", onData).off("end", onEnd).pause();
      resolve(outcome);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > maxBytes) stop("too large");
      else chunks.push(chunk);
    };
    const onEnd = () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    request.on("data", onData).on("end", onEnd);
    request.once("error", () => stop("gone"));
    request.once("close", () => {
      if (!request.complete) stop("gone");
    });
  });
}
