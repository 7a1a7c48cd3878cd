import { describe, expect, it } from "vitest";
import { signLink, surveyUrl, verifyLink } from "./link";

const key = Buffer.alloc(32, 7);
const now = new Date("2026-12-07T10:00:00Z");
const link = {
  shop: "a-shop.myshopify.com",
  customerGid: "gid://shopify/Customer/9100000000000000001",
  orderGid: "gid://shopify/Order/7000000000000000001",
  expiresAt: new Date("2026-12-20T00:00:00Z"),
};

describe("signed survey links", () => {
  it("open their own order's survey until they expire", () => {
    const token = signLink(key, link);
    expect(token).toMatch(/^7000000000000000001\.9100000000000000001\.\d+\.[\w-]{43}$/);
    expect(verifyLink(key, link.shop, token, now)).toEqual(link);
    expect(verifyLink(key, link.shop, token, link.expiresAt)).toBe("expired_link");
    expect(surveyUrl(link.shop, token)).toBe(`https://a-shop.myshopify.com/apps/comeback/survey?t=${token}`);
  });

  it("refuse another customer, order, shop, expiry or key", () => {
    const token = signLink(key, link);
    const [order, customer, expires, signature] = token.split(".");
    const refused = [
      `${order}.9100000000000000002.${expires}.${signature}`,
      `7000000000000000002.${customer}.${expires}.${signature}`,
      `${order}.${customer}.${Number(expires) + 86_400}.${signature}`,
      `${order}.${customer}.${expires}.${signature.slice(0, -1)}A`,
      "",
      "garbage",
    ];
    for (const tampered of refused) expect(verifyLink(key, link.shop, tampered, now)).toBe("invalid_link");
    expect(verifyLink(key, "other-shop.myshopify.com", token, now)).toBe("invalid_link");
    expect(verifyLink(Buffer.alloc(32, 8), link.shop, token, now)).toBe("invalid_link");
    // An expired link whose expiry was moved is invalid, not expired: the signature is checked first.
    expect(verifyLink(key, link.shop, null, now)).toBe("invalid_link");
  });
});
