import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const script = join(root, "scripts/prisma-schemas.ts");
const tsx = createRequire(import.meta.url).resolve("tsx/cli");

/** Runs the script (it works on paths relative to the working directory) like `tsx scripts/prisma-schemas.ts`. */
const run = (cwd: string, ...args: string[]) => spawnSync(process.execPath, [tsx, script, ...args], { cwd, encoding: "utf8" });

/** Migration folders (one per migration) under `dir`. */
const migrations = (dir: string) =>
  readdirSync(join(root, dir), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();

describe("prisma/postgresql", () => {
  const scratch = mkdtempSync(join(tmpdir(), "prisma-schemas-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it("has the schema generated from prisma/schema.prisma", () => {
    const result = run(root, "--check");
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it("--check fails on a stale copy, and passes once regenerated", () => {
    cpSync(join(root, "prisma/schema.prisma"), join(scratch, "prisma/schema.prisma"));
    cpSync(join(root, "prisma/postgresql/schema.prisma"), join(scratch, "prisma/postgresql/schema.prisma"));
    writeFileSync(join(scratch, "prisma/schema.prisma"), "\nmodel Extra {\n  id Int @id\n}\n", { flag: "a" });

    const stale = run(scratch, "--check");
    expect(stale.status).toBe(1);
    expect(stale.stderr).toContain("prisma/postgresql/schema.prisma is out of date");

    expect(run(scratch).status).toBe(0);
    expect(run(scratch, "--check").status).toBe(0);
  });

  it("has a twin of every SQLite migration and no other", () => {
    const sqlite = migrations("prisma/migrations");
    expect(sqlite.length).toBeGreaterThan(0);
    expect(migrations("prisma/postgresql/migrations")).toEqual(sqlite);
    for (const name of sqlite) {
      expect(existsSync(join(root, "prisma/migrations", name, "migration.sql")), name).toBe(true);
      expect(existsSync(join(root, "prisma/postgresql/migrations", name, "migration.sql")), name).toBe(true);
    }
  });
});
