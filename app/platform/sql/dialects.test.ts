import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { dialectOf, sqliteTime } from "./dialects";

describe("the SQLite dialect", () => {
  const sqlite = dialectOf("sqlite");

  it("writes times in SQL exactly as the app binds them (Prisma's stored form)", () => {
    const connection = new Database(":memory:");
    const seconds = Date.UTC(2024, 5, 1, 12, 30, 15) / 1000;
    const written = connection.prepare(`SELECT ${sqlite.fromEpochSeconds(String(seconds))} AS t`).get() as { t: string };
    expect(written.t).toBe(sqliteTime(new Date(seconds * 1000)));
    expect(written.t).toBe("2024-06-01T12:30:15.000+00:00");
    const now = connection.prepare(`SELECT ${sqlite.now} AS t`).get() as { t: string };
    expect(now.t).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/);
    connection.close();
  });

  it("reads JSON arrays as rows, and numbers from JSON text as integers", () => {
    const connection = new Database(":memory:");
    const rows = connection
      .prepare(
        `SELECT ${sqlite.cast("j.value ->> 0", "int")} AS n, ${sqlite.cast("j.value ->> 1", "text")} AS t FROM ${sqlite.jsonRows(sqlite.param(1))}`,
      )
      .all(
        JSON.stringify([
          ["41", "a"],
          ["2", "b"],
        ]),
      );
    expect(rows).toEqual([
      { n: 41, t: "a" },
      { n: 2, t: "b" },
    ]);
    connection.close();
  });
});

describe("the PostgreSQL dialect", () => {
  const postgresql = dialectOf("postgresql");

  it("numbers its parameters and casts them", () => {
    expect(postgresql.param(3)).toBe("$3");
    expect(postgresql.param(2, "time")).toBe("$2::timestamp(3)");
    expect(postgresql.time(new Date(Date.UTC(2024, 5, 1)))).toBe("2024-06-01T00:00:00.000Z");
  });
});
