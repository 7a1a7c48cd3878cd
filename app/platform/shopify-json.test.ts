import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseShopifyJson, toGid } from "./shopify-json";

describe("parseShopifyJson", () => {
  it("keeps `id` and `*_id` numbers exact as strings", () => {
    const parsed = parseShopifyJson('{"id": 820982911946154508, "order_id": 820982911946154508, "shop_id": 548380009}');
    expect(parsed).toEqual({ id: "820982911946154508", order_id: "820982911946154508", shop_id: "548380009" });
  });

  it("keeps ids nested in objects exact", () => {
    const parsed = parseShopifyJson(
      '{"customer": {"id": 706405506930370084, "default_address": {"customer_id": 706405506930370084}}}',
    );
    expect(parsed).toEqual({ customer: { id: "706405506930370084", default_address: { customer_id: "706405506930370084" } } });
  });

  it("keeps integers above 2^53 inside arrays exact", () => {
    expect(parseShopifyJson('{"orders_to_redact": [820982911946154508, 9007199254740993]}')).toEqual({
      orders_to_redact: ["820982911946154508", "9007199254740993"],
    });
    expect(JSON.parse("[820982911946154508]")).toEqual([820982911946154500]);
  });

  it("keeps ordinary numbers as numbers", () => {
    expect(parseShopifyJson('{"quantity": 2, "amount": 1.5, "grams": 100, "list": [1, 2.5], "total_tax": 0}')).toEqual({
      quantity: 2,
      amount: 1.5,
      grams: 100,
      list: [1, 2.5],
      total_tax: 0,
    });
  });

  it("leaves ids that are not numbers alone", () => {
    expect(parseShopifyJson('{"id": "gid://shopify/StaffMember/902541635", "user_id": null}')).toEqual({
      id: "gid://shopify/StaffMember/902541635",
      user_id: null,
    });
  });

  it("throws on invalid JSON", () => {
    expect(() => parseShopifyJson('{"id": ')).toThrow(SyntaxError);
  });
});

describe("toGid", () => {
  it("builds a GID from a numeric id", () => {
    expect(toGid("Order", "820982911946154508")).toBe("gid://shopify/Order/820982911946154508");
    expect(toGid("Customer", 42)).toBe("gid://shopify/Customer/42");
  });

  it("passes GIDs through", () => {
    expect(toGid("Order", "gid://shopify/Order/820982911946154508")).toBe("gid://shopify/Order/820982911946154508");
  });

  it.each(["", "abc", "12a", "-1", "1.5", " 12"])("rejects the non-numeric id %j", (id) => {
    expect(() => toGid("Order", id)).toThrow(`not a Shopify Order id: ${id}`);
  });
});

describe("parseShopifyJson against a reviver that reads each number's source", () => {
  const reference = (text: string) =>
    JSON.parse(text, function revive(key: string, value: unknown, context?: { source?: string }) {
      const idOrUnsafe = key === "id" || key.endsWith("_id") || (Number.isInteger(value) && !Number.isSafeInteger(value));
      return typeof value === "number" && context?.source && idOrUnsafe ? context.source : value;
    } as (key: string, value: unknown) => unknown);

  it.each(readdirSync("test/fixtures/webhooks").filter((name) => name.endsWith(".json")))("parses %s alike", (name) => {
    const text = readFileSync(join("test/fixtures/webhooks", name), "utf8");
    expect(parseShopifyJson(text)).toEqual(reference(text));
  });

  it.each([
    '{"note": "\\"id\\": 12, 99999999999999999999", "n": [1e400, -0, 2.50], "x_id": -1.5e3, "\\u0069d": 7}',
    '{"id": -0, "a": {"b_id": [1, 2]}, "c": 9007199254740993, "d": 1e21, "e": "9007199254740993"}',
    '[1, {"id": 2}, "id", 3, {"k": "id", "id" :  4 }]',
  ])("parses %s alike", (text) => {
    expect(parseShopifyJson(text)).toEqual(reference(text));
  });

  it.each(['{"id": 01}', '{"id": 1.}', '{"id": .5}', '{"id": +1}', '{"a": "x 99999999999999999999}', '{"id": 1"x"}'])(
    "throws on the invalid %s as JSON.parse does",
    (text) => {
      expect(() => JSON.parse(text)).toThrow(SyntaxError);
      expect(() => parseShopifyJson(text)).toThrow(SyntaxError);
    },
  );
});
