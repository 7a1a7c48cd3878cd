import { describe, expect, it } from "vitest";
import { parseEnv } from "./env.server";

describe("environment", () => {
  it("has the README's defaults when nothing is set, and counts an empty variable as unset", () => {
    for (const source of [
      {},
      { DATABASE_URL: "", DATABASE_POOL_SIZE: "", COMEBACK_LEASE_MS: "", COMEBACK_QUIET: "", COMEBACK_WORKER: "" },
    ]) {
      expect(parseEnv(source)).toMatchObject({
        DATABASE_URL: "file:./prisma/dev.sqlite",
        DATABASE_POOL_SIZE: 10,
        COMEBACK_WORKER: true,
        COMEBACK_WORKER_INTERVAL_MS: 5000,
        COMEBACK_RETRY_BASE_MS: 1000,
        COMEBACK_LEASE_MS: 300_000,
        COMEBACK_CACHE_BUDGET_MIB: 512,
        COMEBACK_HOST_PROXIES: 1,
        COMEBACK_QUIET: false,
        COMEBACK_DEMO: false,
        SCOPES: undefined,
        PORT: undefined,
      });
    }
  });

  it("reads the values as the app uses them", () => {
    const env = parseEnv({
      SHOPIFY_APP_URL: "https://comeback.example.com",
      SCOPES: "read_orders,read_customers",
      DATABASE_URL: "postgres://app:secret@db:5432/comeback",
      DATABASE_POOL_SIZE: "4",
      PORT: "8080",
      COMEBACK_WORKER: "off",
      COMEBACK_LEASE_MS: "2000",
      COMEBACK_QUIET: "1",
      COMEBACK_DEMO: "1",
    });
    expect(env).toMatchObject({
      SHOPIFY_APP_URL: "https://comeback.example.com",
      SCOPES: ["read_orders", "read_customers"],
      DATABASE_POOL_SIZE: 4,
      PORT: 8080,
      COMEBACK_WORKER: false,
      COMEBACK_LEASE_MS: 2000,
      COMEBACK_QUIET: true,
      COMEBACK_DEMO: true,
    });
  });

  it.each([
    ["COMEBACK_LEASE_MS", "abc", 'COMEBACK_LEASE_MS must be a whole number, got "abc"'],
    ["COMEBACK_LEASE_MS", "0", "COMEBACK_LEASE_MS must be at least 1"],
    ["COMEBACK_WORKER_INTERVAL_MS", "1.5", "COMEBACK_WORKER_INTERVAL_MS must be a whole number"],
    ["COMEBACK_RETRY_BASE_MS", "-100", "COMEBACK_RETRY_BASE_MS must be a whole number"],
    ["COMEBACK_CACHE_BUDGET_MIB", "0", "COMEBACK_CACHE_BUDGET_MIB must be at least 1"],
    ["DATABASE_POOL_SIZE", "ten", "DATABASE_POOL_SIZE must be a whole number"],
    ["PORT", "70000", "PORT must be at most 65535"],
    ["HMR_PORT", "x", "HMR_PORT must be a whole number"],
    ["COMEBACK_HOST_PROXIES", "one", "COMEBACK_HOST_PROXIES must be a whole number"],
    ["COMEBACK_HOST_PROXIES", "10", "COMEBACK_HOST_PROXIES must be at most 9"],
    ["COMEBACK_WORKER", "of", "COMEBACK_WORKER must be on or off"],
    ["COMEBACK_DEMO", "true", "COMEBACK_DEMO must be 1 (on) or 0"],
    ["SHOPIFY_APP_URL", "comeback.example.com", "SHOPIFY_APP_URL must be a URL"],
    ["DATABASE_URL", "mysql://app:secret@db/comeback", "DATABASE_URL must start with file: (SQLite) or postgres:// (PostgreSQL)"],
  ])("refuses %s=%s with an error naming the variable", (name, value, message) => {
    expect(() => parseEnv({ [name]: value })).toThrow(message);
  });

  it("names every bad variable at once, and never repeats a secret's value", () => {
    let message = "";
    try {
      parseEnv({ COMEBACK_LEASE_MS: "abc", DATABASE_URL: "mysql://app:secret@db/comeback" });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("COMEBACK_LEASE_MS");
    expect(message).toContain("DATABASE_URL");
    expect(message).not.toContain("secret");
  });
});
