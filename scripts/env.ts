// Loads .env (if present) without overriding variables already set, and keeps the Prisma CLI
// from trying to download native engines: this project runs Prisma on the JS query compiler.
import { existsSync } from "node:fs";
import { join } from "node:path";

const envFile = join(process.cwd(), ".env");
if (existsSync(envFile)) process.loadEnvFile?.(envFile);

const placeholder = join(process.cwd(), "prisma", "no-native-engine");
process.env.PRISMA_QUERY_ENGINE_LIBRARY ??= placeholder;
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= placeholder;
