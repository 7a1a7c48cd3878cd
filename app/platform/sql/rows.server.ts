// Set-based writes for both databases. A batch of rows travels as ONE JSON parameter that the
// database expands (SQLite json_each, PostgreSQL jsonb_array_elements): a 1,000-order batch is
// one statement with one parameter, not 22,000 parameters for Prisma to map one by one.
import type Database from "better-sqlite3";
import { dialect } from "./dialect.server";
import type { SqlType } from "./dialects";

/**
 * What set-based writes need of a database connection: a Prisma client or transaction, or
 * (for the SQLite history import, see history-import.server.ts) a plain better-sqlite3 connection.
 */
export interface SqlRunner {
  $executeRawUnsafe(sql: string, ...params: unknown[]): PromiseLike<number>;
  /** Only on a direct SQLite connection: runs one prepared statement once per parameter list. */
  runEach?(sql: string, parameterLists: unknown[][]): number;
}

/**
 * A SqlRunner on a better-sqlite3 connection; every call runs synchronously. Binding parameters
 * costs nothing here, so rows go one prepared statement each, which is twice as fast as json_each.
 */
export function sqliteRunner(connection: Database.Database): SqlRunner {
  const statements = new Map<string, Database.Statement>();
  const prepared = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = connection.prepare(sql)));
    return statement;
  };
  return {
    $executeRawUnsafe: (sql, ...params) => Promise.resolve(prepared(sql).run(...params).changes),
    runEach(sql, parameterLists) {
      const statement = prepared(sql);
      let changes = 0;
      for (const parameters of parameterLists) changes += statement.run(parameters).changes;
      return changes;
    },
  };
}

/**
 * `customerGid` / `orderGid`: the row carries a GID and the column stores the id of that shop's
 * customer or order, looked up inside the statement (the shop is the row's first column).
 */
export type ColumnType = "text" | "int" | "bigint" | "bool" | "time" | "customerGid" | "orderGid";
export type Column = readonly [name: string, type: ColumnType];
export type Value = string | number | bigint | boolean | Date | null;

const REFERENCED_TABLE = { customerGid: "Customer", orderGid: "Order" } as const;

function encode(value: Value, type: ColumnType): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  switch (type) {
    case "time":
      return dialect.time(value as Date);
    // JSON has no 64-bit integers: bigints travel as decimal text and are cast back.
    case "bigint":
      return String(value);
    case "int":
      return Number(value);
    case "bool":
      return Boolean(value);
    default:
      return value as string;
  }
}

/**
 * Rows of a customer who was redacted (compliance.server.ts): each row carries one more value after
 * its columns, the keyed digest of its customer's GID (redaction.server.ts) or null, checked inside
 * the statement against "RedactedCustomer". "skip" leaves such rows out (the customer's own rows);
 * "pseudonym" points the row's customerGid reference at the customer's pseudonymised row (orders).
 */
export type RedactedCustomers = "skip" | "pseudonym";

/** SQL for value `i` of the row being inserted (the shop is always value 0). */
type RowValue = (i: number) => string;

function referenceExpression(type: "customerGid" | "orderGid", value: RowValue, i: number, digest: string | null): string {
  const lookup = `(SELECT r."id" FROM "${REFERENCED_TABLE[type]}" r WHERE r."shopDomain" = ${value(0)} AND r."gid" = ${value(i)})`;
  if (type !== "customerGid" || digest === null) return lookup;
  // Only a customer not found under their GID is looked for among the redacted.
  return `COALESCE(${lookup}, (SELECT r."id" FROM "RedactedCustomer" x JOIN "Customer" r ON r."shopDomain" = x."shopDomain" AND r."gid" = x."pseudonym"
    WHERE x."shopDomain" = ${value(0)} AND x."digest" = ${digest}))`;
}

const notRedacted = (value: RowValue, digest: string) =>
  `NOT EXISTS (SELECT 1 FROM "RedactedCustomer" x WHERE x."shopDomain" = ${value(0)} AND x."digest" = ${digest})`;

/** The SELECT list and WHERE condition that turn row values into the table's columns. */
function selectParts(
  columns: readonly Column[],
  value: RowValue,
  cast: (type: ColumnType, i: number) => string,
  redacted?: RedactedCustomers,
) {
  const digest = redacted ? value(columns.length) : null;
  const exprs = columns.map(([, type], i) =>
    isReference(type) ? referenceExpression(type, value, i, redacted === "pseudonym" ? digest : null) : cast(type, i),
  );
  return { exprs: exprs.join(", "), where: redacted === "skip" ? notRedacted(value, digest!) : "true" };
}

function selectFromJson(columns: readonly Column[], redacted?: RedactedCustomers): string {
  const value: RowValue = (i) => `j.value ->> ${i}`;
  const cast = (type: ColumnType, i: number) => dialect.cast(value(i), type as SqlType);
  const { exprs, where } = selectParts(columns, value, cast, redacted);
  // A WHERE clause keeps SQLite from reading the ON CONFLICT that follows as a join constraint.
  return `SELECT ${exprs} FROM ${dialect.jsonRows(dialect.param(1))} WHERE ${where}`;
}

const isReference = (type: ColumnType): type is "customerGid" | "orderGid" => type === "customerGid" || type === "orderGid";

/** A direct SQLite connection: one prepared single-row statement, run once per row. */
function insertEach(
  runEach: NonNullable<SqlRunner["runEach"]>,
  table: string,
  columns: readonly Column[],
  rows: Value[][],
  onConflict: string,
  redacted?: RedactedCustomers,
) {
  const names = columns.map(([name]) => `"${name}"`).join(", ");
  const bind = (value: Value, type: ColumnType) => {
    if (value === null || type === "bigint") return value; // better-sqlite3 binds BigInt exactly
    return type === "bool" ? (value ? 1 : 0) : encode(value, type);
  };
  if (redacted) {
    // The row's values as one derived row, so that the SELECT list and the guard can both read them.
    const value: RowValue = (i) => `v."c${i}"`;
    const { exprs, where } = selectParts(columns, value, (_, i) => value(i), redacted);
    const values = [...columns, null].map((_, i) => `? AS "c${i}"`).join(", ");
    const sql = `INSERT INTO "${table}" (${names}) SELECT ${exprs} FROM (SELECT ${values}) AS v WHERE ${where} ${onConflict}`;
    return runEach(
      sql,
      rows.map((row) =>
        row.map((value, i) => (i < columns.length && !isReference(columns[i][1]) ? bind(value, columns[i][1]) : value)),
      ),
    );
  }
  const values = columns.map(([, type]) =>
    isReference(type) ? `(SELECT r."id" FROM "${REFERENCED_TABLE[type]}" r WHERE r."shopDomain" = ? AND r."gid" = ?)` : "?",
  );
  const sql = `INSERT INTO "${table}" (${names}) VALUES (${values.join(", ")}) ${onConflict}`;
  // A reference binds the shop (the row's first column) and the GID.
  return runEach(
    sql,
    rows.map((row) => row.flatMap((value, i) => (isReference(columns[i][1]) ? [row[0], value] : [bind(value, columns[i][1])]))),
  );
}

/**
 * INSERT rows; on a key conflict run `onConflict` (a DO UPDATE / DO NOTHING clause). With
 * `redacted`, each row ends with its customer's digest (see RedactedCustomers).
 */
export async function insertRows(
  tx: SqlRunner,
  table: string,
  columns: readonly Column[],
  rows: Value[][],
  onConflict: string,
  redacted?: RedactedCustomers,
) {
  if (rows.length === 0) return 0;
  if (tx.runEach) return insertEach(tx.runEach, table, columns, rows, onConflict, redacted);
  return tx.$executeRawUnsafe(...insertFromJson(table, columns, rows, onConflict, redacted));
}

/** insertRows for a Prisma client, with an `onConflict` that ends in RETURNING. */
export async function insertRowsReturning<T>(
  client: SqlRunner & { $queryRawUnsafe<R>(sql: string, ...params: unknown[]): PromiseLike<R> },
  table: string,
  columns: readonly Column[],
  rows: Value[][],
  onConflictReturning: string,
): Promise<T[]> {
  return client.$queryRawUnsafe<T[]>(...insertFromJson(table, columns, rows, onConflictReturning));
}

function insertFromJson(
  table: string,
  columns: readonly Column[],
  rows: Value[][],
  onConflict: string,
  redacted?: RedactedCustomers,
): [string, string] {
  // A digest after the columns is text.
  const payload = JSON.stringify(rows.map((row) => row.map((value, i) => encode(value, columns[i]?.[1] ?? "text"))));
  return [
    `INSERT INTO "${table}" (${columns.map(([name]) => `"${name}"`).join(", ")}) ${selectFromJson(columns, redacted)} ${onConflict}`,
    payload,
  ];
}

/** `"shopDomain" = <shop> AND "gid" IN <JSON array of GIDs>`, with the two values to pass. */
export function shopAndGids(shopDomain: string, gids: string[]): [sql: string, shop: string, gids: string] {
  const sql = `"shopDomain" = ${dialect.param(1)} AND "gid" IN (${dialect.jsonTexts(dialect.param(2))})`;
  return [sql, shopDomain, JSON.stringify(gids)];
}
