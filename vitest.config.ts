import { defineConfig } from "vitest/config";

// Three projects: pure unit tests, and the integration suite twice, once against SQLite and once
// against PostgreSQL, each with the built app running as a real server (test/setup/app.ts).
const integration = (name: "sqlite" | "postgresql") => ({
  test: {
    name,
    include: ["test/integration/**/*.test.ts"],
    globalSetup: ["test/setup/app.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});

export default defineConfig({
  test: {
    projects: [
      { test: { name: "unit", include: ["app/**/*.test.ts", "scripts/**/*.test.ts", "test/unit/**/*.test.ts"] } },
      integration("sqlite"),
      integration("postgresql"),
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          globalSetup: ["test/setup/demo.ts"],
          testTimeout: 120_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});
