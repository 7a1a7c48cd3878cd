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

/** The directory of the running Node's headers (the `node` package ships them beside its binary). */
function nodeHeadersDir() {
  const candidates = [
    dirname(dirname(realpathSync(process.execPath))),
    join(dirname(require.resolve("node/package.json")), "node_modules", `node-${process.platform}-${process.arch}`),
  ];
  return candidates.find((dir) => existsSync(join(dir, "include", "node", "node_api.h")));
}

if (!betterSqliteLoads()) {
  const headers = nodeHeadersDir();
  if (!headers) throw new Error(`no headers for Node ${process.version} to compile better-sqlite3 against`);
  console.log(`postinstall: compiling better-sqlite3 for Node ${process.version} (about a minute)`);
  execFileSync(
    process.execPath,
    [require.resolve("node-gyp/bin/node-gyp.js"), "rebuild", "--release", "--jobs", "max", `--nodedir=${headers}`],
    {
      cwd: dirname(require.resolve("better-sqlite3/package.json")),
      stdio: ["ignore", "ignore", "inherit"],
      // npm passes the machine's own nodedir setting (if any) down as npm_config_nodedir; override it.
      env: { ...process.env, npm_config_nodedir: headers },
    },
  );
  if (!betterSqliteLoads()) throw new Error("better-sqlite3 does not load after compiling it");
}

execFileSync("tsx", ["scripts/prisma-generate.ts"], { stdio: "inherit" });
