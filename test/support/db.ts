// The test's own connection to the database the app server uses, to assert stored state.
import { inject } from "vitest";
import { createDb, type PrismaClient } from "../../app/platform/db/client.server";

let client: PrismaClient | undefined;

export function testDb(): PrismaClient {
  client ??= createDb(inject("databaseUrl"));
  return client;
}
