// Request bodies read with a byte cap, for every route that reads one (webhooks, the App Proxy,
// the admin's JSON API and form actions). The cap counts the bytes actually read, so a chunked
// body (no Content-Length) or one that lies about its length is stopped at the cap too: reading
// ends there, the rest is never read or buffered, and the answer is 413 with `Connection: close`
// (the unread rest makes the connection unusable). The 413 is thrown as a Response, as Remix routes
// and Shopify's authenticate.* do: a route that does not catch it answers with it. Node closes
// the connection right after that answer, with the rest unread, so a client still writing may see
// a connection reset before it reads the 413; reading the rest instead would let any client make
// the app read for as long as it likes.

import { json } from "./responses";

/** The admin's pages and JSON API: a program with a hundred tiers and rewards is far below this. */
export const MAX_ADMIN_BODY_BYTES = 256 * 1024;

/**
 * Remix rebuilds the response to a page's form post from a thrown 413 (a document, or single
 * fetch's `.data`) without its headers: entry.server.tsx puts `Connection: close` back with this.
 */
export function closeIfBodyRefused(status: number, headers: Headers): void {
  if (status === 413) headers.set("Connection", "close");
}

/** The 413 for a body over `maxBytes`. */
export function bodyTooLarge(maxBytes: number): Response {
  return json({ error: "body_too_large", maxBytes }, 413, { Connection: "close" });
}

/** The body's bytes; throws the 413 Response once more than `maxBytes` arrive (or are announced). */
export async function readBodyBytes(request: Request, maxBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  if (Number(request.headers.get("Content-Length") ?? 0) > maxBytes) throw bodyTooLarge(maxBytes);
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      // Not cancel(): that destroys the socket before the 413 is sent. Left unread, the rest
      // stays in the network's buffers until the server closes the connection after the answer.
      reader.releaseLock();
      throw bodyTooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** The body as UTF-8 text, capped as readBodyBytes. */
export async function readBodyText(request: Request, maxBytes: number): Promise<string> {
  return Buffer.from(await readBodyBytes(request, maxBytes)).toString("utf8");
}

/** The body parsed as JSON, capped as readBodyBytes; undefined when it is not JSON (JSON itself never is). */
export async function readBodyJson(request: Request, maxBytes = MAX_ADMIN_BODY_BYTES): Promise<unknown> {
  const text = await readBodyText(request, maxBytes);
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A form post (URL-encoded or multipart), capped as readBodyBytes; `request.formData()` without the cap. */
export async function readFormData(request: Request, maxBytes = MAX_ADMIN_BODY_BYTES): Promise<FormData> {
  const body = await readBodyBytes(request, maxBytes);
  return new Request(request.url, {
    method: "POST",
    headers: { "Content-Type": request.headers.get("Content-Type") ?? "" },
    body,
  }).formData();
}
