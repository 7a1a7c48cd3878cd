import { describe, expect, it } from "vitest";
import { clientAddress, isJsonRequest, loggedInCustomerGid, MAX_CLOCK_SKEW_SECONDS, proxyFreshness } from "./proxy-request";

const now = new Date("2026-12-01T10:00:00Z");
const seconds = now.getTime() / 1000;
const query = (fields: Record<string, string | string[]>) => {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) for (const one of [value].flat()) params.append(key, one);
  return params;
};

describe("proxyFreshness", () => {
  it("is fresh within the allowed skew either way, stale beyond it", () => {
    expect(proxyFreshness(query({ signature: "ab", timestamp: String(seconds) }), now)).toBe("fresh");
    expect(proxyFreshness(query({ signature: "ab", timestamp: String(seconds - MAX_CLOCK_SKEW_SECONDS) }), now)).toBe("fresh");
    expect(proxyFreshness(query({ signature: "ab", timestamp: String(seconds + MAX_CLOCK_SKEW_SECONDS) }), now)).toBe("fresh");
    expect(proxyFreshness(query({ signature: "ab", timestamp: String(seconds - MAX_CLOCK_SKEW_SECONDS - 1) }), now)).toBe(
      "stale",
    );
    expect(proxyFreshness(query({ signature: "ab", timestamp: String(seconds + 3600) }), now)).toBe("stale");
  });

  it("is unsigned without exactly one signature and one numeric timestamp", () => {
    expect(proxyFreshness(query({ timestamp: String(seconds) }), now)).toBe("unsigned");
    expect(proxyFreshness(query({ signature: "ab" }), now)).toBe("unsigned");
    expect(proxyFreshness(query({ signature: "ab", timestamp: "soon" }), now)).toBe("unsigned");
    expect(proxyFreshness(query({ signature: "ab", timestamp: [String(seconds), String(seconds)] }), now)).toBe("unsigned");
    expect(proxyFreshness(query({ signature: ["ab", "cd"], timestamp: String(seconds) }), now)).toBe("unsigned");
  });
});

describe("loggedInCustomerGid", () => {
  it("keeps ids beyond 2^53 exact", () => {
    expect(loggedInCustomerGid(query({ logged_in_customer_id: "9007199254740993123" }))).toBe(
      "gid://shopify/Customer/9007199254740993123",
    );
  });

  it("is null for a guest, a repeated or a malformed id", () => {
    expect(loggedInCustomerGid(query({ logged_in_customer_id: "" }))).toBeNull();
    expect(loggedInCustomerGid(query({}))).toBeNull();
    expect(loggedInCustomerGid(query({ logged_in_customer_id: ["1", "2"] }))).toBeNull();
    expect(loggedInCustomerGid(query({ logged_in_customer_id: "gid://shopify/Customer/1" }))).toBeNull();
  });
});

describe("isJsonRequest", () => {
  it("accepts JSON with or without a charset, nothing else", () => {
    expect(isJsonRequest("application/json")).toBe(true);
    expect(isJsonRequest("Application/JSON; charset=utf-8")).toBe(true);
    expect(isJsonRequest("text/plain")).toBe(false);
    expect(isJsonRequest("application/x-www-form-urlencoded")).toBe(false);
    expect(isJsonRequest("application/jsonp")).toBe(false);
    expect(isJsonRequest(null)).toBe(false);
  });
});

describe("clientAddress", () => {
  const address = (forwardedFor: string, hostProxies = 1) =>
    clientAddress(new Headers({ "X-Forwarded-For": forwardedFor }), hostProxies);

  it("is the entry Shopify wrote: before those the host's proxies appended", () => {
    expect(address("203.0.113.7, 10.0.0.1")).toBe("203.0.113.7");
    expect(address("203.0.113.7, 10.0.0.1, 10.0.0.2", 2)).toBe("203.0.113.7");
    expect(address("203.0.113.7", 0)).toBe("203.0.113.7");
    expect(address("2001:db8::1, 10.0.0.1")).toBe("2001:db8::1");
  });

  it("ignores whatever the client put before it, so rotating that changes nothing", () => {
    expect(address("198.51.100.1, 203.0.113.7, 10.0.0.1")).toBe("203.0.113.7");
    expect(address("1.1.1.1, 2.2.2.2, 203.0.113.7, 10.0.0.1")).toBe("203.0.113.7");
    expect(address("spoofed, 203.0.113.7", 0)).toBe("203.0.113.7");
  });

  it("takes the first entry of a list shorter than the host's proxies (no client entries in it)", () => {
    expect(address("203.0.113.7")).toBe("203.0.113.7");
  });

  it("is null without the header", () => {
    expect(clientAddress(new Headers(), 1)).toBeNull();
    expect(address(" ")).toBeNull();
    expect(address(" , ")).toBeNull();
  });
});
