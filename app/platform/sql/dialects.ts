// What differs between the two databases in raw SQL (docs/decisions/0002-two-databases.md), one
// object per database. Code that writes raw SQL asks the app's `dialect` (dialect.server.ts)
// instead of branching on the database's kind, so each difference is written, and explained, once.
// This module reads no configuration: tests and benches use it for databases of their own.
// See docs/decisions/0023-platform-layer.md.
import type { DatabaseKind } from "../db/url";

/** Column types that raw SQL casts values to, with their PostgreSQL names. */
const PG_TYPES = {
  text: "text",
  int: "integer",
  bigint: "bigint",
  bool: "boolean",
  time: "timestamp(3)",
} as const;
export type SqlType = keyof typeof PG_TYPES;

/**
 * Prisma's text form of a DateTime on SQLite, ISO 8601 with "+00:00" for "Z": values written in
 * it compare with stored ones exactly and in order (as text).
 */
export function sqliteTime(time: Date): string {
  return time.toISOString().replace("Z", "+00:00");
}

/** The same form written by SQLite itself (`%f` is seconds with milliseconds). */
const SQLITE_TIME_FORMAT = "%Y-%m-%dT%H:%M:%f+00:00";

export interface Dialect {
  kind: DatabaseKind;
  /** Parameter `index` (1-based): `$1` (cast to `type` if given) on PostgreSQL, `?` in order on SQLite. */
  param(index: number, type?: SqlType): string;
  /** A timestamp as a raw parameter, in the form the database stores and compares. */
  time(time: Date): string;
  /** SQL for the current time, as stored. */
  now: string;
  /** SQL for the time `seconds` (an SQL expression) after the Unix epoch, as stored. */
  fromEpochSeconds(seconds: string): string;
  /** `text` (an SQL expression, such as a value read from JSON) as a value of `type`. */
  cast(text: string, type: SqlType): string;
  /** A JSON array (an SQL expression, such as a parameter) as rows `j`, each element in `j.value`. */
  jsonRows(array: string): string;
  /** A subquery of the text elements of a JSON array, for `IN (...)`. */
  jsonTexts(array: string): string;
  /** LIKE ignoring case: SQLite's LIKE ignores ASCII case already, PostgreSQL's needs ILIKE. */
  likeIgnoringCase: "LIKE" | "ILIKE";
  /**
   * Whether `SELECT ... FOR UPDATE` locks rows. SQLite has no row locks and needs none: the app's
   * one connection runs one transaction at a time.
   */
  locksRows: boolean;
  /**
   * What ends a SELECT that claims rows: on PostgreSQL they are locked and rows another transaction
   * holds are skipped, so instances never wait on or take each other's; on SQLite nothing, as the
   * claim's one UPDATE holds the single write lock.
   */
  claimRows: string;
  /**
   * The statement that lets a transaction return before its commit is on disk (a crash may lose
   * it, never corrupt anything), or null: SQLite's commits in WAL mode are already cheap.
   */
  asyncCommit: string | null;
  /**
   * The statement that refreshes the planner's statistics after a bulk load of `tables`, or null:
   * SQLite plans from its indexes alone unless ANALYZE was ever run, which the app never does.
   */
  analyze(tables: string[]): string | null;
  /**
   * Whether the database runs inside this process (SQLite): binding parameters on a direct
   * connection costs nothing there, so bulk writes (the history import) bypass the client.
   */
  embedded: boolean;
}

const quoted = (tables: string[]) => tables.map((table) => `"${table}"`).join(", ");

const postgresql: Dialect = {
  kind: "postgresql",
  param: (index, type) => `$${index}${type ? `::${PG_TYPES[type]}` : ""}`,
  time: (time) => time.toISOString(),
  now: "now()",
  fromEpochSeconds: (seconds) => `to_timestamp(${seconds}) AT TIME ZONE 'UTC'`,
  cast: (text, type) => `(${text})::${PG_TYPES[type]}`,
  jsonRows: (array) => `jsonb_array_elements(${array}::jsonb) AS j(value)`,
  jsonTexts: (array) => `SELECT jsonb_array_elements_text(${array}::jsonb)`,
  likeIgnoringCase: "ILIKE",
  locksRows: true,
  claimRows: "FOR UPDATE SKIP LOCKED",
  asyncCommit: "SET LOCAL synchronous_commit TO OFF",
  analyze: (tables) => `ANALYZE ${quoted(tables)}`,
  embedded: false,
};

const sqlite: Dialect = {
  kind: "sqlite",
  param: () => "?",
  time: sqliteTime,
  now: `strftime('${SQLITE_TIME_FORMAT}', 'now')`,
  fromEpochSeconds: (seconds) => `strftime('${SQLITE_TIME_FORMAT}', ${seconds}, 'unixepoch')`,
  // SQLite stores what it is given: only numbers read from JSON text need converting.
  cast: (text, type) => (type === "int" || type === "bigint" ? `CAST(${text} AS INTEGER)` : text),
  jsonRows: (array) => `json_each(${array}) AS j`,
  jsonTexts: (array) => `SELECT value FROM json_each(${array})`,
  likeIgnoringCase: "LIKE",
  locksRows: false,
  claimRows: "",
  asyncCommit: null,
  analyze: () => null,
  embedded: true,
};

/** The dialect of a database kind (tests and benches that write SQL for a database of their own). */
export function dialectOf(kind: DatabaseKind): Dialect {
  return kind === "postgresql" ? postgresql : sqlite;
}
