// The SQL dialect of the app's database, chosen once from DATABASE_URL: a process talks to one
// database. What each dialect says: dialects.ts.
import { databaseKind } from "../db/url";
import { env } from "../env.server";
import { dialectOf, type Dialect } from "./dialects";

export const dialect: Dialect = dialectOf(databaseKind(env.DATABASE_URL));
