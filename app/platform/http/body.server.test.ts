import { describe, expect, it } from "vitest";
import { closeIfBodyRefused, readBodyBytes, readBodyJson, readBodyText, readFormData } from "./body.server";

/** A chunked request body: `chunks` pieces of `size` bytes, counting how many were pulled. */
function streamed(chunks: number, size: number, headers: Record<string, string> = {}) {
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled === chunks) return controller.close();
      pulled++;
      controller.enqueue(new Uint8Array(size).fill(32));
    },
  });
  const request = new Request("https://app.example/x", { method: "POST", body, headers, duplex: "half" } as RequestInit);
  return { request, pulled: () => pulled };
}

describe("readBodyBytes", () => {
  it("reads a body up to the cap exactly", async () => {
    const { request } = streamed(4, 1024);
    expect((await readBodyBytes(request, 4096)).byteLength).toBe(4096);
  });

  it("stops pulling a chunked body once it is over the cap and throws a 413 with Connection: close", async () => {
    const { request, pulled } = streamed(20 * 16, 64 * 1024);
    const refusal = await readBodyBytes(request, 100 * 1024).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(Response);
    const response = refusal as Response;
    expect([response.status, response.headers.get("Connection"), await response.json()]).toEqual([
      413,
      "close",
      { error: "body_too_large", maxBytes: 102400 },
    ]);
    expect(pulled()).toBeLessThanOrEqual(4);
  });

  it("refuses an announced Content-Length over the cap without reading", async () => {
    const { request, pulled } = streamed(1, 10, { "Content-Length": "5000" });
    await expect(readBodyBytes(request, 4096)).rejects.toBeInstanceOf(Response);
    expect(pulled()).toBeLessThanOrEqual(1);
  });
});

describe("readBodyText, readBodyJson, readFormData", () => {
  const post = (body: string, contentType: string) =>
    new Request("https://app.example/x", { method: "POST", body, headers: { "Content-Type": contentType } });

  it("decode the capped bytes", async () => {
    expect(await readBodyText(post("ä€", "text/plain"), 100)).toBe("ä€");
    expect(await readBodyJson(post('{"a":1}', "application/json"))).toEqual({ a: 1 });
    expect(await readBodyJson(post("{ a:", "application/json"))).toBeUndefined();
    expect((await readFormData(post("points=5&reason=x", "application/x-www-form-urlencoded"))).get("points")).toBe("5");
  });
});

describe("closeIfBodyRefused", () => {
  it("closes the connection behind a 413 only", () => {
    const refused = new Headers();
    closeIfBodyRefused(413, refused);
    expect(refused.get("Connection")).toBe("close");
    const other = new Headers();
    closeIfBodyRefused(400, other);
    expect(other.get("Connection")).toBeNull();
  });
});
