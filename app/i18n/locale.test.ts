import { describe, expect, it } from "vitest";
import { requestLocale, supportedLocale } from "./locale";

const request = (url: string, acceptLanguage?: string) =>
  new Request(url, { headers: acceptLanguage ? { "Accept-Language": acceptLanguage } : {} });

describe("the merchant's language", () => {
  it("takes Shopify's locale parameter first", () => {
    expect(requestLocale(request("https://app.test/app?locale=de-DE", "en-US"))).toBe("de");
    expect(requestLocale(request("https://app.test/app?locale=en", "de"))).toBe("en");
  });

  it("falls back to the best supported language of Accept-Language, then English", () => {
    expect(requestLocale(request("https://app.test/app", "fr-FR, de;q=0.8, en;q=0.5"))).toBe("de");
    expect(requestLocale(request("https://app.test/app", "en;q=0.2, de-AT;q=0.9"))).toBe("de");
    expect(requestLocale(request("https://app.test/app?locale=ja", "ja, fr"))).toBe("en");
    expect(requestLocale(request("https://app.test/app"))).toBe("en");
  });

  it("maps regional tags to their language", () => {
    expect(supportedLocale("de_CH")).toBe("de");
    expect(supportedLocale("EN-gb")).toBe("en");
    expect(supportedLocale("")).toBeNull();
  });
});
