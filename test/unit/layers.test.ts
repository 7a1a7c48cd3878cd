// The layering of app/ is enforced by ESLint (eslint.config.js, "layers/imports"); this checks that
// the rule still fires, so that a change to the config cannot switch it off unnoticed.
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const eslint = new ESLint();

async function layerErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport const used = value;\n`, { filePath });
  return result.messages.filter((message) => message.ruleId === "layers/imports").map((message) => message.message);
}

// The first lint loads the whole config (typescript-eslint, React): seconds on a busy machine.
describe("layers/imports", { timeout: 60_000 }, () => {
  it("keeps the platform free of domains, the worker, pages and the Shopify set-up", async () => {
    expect(await layerErrors("app/platform/money.ts", `import { value } from "../loyalty/store.server";`)).toHaveLength(1);
    expect(await layerErrors("app/platform/db/url.ts", `import { value } from "../../shopify.server";`)).toHaveLength(1);
    expect(await layerErrors("app/platform/db/url.ts", `import { value } from "../log.server";`)).toEqual([]);
  });

  it("keeps domains from importing the worker and the pages", async () => {
    expect(await layerErrors("app/loyalty/ledger.ts", `import { value } from "../worker/worker.server";`)).toHaveLength(1);
    expect(await layerErrors("app/sync/records.ts", `const { value } = await import("../routes/app");`)).toHaveLength(1);
    expect(await layerErrors("app/sync/records.ts", `import { value } from "../platform/money";`)).toEqual([]);
    expect(await layerErrors("app/campaigns/lift.ts", `import { value } from "../components/toast";`)).toHaveLength(1);
  });

  it("keeps the worker from importing pages", async () => {
    expect(await layerErrors("app/worker/queues.server.ts", `export { value } from "../routes/app";`)).toHaveLength(1);
  });
});
