import { describe, expect, it } from "vitest";
import { csvResponse, json } from "./responses";

describe("json", () => {
  it("writes bigints as decimal text and is never cached", async () => {
    const response = json({ points: 12n, value: 2n ** 64n }, 400, { Connection: "close" });
    expect(response.status).toBe(400);
    expect(response.headers.get("Content-Type")).toBe("application/json");
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect(response.headers.get("Connection")).toBe("close");
    expect(await response.text()).toBe('{"points":"12","value":"18446744073709551616"}');
  });
});

describe("csvResponse", () => {
  it("is a download under the given name, never cached", async () => {
    const response = csvResponse("a,b\n1,2\n", "customers.csv");
    expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("Content-Disposition")).toBe('attachment; filename="customers.csv"');
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect(await response.text()).toBe("a,b\n1,2\n");
  });
});
