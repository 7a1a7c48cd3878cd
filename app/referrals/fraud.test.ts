import { describe, expect, it } from "vitest";
import { fraudFlags, normaliseAddress, normaliseEmail, normalisePhone, type FraudFacts } from "./fraud";

describe("normalising what the fraud rules compare", () => {
  it("reads an e-mail as the mailbox it reaches", () => {
    expect(normaliseEmail(" Anna.Smith+shop@GMAIL.com ")).toBe("annasmith@gmail.com");
    expect(normaliseEmail("anna.smith@googlemail.com")).toBe("annasmith@gmail.com");
    // Dots count at providers that do not ignore them; `+` aliases are dropped everywhere.
    expect(normaliseEmail("anna.smith+x@example.com")).toBe("anna.smith@example.com");
    for (const bad of [null, "", "anna", "@example.com", "anna@", "+x@example.com"]) expect(normaliseEmail(bad)).toBeNull();
  });

  it("reads addresses and phones however they are typed", () => {
    const one = normaliseAddress({ address1: "7 Elm Road", zip: "40003", country_code: "US" });
    expect(normaliseAddress({ address1: "7, elm  road.", zip: "40003 ", country_code: "us" })).toBe(one);
    expect(normaliseAddress({ address1: "8 Elm Road", zip: "40003", country_code: "US" })).not.toBe(one);
    expect(normaliseAddress({ address1: " ", zip: "1" })).toBeNull();
    expect(normalisePhone("+1 (555) 010-9999")).toBe(normalisePhone("555 010 9999"));
    expect(normalisePhone("12345")).toBeNull();
  });
});

describe("fraudFlags", () => {
  const clean: FraudFacts = {
    referrerGid: "gid://shopify/Customer/1",
    friendGid: "gid://shopify/Customer/2",
    friend: { emailDigest: "e2", addressDigest: "a2", phoneDigest: null },
    referrer: { emailDigest: "e1", addressDigests: new Set(["a1"]), phoneDigests: new Set(["p1"]) },
    earlierOrders: 0,
    friendSince: new Date("2026-12-01T10:00:30Z"),
    claimedAt: new Date("2026-12-01T10:00:00Z"),
    referralsThisWeek: 0,
    weeklyLimit: 3,
    ordersWithCode: 1,
  };

  it("passes a new friend who is someone else", () => {
    expect(fraudFlags(clean)).toEqual([]);
    expect(fraudFlags({ ...clean, friendGid: null })).toEqual([]);
  });

  it("names every rule a referral breaks", () => {
    expect(fraudFlags({ ...clean, friendGid: clean.referrerGid })).toEqual(["selfReferral"]);
    expect(fraudFlags({ ...clean, friend: { ...clean.friend, emailDigest: "e1" } })).toEqual(["sameEmail"]);
    expect(fraudFlags({ ...clean, friend: { ...clean.friend, addressDigest: "a1" } })).toEqual(["sameAddress"]);
    expect(fraudFlags({ ...clean, friend: { ...clean.friend, phoneDigest: "p1" } })).toEqual(["samePhone"]);
    expect(fraudFlags({ ...clean, earlierOrders: 1 })).toEqual(["notNewCustomer"]);
    // A customer record made with the order is new; one made well before the claim is not.
    expect(fraudFlags({ ...clean, friendSince: new Date("2026-12-01T09:59:30Z") })).toEqual([]);
    expect(fraudFlags({ ...clean, friendSince: new Date("2026-11-01T00:00:00Z") })).toEqual(["notNewCustomer"]);
    expect(fraudFlags({ ...clean, referralsThisWeek: 2 })).toEqual([]);
    expect(fraudFlags({ ...clean, referralsThisWeek: 3 })).toEqual(["weeklyLimit"]);
    expect(fraudFlags({ ...clean, ordersWithCode: 2 })).toEqual(["leakedCode"]);
  });
});
