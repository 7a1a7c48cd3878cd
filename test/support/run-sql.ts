// SQL run on the app's database from outside the app, as an operator or another service would.
import Database from "better-sqlite3";
import pg from "pg";
import { inject } from "vitest";
import { sqliteFilePath } from "../../app/platform/db/url";
import { generatedShop, type GeneratedShop } from "./generated-shop";

export async function runSql(sql: string) {
  if (inject("databaseKind") === "postgresql") {
    const client = new pg.Client({ connectionString: inject("databaseUrl") });
    await client.connect();
    await client.query(sql);
    await client.end();
  } else {
    const db = new Database(sqliteFilePath(inject("databaseUrl")));
    db.pragma("busy_timeout = 5000");
    db.exec(sql);
    db.close();
  }
}

/**
 * Makes every write of the order `orderGid` fail inside the database, whichever statement makes
 * it, until the returned function is called: a delivery of that order then fails and is stored
 * as failed, and nothing else is disturbed.
 */
export async function failOrderWrites(orderGid: string): Promise<() => Promise<void>> {
  const name = `fail_${orderGid.replace(/\D/g, "")}`;
  const gid = orderGid.replaceAll("'", "''");
  if (inject("databaseKind") === "postgresql") {
    await runSql(`CREATE FUNCTION "${name}"() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'writes of this order fail (test)'; END $$ LANGUAGE plpgsql;
      CREATE TRIGGER "${name}" BEFORE INSERT OR UPDATE ON "Order" FOR EACH ROW WHEN (NEW."gid" = '${gid}') EXECUTE FUNCTION "${name}"();`);
    return () => runSql(`DROP TRIGGER "${name}" ON "Order"; DROP FUNCTION "${name}"();`);
  }
  await runSql(`CREATE TRIGGER "${name}_insert" BEFORE INSERT ON "Order" WHEN NEW."gid" = '${gid}' BEGIN SELECT RAISE(ABORT, 'writes of this order fail (test)'); END;
    CREATE TRIGGER "${name}_update" BEFORE UPDATE ON "Order" WHEN NEW."gid" = '${gid}' BEGIN SELECT RAISE(ABORT, 'writes of this order fail (test)'); END;`);
  return () => runSql(`DROP TRIGGER "${name}_insert"; DROP TRIGGER "${name}_update";`);
}

/** Writes a shop of generated orders (generated-shop.ts); what its orders add up to. */
export async function writeGeneratedShop(shop: string, orders: number, customers: number): Promise<GeneratedShop> {
  const { sql, expected } = generatedShop(inject("databaseKind"), shop, orders, customers);
  await runSql(sql);
  return expected;
}
