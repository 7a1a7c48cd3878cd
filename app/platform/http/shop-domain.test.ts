import { describe, expect, it } from "vitest";
import { isShopDomain, loginShop, shopProblem } from "./shop-domain";

const payload = (fields: Record<string, unknown>) => `x.${Buffer.from(JSON.stringify(fields)).toString("base64url")}.sig`;

describe("isShopDomain", () => {
  it("is one DNS label and .myshopify.com, nothing else", () => {
    for (const shop of ["my-shop.myshopify.com", "a.myshopify.com", "Shop1.myshopify.com"])
      expect(isShopDomain(shop), shop).toBe(true);
    for (const shop of [
      "evil.example.com",
      "https://my-shop.myshopify.com",
      "my-shop.myshopify.com.evil.com",
      "a.b.myshopify.com",
      "-a.myshopify.com",
      "my_shop.myshopify.com",
      `${"a".repeat(64)}.myshopify.com`,
      "shop.myshopify.com\0",
      "",
      null,
      undefined,
    ]) {
      expect(isShopDomain(shop), JSON.stringify(shop)).toBe(false);
    }
  });
});

describe("loginShop", () => {
  it("completes a bare name and drops https:// and a trailing slash, as Shopify's library does", () => {
    expect(loginShop("my-shop")).toBe("my-shop.myshopify.com");
    expect(loginShop(" https://my-shop.myshopify.com/ ")).toBe("my-shop.myshopify.com");
    expect(loginShop("evil.example.com")).toBeNull();
    expect(loginShop("evil\0")).toBeNull();
  });
});

describe("shopProblem", () => {
  const request = (query: string, token?: string) =>
    new Request(`https://app.example/app${query}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });

  it("refuses a shop parameter that is no shop domain, or more than one", () => {
    expect(shopProblem(request("?shop=evil.example.com"))).toBe("shop");
    expect(shopProblem(request("?shop="))).toBe("shop");
    expect(shopProblem(request("?shop=a.myshopify.com&shop=b.myshopify.com"))).toBe("shop");
    expect(shopProblem(request("?shop=a.myshopify.com"))).toBeNull();
    expect(shopProblem(request(""))).toBeNull();
  });

  it("refuses a session token whose dest is not https://<shop domain>, in the header or as id_token", () => {
    expect(shopProblem(request("", payload({ dest: "https://evil.example.com" })))).toBe("dest");
    expect(shopProblem(request("", payload({ dest: "https://a.myshopify.com/admin" })))).toBe("dest");
    expect(shopProblem(request("", payload({})))).toBe("dest");
    expect(shopProblem(request(`?id_token=${payload({ dest: "not a url" })}`))).toBe("dest");
    expect(shopProblem(request("", payload({ dest: "https://a.myshopify.com" })))).toBeNull();
  });

  it("leaves a token that is no JWT to the library (which refuses it as unauthenticated)", () => {
    expect(shopProblem(request("", "garbage"))).toBeNull();
    expect(shopProblem(request("", "a.!!!.c"))).toBeNull();
  });
});
