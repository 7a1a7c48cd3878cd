import { PassThrough } from "node:stream";
import { renderToPipeableStream } from "react-dom/server";
import { RemixServer } from "@remix-run/react";
import { createReadableStreamFromReadable, type EntryContext } from "@remix-run/node";
import { isbot } from "isbot";
import { closeIfBodyRefused } from "./platform/http/body.server";
import { addDocumentResponseHeaders } from "./shopify.server";
import { startWorker, stopWorker } from "./worker/worker.server";

export const streamTimeout = 5000;

// The production server (server.mjs) answers POST /webhooks with these, before Remix, from this
// same build: one database client, one cache, one worker per process.
export { isWebhookRequest, serveWebhook } from "./sync/webhook-endpoint.server";
// ...and stops the worker itself on SIGTERM and SIGINT, after the last request.
export { stopWorker };

// Each app instance retries stored webhook events and runs history imports in the background.
startWorker();

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
) {
  addDocumentResponseHeaders(request, responseHeaders);
  closeIfBodyRefused(responseStatusCode, responseHeaders);
  const callbackName = isbot(request.headers.get("user-agent") ?? "") ? "onAllReady" : "onShellReady";

  return new Promise((resolve, reject) => {
    const { pipe, abort } = renderToPipeableStream(<RemixServer context={remixContext} url={request.url} />, {
      [callbackName]: () => {
        const body = new PassThrough();
        const stream = createReadableStreamFromReadable(body);
        responseHeaders.set("Content-Type", "text/html");
        resolve(new Response(stream, { headers: responseHeaders, status: responseStatusCode }));
        pipe(body);
      },
      onShellError(error) {
        reject(error);
      },
      onError(error) {
        responseStatusCode = 500;
        console.error(error);
      },
    });
    setTimeout(abort, streamTimeout + 1000);
  });
}

/** Single fetch's answers (`.data`) to a page's loaders and actions. */
export function handleDataRequest(response: Response) {
  closeIfBodyRefused(response.status, response.headers);
  return response;
}
