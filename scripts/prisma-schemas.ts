// Writes prisma/postgresql/schema.prisma from prisma/schema.prisma: the same data model for
// PostgreSQL. Run with --check to fail when the committed copy is out of date.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";

export function postgresqlSchema(sqliteSchema: string): string {
  const header = "// GENERATED from prisma/schema.prisma by `npm run prisma:schemas`. Edit that file instead.\n\n";
  return (
    header +
    sqliteSchema
      .replace('provider = "sqlite"', 'provider = "postgresql"')
      .replace(
        'provider        = "prisma-client-js"',
        'provider        = "prisma-client-js"\n  output          = "../../node_modules/.prisma-comeback/postgresql"',
      )
  );
}

const source = readFileSync("prisma/schema.prisma", "utf8");
const wanted = postgresqlSchema(source);
const target = "prisma/postgresql/schema.prisma";
if (process.argv.includes("--check")) {
  if (readFileSync(target, "utf8") !== wanted) {
    console.error(`${target} is out of date: run npm run prisma:schemas`);
    process.exit(1);
  }
} else {
  mkdirSync("prisma/postgresql", { recursive: true });
  writeFileSync(target, wanted);
}
