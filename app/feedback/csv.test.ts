import { describe, expect, it } from "vitest";
import { answersCsv } from "./csv";

describe("the answers CSV", () => {
  it("has one row per answer, the text as given and formulas defused", () => {
    const at = new Date("2026-12-01T10:00:00Z");
    const csv = answersCsv([
      {
        orderGid: "gid://shopify/Order/1",
        customerGid: "gid://shopify/Customer/2",
        nps: 6,
        csat: 3,
        ces: null,
        comment: '=HYPERLINK("x") late, "again"',
        surface: "link",
        firstAnsweredAt: at,
        answeredAt: new Date("2026-12-01T12:00:00Z"),
      },
      {
        orderGid: "gid://shopify/Order/3",
        customerGid: "gid://shopify/Customer/4",
        nps: 10,
        csat: null,
        ces: 7,
        comment: null,
        surface: "account",
        firstAnsweredAt: at,
        answeredAt: at,
      },
    ]);
    expect(csv.split("\r\n")).toEqual([
      "answered_at,changed_at,order,customer,nps,nps_group,csat,ces,surface,comment",
      `2026-12-01T10:00:00.000Z,2026-12-01T12:00:00.000Z,gid://shopify/Order/1,gid://shopify/Customer/2,6,detractor,3,,link,"'=HYPERLINK(""x"") late, ""again"""`,
      "2026-12-01T10:00:00.000Z,,gid://shopify/Order/3,gid://shopify/Customer/4,10,promoter,,7,account,",
      "",
    ]);
  });
});
