// Runs after `npm install`, on the project's own Node 22 (the `node` devDependency).
// 1. better-sqlite3 is a native addon and its prebuilt binaries cannot be downloaded everywhere,
//    so it is compiled here against the headers shipped inside the `node` package (its own install
//    script is not allowed in package.json, which would build it for whatever Node runs npm).
// 2. Both Prisma clients (SQLite and PostgreSQL) are generated.
import { execFileSync } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

function betterSqliteLoads() {
  try {
    execFileSync(process.execPath, ["-e", "new (require('better-sqlite3'))(':memory:').close()"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

if (!betterSqliteLoads()) {
  const nodeHome = dirname(dirname(realpathSync(process.execPath)));
  const args = ["rebuild", "--release", "--jobs", "max"];
  if (existsSync(join(nodeHome, "include", "node", "node_api.h"))) args.push(`--nodedir=${nodeHome}`);
  console.log(`postinstall: compiling better-sqlite3 for Node ${process.version} (about a minute)`);
  execFileSync(process.execPath, [require.resolve("node-gyp/bin/node-gyp.js"), ...args], {
    cwd: dirname(require.resolve("better-sqlite3/package.json")),
    stdio: ["ignore", "ignore", "inherit"],
  });
  if (!betterSqliteLoads()) throw new Error("better-sqlite3 does not load after compiling it");
}

execFileSync("tsx", ["scripts/prisma-generate.ts"], { stdio: "inherit" });
