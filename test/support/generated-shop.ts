// A shop with many generated orders, written by the database itself in three statements (tests
// and benches that need large shops fast). Order i belongs to customer i % customers, was processed i × 10
// minutes before 2024-06-01 and is worth 5.00 + (i % 97) × 1.00; every row was last changed two
// hours ago, so a snapshot taken now covers them all.
import { dialectOf } from "../../app/platform/sql/dialects";
import type { TestDatabaseKind } from "./database";

export interface GeneratedShop {
  orders: number;
  customers: number;
  /** Sum of the orders' net revenue, minor units. */
  net: number;
}

const netOf = (i: number) => 500 + (i % 97) * 100;
const END_SECONDS = Date.UTC(2024, 5, 1) / 1000;

/** The statements that write the shop (for runSql, or a bench's own client), and what its orders add up to. */
export function generatedShop(
  kind: TestDatabaseKind,
  shop: string,
  orders: number,
  customers: number,
): { sql: string; expected: GeneratedShop } {
  let net = 0;
  for (let i = 0; i < orders; i++) net += netOf(i);
  const postgres = kind === "postgresql";
  const { fromEpochSeconds } = dialectOf(kind);
  const changed = fromEpochSeconds(String(Math.floor(Date.now() / 1000) - 2 * 3600));
  const processed = fromEpochSeconds;
  const numbers = (count: number) =>
    postgres
      ? `(SELECT i FROM generate_series(0, ${count - 1}) AS i)`
      : `(WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${count - 1}) SELECT i FROM n)`;
  const text = (sql: string) => (postgres ? `(${sql})::text` : sql);
  const sql = `
    INSERT INTO "Shop" ("domain", "currency", "timezone", "installedAt", "createdAt", "updatedAt")
      VALUES ('${shop}', 'USD', 'Europe/Helsinki', ${changed}, ${changed}, ${changed}) ON CONFLICT ("domain") DO NOTHING;
    INSERT INTO "Customer" ("shopDomain", "gid", "createdAt", "updatedAt")
      SELECT '${shop}', 'gid://shopify/Customer/${shop}/' || ${text("i")}, ${changed}, ${changed} FROM ${numbers(customers)} AS n;
    INSERT INTO "Order" ("shopDomain", "gid", "customerId", "processedAt", "currency", "currentSubtotalAmount", "createdAt", "updatedAt")
      SELECT '${shop}', 'gid://shopify/Order/${shop}/' || ${text("n.i")}, c."id", ${processed(`${END_SECONDS} - n.i * 600`)}, 'USD',
        500 + (n.i % 97) * 100, ${changed}, ${changed}
      FROM ${numbers(orders)} AS n
      JOIN "Customer" c ON c."shopDomain" = '${shop}' AND c."gid" = 'gid://shopify/Customer/${shop}/' || ${text(`(n.i % ${customers})`)};
  `;
  return { sql, expected: { orders, customers, net } };
}
