// The whole database searched for what names a person: every column of every table (text, JSON
// held as text, keys, numbers and binary snapshots alike), read as text and compared without
// regard to case. Introspected, so a table or column added later is searched too.
import { inject } from "vitest";
import { testDb } from "./db";

export interface Trace {
  table: string;
  column: string;
  needle: string;
  /** The start of the value that holds it. */
  value: string;
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

async function columns(): Promise<{ table: string; column: string; binary: boolean }[]> {
  const db = testDb();
  if (inject("databaseKind") === "postgresql") {
    const rows = await db.$queryRawUnsafe<{ table_name: string; column_name: string; data_type: string }[]>(
      `SELECT table_name::text AS table_name, column_name::text AS column_name, data_type::text AS data_type FROM information_schema.columns
       WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`,
    );
    return rows.map((row) => ({ table: row.table_name, column: row.column_name, binary: row.data_type === "bytea" }));
  }
  const tables = await db.$queryRawUnsafe<{ name: string }[]>(
    `SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`,
  );
  const found: { table: string; column: string; binary: boolean }[] = [];
  for (const { name } of tables) {
    const info = await db.$queryRawUnsafe<{ name: string; type: string }[]>(`SELECT name, type FROM pragma_table_info(?)`, name);
    for (const column of info) found.push({ table: name, column: column.name, binary: column.type.toUpperCase() === "BLOB" });
  }
  return found;
}

/** Every value anywhere in the database that contains one of `needles` (empty: none names them). */
export async function findTraces(needles: string[]): Promise<Trace[]> {
  const db = testDb();
  const postgres = inject("databaseKind") === "postgresql";
  const wanted = needles.filter(Boolean).map((needle) => needle.toLowerCase());
  const traces: Trace[] = [];
  for (const { table, column, binary } of await columns()) {
    // bytea as escaped text: printable bytes stay as they are, so text inside a blob is found.
    const text = postgres
      ? binary
        ? `encode(${quote(column)}, 'escape')`
        : `${quote(column)}::text`
      : `CAST(${quote(column)} AS TEXT)`;
    const conditions = wanted.map((_, i) =>
      postgres ? `strpos(lower(${text}), $${i + 1}) > 0` : `instr(lower(${text}), ?) > 0`,
    );
    const rows = await db.$queryRawUnsafe<{ value: string }[]>(
      `SELECT ${text} AS value FROM ${quote(table)} WHERE ${conditions.join(" OR ")}`,
      ...wanted,
    );
    for (const { value } of rows) {
      const needle = wanted.find((candidate) => value.toLowerCase().includes(candidate))!;
      traces.push({ table, column, needle, value: value.slice(0, 200) });
    }
  }
  return traces;
}
