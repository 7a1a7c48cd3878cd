// The customer account UI extension built as `shopify app build` builds it, which cannot reach
// Shopify here: the CLI's own esbuild, one entry that imports each target's module and hands it
// to shopify.extend, bundled and minified for es6 with JSX automatic (jsxImportSource from the
// extension's tsconfig), process.env.APP_URL defined as the app's URL, no legal comments.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { parse } from "smol-toml";

export const ACCOUNT_EXTENSION_DIR = join(process.cwd(), "extensions", "comeback-account");

interface Targeting {
  target: string;
  module: string;
}

export function accountExtensionTargets(): Targeting[] {
  const toml = parse(readFileSync(join(ACCOUNT_EXTENSION_DIR, "shopify.extension.toml"), "utf8")) as unknown as {
    extensions: { targeting: Targeting[] }[];
  };
  return toml.extensions.flatMap((extension) => extension.targeting);
}

/** The CLI's entry for API versions from 2025-10 on: each module's default export registered for its target. */
export const bundleEntry = (targets: readonly Targeting[]) =>
  targets
    .map(
      ({ target, module }, index) =>
        `import Target_${index} from '${module}';shopify.extend('${target}', (...args) => Target_${index}(...args));`,
    )
    .join("\n");

type Esbuild = typeof import("esbuild");

/** The bundle's JavaScript, and esbuild's metafile for weighing its parts. */
export async function buildAccountExtension(appUrl: string) {
  // The esbuild the installed Shopify CLI bundles with, not whichever one the app's tools brought.
  const esbuild = createRequire(join(process.cwd(), "node_modules/@shopify/cli/package.json"))("esbuild") as Esbuild;
  const result = await esbuild.build({
    stdin: { contents: bundleEntry(accountExtensionTargets()), resolveDir: ACCOUNT_EXTENSION_DIR, loader: "tsx" },
    bundle: true,
    write: false,
    metafile: true,
    minify: true,
    jsx: "automatic",
    target: "es6",
    legalComments: "none",
    loader: { ".esnext": "ts", ".js": "jsx" },
    resolveExtensions: [".tsx", ".ts", ".js", ".json", ".esnext", ".mjs", ".ejs"],
    define: { "process.env.APP_URL": JSON.stringify(appUrl), "process.env.NODE_ENV": JSON.stringify("production") },
    logLevel: "silent",
  });
  return { code: result.outputFiles[0].text, metafile: result.metafile };
}
