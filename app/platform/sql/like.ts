// LIKE patterns from user text. `%` and `_` are LIKE's wildcards and neither database escapes
// them on its own (nor does Prisma's `contains`): a search for "50%" or "a_b" would match far more
// than it says. Each is escaped with a backslash, which the query must name (`ESCAPE '\'`):
// PostgreSQL uses it by default, SQLite has no escape character unless told.

/** `text` anywhere in the value, matched literally; use with `LIKE <pattern> ESCAPE '\'`. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, "\\$&")}%`;
}
