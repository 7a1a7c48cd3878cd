import { describe, expect, it } from "vitest";
import { HISTORY_PAGE_SIZE, historyPage, parseCursor } from "./history";

describe("parseCursor", () => {
  it("reads the first page from no cursor and an entry id otherwise", () => {
    expect(parseCursor(null)).toEqual({ before: null });
    expect(parseCursor("")).toEqual({ before: null });
    expect(parseCursor("1234")).toEqual({ before: 1234 });
  });

  it("refuses anything else as a field error", () => {
    for (const text of ["0", "-3", "1.5", "abc", "1e5", "9".repeat(16)]) {
      expect(parseCursor(text)).toEqual({
        error: { field: "before", code: "cursor", params: {}, message: "must be a cursor from a previous page" },
      });
    }
  });
});

describe("historyPage", () => {
  const rows = (count: number) => Array.from({ length: count }, (_, i) => ({ id: 1000 - i }));

  it("names the last entry shown as the cursor when more rows follow", () => {
    const page = historyPage(rows(HISTORY_PAGE_SIZE + 1));
    expect(page.rows).toHaveLength(HISTORY_PAGE_SIZE);
    expect(page.nextCursor).toBe(String(1000 - HISTORY_PAGE_SIZE + 1));
  });

  it("has no cursor on the last page", () => {
    expect(historyPage(rows(HISTORY_PAGE_SIZE)).nextCursor).toBeNull();
    expect(historyPage([])).toEqual({ rows: [], nextCursor: null });
  });
});
