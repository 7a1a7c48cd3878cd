import { describe, expect, it } from "vitest";
import { cohortTable } from "./cohorts";
import { cohortCsv, customersCsv, kpiCsv, money, toCsv, type CustomerMetricsRow } from "./csv";
import { kpiChanges, periodKpis } from "./kpis";
import { day, shopWith } from "./test-histories";

/** A strict RFC 4180 reader: CRLF records, fields quoted when they hold a comma, quote or line break. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  while (i < text.length) {
    let value = "";
    if (text[i] === '"') {
      i++;
      for (;;) {
        const quote = text.indexOf('"', i);
        if (quote < 0) throw new Error("unterminated quoted field");
        value += text.slice(i, quote);
        i = quote + 1;
        if (text[i] !== '"') break;
        value += '"';
        i++;
      }
    } else {
      while (i < text.length && text[i] !== "," && text[i] !== "\r") {
        if (text[i] === '"' || text[i] === "\n") throw new Error(`unquoted ${JSON.stringify(text[i])} at ${i}`);
        value += text[i++];
      }
    }
    record.push(value);
    if (text[i] === ",") i++;
    else if (text.startsWith("\r\n", i)) {
      records.push(record);
      record = [];
      i += 2;
    } else throw new Error(`unexpected ${JSON.stringify(text[i])} at ${i}`);
  }
  if (record.length) throw new Error("missing final CRLF");
  return records;
}

const lines = (csv: string) => csv.split("\r\n").slice(0, -1);

describe("toCsv", () => {
  it("writes CRLF records with a final CRLF", () => {
    expect(
      toCsv(
        ["a", "b"],
        [
          ["1", 2],
          [null, "x"],
        ],
      ),
    ).toBe("a,b\r\n1,2\r\n,x\r\n");
  });

  it("quotes fields with commas, quotes and line breaks, doubling the quotes", () => {
    expect(toCsv(["v"], [["Smith, Jane"], ['say "hi"'], ["two\nlines"], ["cr\r\nlf"], [" padded "]])).toBe(
      'v\r\n"Smith, Jane"\r\n"say ""hi"""\r\n"two\nlines"\r\n"cr\r\nlf"\r\n padded \r\n',
    );
  });

  it("reads back exactly through an RFC 4180 parser", () => {
    const awkward = ['"', '""', ",", 'a,"b",c', "x\r\n", "", "plain", "ä€😀"];
    const csv = toCsv(
      ["field", "index"],
      awkward.map((text, i) => [text, i]),
    );
    expect(parseCsv(csv)).toEqual([["field", "index"], ...awkward.map((text, i) => [text, String(i)])]);
  });
});

describe("toCsv against formula injection (OWASP)", () => {
  it("puts a ' before text starting with =, +, -, @, tab or carriage return", () => {
    const formulas = [
      '=HYPERLINK("https://evil.example","Gold")',
      "+1+1",
      "-2+3+cmd|' /C calc'!A0",
      "@SUM(1,1)",
      "\t=1+1",
      "\r=1+1",
      "-",
      "--5",
      "-1e-7",
    ];
    expect(
      parseCsv(
        toCsv(
          ["name"],
          formulas.map((text) => [text]),
        ),
      ),
    ).toEqual([["name"], ...formulas.map((text) => [`'${text}`])]);
  });

  it("leaves numbers alone, as numbers or as the decimal text of money and ratios", () => {
    expect(toCsv(["v"], [[-5], [-0.25], ["-12.50"], ["-3"], ["0.8765"]])).toBe("v\r\n-5\r\n-0.25\r\n-12.50\r\n-3\r\n0.8765\r\n");
  });

  it("leaves other text alone, also with a formula character later on", () => {
    expect(toCsv(["v"], [["Gold"], ["a=b"], [" =1+1"], ["gid://shopify/Customer/1"], ["2024-01-05"]])).toBe(
      "v\r\nGold\r\na=b\r\n =1+1\r\ngid://shopify/Customer/1\r\n2024-01-05\r\n",
    );
  });
});

describe("money", () => {
  it("writes minor units as decimal text in the currency's precision", () => {
    expect(money(1_230, "EUR")).toBe("12.30");
    expect(money(5, "EUR")).toBe("0.05");
    expect(money(-5, "EUR")).toBe("-0.05");
    expect(money(1_230, "JPY")).toBe("1230");
    expect(money(1_230, "KWD")).toBe("1.230");
    expect(money(0, "USD")).toBe("0.00");
    expect(money(null, "EUR")).toBeNull();
  });

  it("stays exact up to 2^53 − 1 minor units", () => {
    expect(money(2 ** 53 - 1, "EUR")).toBe("90071992547409.91");
  });
});

describe("cohortCsv", () => {
  const facts = shopWith([
    [1, "2024-01-05", 1_230],
    [2, "2024-01-06", 1_000],
    [3, "2024-01-07", 1_000],
    [1, "2024-02-05", 2_000],
    [4, "2024-02-10", 999],
  ]);
  const table = cohortTable(facts.histories(), { asOf: day("2024-03-01") });

  it("writes one row per cohort and month, with money as decimals of the shop currency", () => {
    expect(parseCsv(cohortCsv(table, "EUR"))).toEqual([
      [
        "cohort",
        "cohort_customers",
        "month",
        "customers",
        "percent",
        "orders",
        "net_revenue",
        "cumulative_net_revenue_per_customer",
        "in_progress",
      ],
      ["2024-01", "3", "0", "3", "100.00", "3", "32.30", "10.77", "false"],
      ["2024-01", "3", "1", "1", "33.33", "1", "20.00", "17.43", "false"],
      ["2024-02", "1", "0", "1", "100.00", "1", "9.99", "9.99", "false"],
    ]);
  });

  it("writes amounts without decimals for a zero-decimal currency", () => {
    expect(lines(cohortCsv(table, "JPY"))[1]).toBe("2024-01,3,0,3,100.00,3,3230,1077,false");
  });

  it("says which months are still in progress", () => {
    const midFebruary = cohortTable(facts.histories(), { asOf: day("2024-02-15") });
    expect(
      parseCsv(cohortCsv(midFebruary, "EUR"))
        .slice(1)
        .map((row) => [row[0], row[2], row[8]]),
    ).toEqual([
      ["2024-01", "0", "false"],
      ["2024-01", "1", "true"],
      ["2024-02", "0", "true"],
    ]);
  });
});

describe("customersCsv", () => {
  const customer: CustomerMetricsRow = {
    gid: "gid://shopify/Customer/1",
    firstOrder: "2024-01-05",
    lastOrder: "2024-02-05",
    orders: 2,
    netSpend: 3_230,
    recencyDays: 24,
    r: 4,
    f: 5,
    m: 3,
    segment: "loyal",
    pAlive: null,
    expectedOrders90: null,
    expectedOrders365: null,
    predictedClv12m: null,
    churnRisk: null,
    nextOrderDue: "2024-03-07",
    overdueDays: 0,
  };

  it("has the documented header", () => {
    expect(lines(customersCsv([], "EUR"))).toEqual([
      "customer_gid,first_order,last_order,orders,net_spend,recency_days,r,f,m,segment,p_alive,expected_orders_90d,expected_orders_365d,predicted_clv_12m,churn_risk,next_order_due,overdue_days",
    ]);
  });

  it("leaves predictions empty until there is a fit", () => {
    expect(lines(customersCsv([customer], "EUR"))[1]).toBe(
      "gid://shopify/Customer/1,2024-01-05,2024-02-05,2,32.30,24,4,5,3,loyal,,,,,,2024-03-07,0",
    );
  });

  it("writes predictions to four decimals and predicted CLV as money", () => {
    const predicted = {
      ...customer,
      pAlive: 0.87654321,
      expectedOrders90: 0.5,
      expectedOrders365: 1.99999,
      predictedClv12m: 4_567,
      churnRisk: "low",
    };
    expect(lines(customersCsv([predicted], "EUR"))[1]).toBe(
      "gid://shopify/Customer/1,2024-01-05,2024-02-05,2,32.30,24,4,5,3,loyal,0.8765,0.5000,2.0000,45.67,low,2024-03-07,0",
    );
  });
});

describe("kpiCsv", () => {
  const facts = shopWith([
    [1, "2024-02-10", 1_000],
    [1, "2024-03-10", 1_500],
    [2, "2024-03-11", 1_001],
    [3, "2024-02-12", 500],
    [null, "2024-03-12", 999],
  ]);
  const h = facts.histories();
  const kpis = {
    current: periodKpis(h, { from: day("2024-03-01"), to: day("2024-04-01") }),
    previous: periodKpis(h, { from: day("2024-02-01"), to: day("2024-03-01") }),
    yearAgo: periodKpis(h, { from: day("2023-03-01"), to: day("2023-04-01") }),
  };
  const csv = kpiCsv(kpis, kpiChanges(kpis.current, kpis.previous, kpis.yearAgo), "EUR");
  const rows = new Map(parseCsv(csv).map((row) => [row[0], row.slice(1)]));

  it("has a header and one row per KPI", () => {
    expect(rows.get("kpi")).toEqual(["current", "previous_period", "year_ago", "change_vs_previous", "change_vs_year_ago"]);
    expect(rows.size).toBe(Object.keys(kpis.current).length + 1);
  });

  it("writes money as decimals, counts as integers, other values to four decimals and changes to two", () => {
    // March: 1500 + 1001 + 999 guest = 3500 over 3 orders; February: 1000 + 500 over 2.
    expect(rows.get("netRevenue")).toEqual(["35.00", "15.00", "0.00", "133.33", ""]);
    expect(rows.get("averageOrderValue")).toEqual(["11.67", "7.50", "", "55.60", ""]);
    expect(rows.get("orders")).toEqual(["3", "2", "0", "50.00", ""]);
    // Returning customer rate: 1 of 2 in March, 0 of 2 in February: +50 points.
    expect(rows.get("returningCustomerRate")).toEqual(["50", "0", "", "50.00", ""]);
    // Nobody active before February: no retention rate to compare with.
    expect(rows.get("retentionRate")).toEqual(["100", "", "", "", ""]);
    expect(rows.get("purchaseFrequency")).toEqual(["1", "1", "", "0.00", ""]);
    expect(rows.get("repeatPurchaseRate")).toEqual(["33.3333", "0", "", "33.33", ""]);
  });
});
