// Set-based writes for both databases. A batch of rows travels as ONE JSON parameter that the
// database expands (SQLite json_each, PostgreSQL jsonb_array_elements): a 1,000-order batch is
// one statement with one parameter, not 22,000 parameters for Prisma to map one by one.
import type Database from "better-sqlite3";
import { kindOf } from "../db.server";

/**
 * What the sync's writes need of a database connection: a Prisma client or transaction, or
 * (for the SQLite history import, see history-import.server.ts) a plain better-sqlite3 connection.
 */
export interface SqlRunner {
  _activeProvider?: string;
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
    _activeProvider: "sqlite",
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

const PG_TYPES: Record<"text" | "int" | "bigint" | "bool" | "time", string> = {
  text: "text",
  int: "integer",
  bigint: "bigint",
  bool: "boolean",
  time: "timestamp(3)",
};

const REFERENCED_TABLE = { customerGid: "Customer", orderGid: "Order" } as const;

function encode(value: Value, type: ColumnType, sqlite: boolean): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  switch (type) {
    // Prisma stores SQLite DateTimes as ISO text with "+00:00"; comparisons stay lexicographic.
    case "time":
      return sqlite ? (value as Date).toISOString().replace("Z", "+00:00") : (value as Date).toISOString();
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

function columnExpression(type: ColumnType, i: number, postgres: boolean): string {
  if (type === "customerGid" || type === "orderGid") {
    return `(SELECT r."id" FROM "${REFERENCED_TABLE[type]}" r WHERE r."shopDomain" = j.value ->> 0 AND r."gid" = j.value ->> ${i})`;
  }
  if (postgres) return `(j.value ->> ${i})::${PG_TYPES[type]}`;
  return type === "int" || type === "bigint" ? `CAST(j.value ->> ${i} AS INTEGER)` : `j.value ->> ${i}`;
}

function selectFromJson(tx: SqlRunner, columns: readonly Column[]): string {
  const postgres = kindOf(tx) === "postgresql";
  const exprs = columns.map(([, type], i) => columnExpression(type, i, postgres)).join(", ");
  if (postgres) return `SELECT ${exprs} FROM jsonb_array_elements($1::jsonb) AS j(value)`;
  // "WHERE true" keeps SQLite from reading the ON CONFLICT that follows as a join constraint.
  return `SELECT ${exprs} FROM json_each(?) AS j WHERE true`;
}

const isReference = (type: ColumnType): type is "customerGid" | "orderGid" => type === "customerGid" || type === "orderGid";

/** A direct SQLite connection: one prepared single-row statement, run once per row. */
function insertEach(runEach: NonNullable<SqlRunner["runEach"]>, table: string, columns: readonly Column[], rows: Value[][], onConflict: string) {
  const values = columns.map(([, type]) =>
    isReference(type) ? `(SELECT r."id" FROM "${REFERENCED_TABLE[type]}" r WHERE r."shopDomain" = ? AND r."gid" = ?)` : "?",
  );
  const sql = `INSERT INTO "${table}" (${columns.map(([name]) => `"${name}"`).join(", ")}) VALUES (${values.join(", ")}) ${onConflict}`;
  const bind = (value: Value, type: ColumnType) => {
    if (value === null || type === "bigint") return value; // better-sqlite3 binds BigInt exactly
    return type === "bool" ? (value ? 1 : 0) : encode(value, type, true);
  };
  // A reference binds the shop (the row's first column) and the GID.
  return runEach(sql, rows.map((row) => row.flatMap((value, i) => (isReference(columns[i][1]) ? [row[0], value] : [bind(value, columns[i][1])]))));
}

/** INSERT rows; on a key conflict run `onConflict` (a DO UPDATE / DO NOTHING clause). */
export async function insertRows(tx: SqlRunner, table: string, columns: readonly Column[], rows: Value[][], onConflict: string) {
  if (rows.length === 0) return 0;
  if (tx.runEach) return insertEach(tx.runEach, table, columns, rows, onConflict);
  return tx.$executeRawUnsafe(...insertFromJson(tx, table, columns, rows, onConflict));
}

/** insertRows for a Prisma client, with an `onConflict` that ends in RETURNING. */
export async function insertRowsReturning<T>(
  client: SqlRunner & { $queryRawUnsafe<R>(sql: string, ...params: unknown[]): PromiseLike<R> },
  table: string,
  columns: readonly Column[],
  rows: Value[][],
  onConflictReturning: string,
): Promise<T[]> {
  return client.$queryRawUnsafe<T[]>(...insertFromJson(client, table, columns, rows, onConflictReturning));
}

function insertFromJson(tx: SqlRunner, table: string, columns: readonly Column[], rows: Value[][], onConflict: string): [string, string] {
  const sqlite = kindOf(tx) === "sqlite";
  const payload = JSON.stringify(rows.map((row) => row.map((value, i) => encode(value, columns[i][1], sqlite))));
  return [`INSERT INTO "${table}" (${columns.map(([name]) => `"${name}"`).join(", ")}) ${selectFromJson(tx, columns)} ${onConflict}`, payload];
}

/** Parameter `index` (1-based) of a statement: `$1` on PostgreSQL, `?` (in order) on SQLite. */
export function param(tx: SqlRunner, index: number, type?: keyof typeof PG_TYPES): string {
  return kindOf(tx) === "postgresql" ? `$${index}${type ? `::${PG_TYPES[type]}` : ""}` : "?";
}

/** A timestamp as the database's raw parameter (Prisma's own format on SQLite). */
export function timeParam(tx: SqlRunner, time: Date): string {
  return encode(time, "time", kindOf(tx) === "sqlite") as string;
}

/** `"shopDomain" = <shop> AND "gid" IN <JSON array of GIDs>`, with the two values to pass. */
export function shopAndGids(tx: SqlRunner, shopDomain: string, gids: string[]): [sql: string, shop: string, gids: string] {
  const sql =
    kindOf(tx) === "postgresql"
      ? `"shopDomain" = $1 AND "gid" IN (SELECT jsonb_array_elements_text($2::jsonb))`
      : `"shopDomain" = ? AND "gid" IN (SELECT value FROM json_each(?))`;
  return [sql, shopDomain, JSON.stringify(gids)];
}
