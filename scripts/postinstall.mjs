// Runs after `npm install` on the project's own Node 22 (the `node` devDependency).
// better-sqlite3 is a native addon: npm builds it with whatever Node runs the install, and
// prebuilt binaries cannot be downloaded here, so rebuild it against the headers shipped
// inside the `node` package; then generate both Prisma clients.
import { execFileSync } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

function betterSqliteLoads() {
  try {
    const Database = require("better-sqlite3");
    new Database(":memory:").close();
    return true;
  } catch {
    return false;
  }
}

if (!betterSqliteLoads()) {
  const nodeHome = dirname(dirname(realpathSync(process.execPath)));
  const env = { ...process.env };
  if (existsSync(join(nodeHome, "include", "node", "node_api.h"))) env.npm_config_nodedir = nodeHome;
  console.log(`postinstall: rebuilding better-sqlite3 for Node ${process.version}`);
  execFileSync("npm", ["rebuild", "better-sqlite3"], { stdio: "inherit", env });
  if (!betterSqliteLoads()) throw new Error("better-sqlite3 still does not load after a rebuild");
}
