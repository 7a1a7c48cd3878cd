import { describe, expect, it } from "vitest";
import { keptSearch, withKeptParams } from "./kept-params";

const current = new URLSearchParams("locale=de&from=2026-01-01&preset=last30");

describe("withKeptParams", () => {
  it("adds the locale to a path, a path with its own query and a bare query, before any hash", () => {
    expect(withKeptParams("/app/customers", current)).toBe("/app/customers?locale=de");
    expect(withKeptParams("/app?preset=last90", current)).toBe("/app?preset=last90&locale=de");
    expect(withKeptParams("?orders=2", current)).toBe("?orders=2&locale=de");
    expect(withKeptParams("/app/customers/7#orders", current)).toBe("/app/customers/7?locale=de#orders");
  });

  it("keeps only session parameters, not the page's own", () => {
    expect(withKeptParams("/app", current)).not.toContain("preset");
  });

  it("leaves a locale the link sets itself, external links, and links when there is nothing to keep", () => {
    expect(withKeptParams("/app?locale=en", current)).toBe("/app?locale=en");
    expect(withKeptParams("https://admin.shopify.com/store/x/orders/1", current)).toBe(
      "https://admin.shopify.com/store/x/orders/1",
    );
    expect(withKeptParams("mailto:a@example.com", current)).toBe("mailto:a@example.com");
    expect(withKeptParams("/app/sync", new URLSearchParams("from=2026-01-01"))).toBe("/app/sync");
  });
});

describe("keptSearch", () => {
  it("adds the locale to a form's query without changing the original", () => {
    const form = new URLSearchParams({ preset: "last90" });
    expect(keptSearch(form, current).toString()).toBe("preset=last90&locale=de");
    expect(form.toString()).toBe("preset=last90");
    expect(keptSearch(form, new URLSearchParams()).toString()).toBe("preset=last90");
  });
});
