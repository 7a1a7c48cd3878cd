// Which database a DATABASE_URL names. Shared by the app, the Prisma config and the scripts.
export type DatabaseKind = "sqlite" | "postgresql";

export const DEFAULT_DATABASE_URL = "file:./prisma/dev.sqlite";

export function databaseKind(url: string): DatabaseKind {
  if (url.startsWith("file:")) return "sqlite";
  if (url.startsWith("postgres://") || url.startsWith("postgresql://")) return "postgresql";
  throw new Error(`DATABASE_URL must start with file: (SQLite) or postgres:// (PostgreSQL); got "${url.split(":")[0]}:..."`);
}

// `file:./prisma/dev.sqlite` -> `./prisma/dev.sqlite`, relative to the working directory.
export function sqliteFilePath(url: string): string {
  return url.slice("file:".length).split("?")[0];
}
