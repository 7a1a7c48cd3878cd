// The committed Admin GraphQL types (app/platform/shopify/generated/) must be those of the app's
// operations as they are now: `npm run graphql-codegen` after changing an operation. The codegen
// also refuses an operation that Shopify's Admin schema does not allow.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_SCHEMA_FILE } from "../app/platform/shopify/api-version";

const root = fileURLToPath(new URL("..", import.meta.url));
const codegen = join(root, "node_modules/@graphql-codegen/cli/cjs/bin.js");

/** `graphql-codegen` in `cwd` (its config and paths are relative to the working directory). */
const run = (cwd: string, ...args: string[]) =>
  // Under NODE_ENV=test (vitest's) the codegen prints nothing.
  spawnSync(process.execPath, [codegen, ...args], { cwd, encoding: "utf8", env: { ...process.env, NODE_ENV: "development" } });

describe("graphql-codegen", { timeout: 180_000 }, () => {
  it("has the types generated from the app's operations", () => {
    const result = run(root, "--check");
    expect(result.stdout + result.stderr).not.toContain("stale files");
    expect(result.status).toBe(0);
  });

  describe("on a copy with one operation", () => {
    const scratch = mkdtempSync(join(tmpdir(), "graphql-codegen-"));
    afterAll(() => rmSync(scratch, { recursive: true, force: true }));
    const operation = (selection: string) =>
      writeFileSync(
        join(scratch, "app/operation.ts"),
        `export const SHOP = \`#graphql\nquery ShopName {\n  shop { ${selection} }\n}\`;\n`,
      );

    beforeAll(() => {
      mkdirSync(join(scratch, "app/platform/shopify"), { recursive: true });
      for (const file of [".graphqlrc.ts", "app/platform/shopify/api-version.ts", ADMIN_SCHEMA_FILE])
        cpSync(join(root, file), join(scratch, file));
      symlinkSync(join(root, "node_modules"), join(scratch, "node_modules"));
    });

    it("--check fails once an operation changed", () => {
      operation("name");
      expect(run(scratch).status).toBe(0);
      operation("name currencyCode");
      const stale = run(scratch, "--check");
      expect(stale.status).toBe(1);
      expect(stale.stdout + stale.stderr).toContain("app/platform/shopify/generated/admin.generated.d.ts");
    });

    it("refuses a field the Admin schema does not have", () => {
      operation("name currency");
      const refused = run(scratch);
      expect(refused.status).toBe(1);
      expect(refused.stdout + refused.stderr).toContain('Cannot query field "currency" on type "Shop"');
    });
  });
});
