// Paging of GET /proxy/history: the member's ledger newest first, HISTORY_PAGE_SIZE entries a
// page. The cursor is the id of the last entry shown; the next page holds the older ones. Ids
// only grow, so an entry recorded between two pages never shifts one.
import { fieldError, type FieldError } from "../loyalty/program";

export const HISTORY_PAGE_SIZE = 20;

export type Cursor = { before: number | null } | { error: FieldError };

/** `before` from the query: absent is the first page; anything but a positive whole number is an error. */
export function parseCursor(text: string | null): Cursor {
  if (text === null || text === "") return { before: null };
  if (!/^[1-9]\d{0,14}$/.test(text)) return { error: fieldError("before", "cursor") };
  return { before: Number(text) };
}

/** One page from rows fetched newest first, one more than a page: the extra row says there is a next page. */
export function historyPage<T extends { id: number }>(rows: readonly T[]): { rows: T[]; nextCursor: string | null } {
  const page = rows.slice(0, HISTORY_PAGE_SIZE);
  return { rows: page, nextCursor: rows.length > HISTORY_PAGE_SIZE ? String(page[page.length - 1].id) : null };
}
