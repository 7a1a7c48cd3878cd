import { describe, expect, it } from "vitest";
import { exportFileName, marketingCsv, MARKETING_COLUMNS } from "./exports";
import { DEFAULT_QUERY, type ListQuery } from "./list";

const query = (changes: Partial<ListQuery> = {}): ListQuery => ({ ...DEFAULT_QUERY, ...changes });

describe("export file names", () => {
  it("name the kind, the segment or whether the list was filtered, and the shop's day", () => {
    expect(exportFileName("marketing", query(), "2026-12-07")).toBe("comeback-marketing-all-2026-12-07.csv");
    expect(exportFileName("marketing", query({ segments: ["at_risk"] }), "2026-12-07")).toBe(
      "comeback-marketing-at-risk-2026-12-07.csv",
    );
    expect(exportFileName("customers", query({ segments: ["lost"] }), "2026-12-07")).toBe(
      "comeback-customers-lost-2026-12-07.csv",
    );
    // Two segments, or one narrowed further, is a filtered list, not "the segment".
    expect(exportFileName("marketing", query({ segments: ["lost", "hibernating"] }), "2026-12-07")).toBe(
      "comeback-marketing-filtered-2026-12-07.csv",
    );
    expect(exportFileName("marketing", query({ segments: ["lost"], risks: ["high"] }), "2026-12-07")).toBe(
      "comeback-marketing-filtered-2026-12-07.csv",
    );
    expect(exportFileName("customers", query({ search: "müller" }), "2026-12-07")).toBe(
      "comeback-customers-filtered-2026-12-07.csv",
    );
    // Sorting and paging do not change which customers are in the file.
    expect(exportFileName("marketing", query({ sort: "orders", page: 3 }), "2026-12-07")).toBe(
      "comeback-marketing-all-2026-12-07.csv",
    );
  });
});

describe("the marketing CSV", () => {
  it("has the name, e-mail, segment, churn risk and next expected order, and keeps merchant text from running as a formula", () => {
    const csv = marketingCsv([
      {
        firstName: '=HYPERLINK("x")',
        lastName: "Lovelace, Ada",
        email: "ada@example.com",
        segment: "at_risk",
        risk: "high",
        nextOrderDue: "2026-11-20",
        overdueDays: 17,
      },
      {
        firstName: null,
        lastName: null,
        email: "-x@example.com",
        segment: null,
        risk: null,
        nextOrderDue: null,
        overdueDays: null,
      },
    ]);
    expect(csv.split("\r\n")).toEqual([
      MARKETING_COLUMNS.join(","),
      `"'=HYPERLINK(""x"")","Lovelace, Ada",ada@example.com,at_risk,high,2026-11-20,17`,
      `,,'-x@example.com,,,,`,
      "",
    ]);
    expect(MARKETING_COLUMNS).toEqual([
      "first_name",
      "last_name",
      "email",
      "segment",
      "churn_risk",
      "next_order_due",
      "overdue_days",
    ]);
  });
});
