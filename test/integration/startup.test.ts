// The app checks its environment when it starts: a bad value stops it with the variable's name.
import { describe, expect, inject, it } from "vitest";
import { startAppServer } from "../support/app-server";

describe("start-up", () => {
  it("refuses to start with a bad COMEBACK_LEASE_MS, naming the variable", async () => {
    const server = await startAppServer({
      databaseUrl: inject("databaseUrl"),
      adminDoubleUrl: inject("adminDoubleUrl"),
      env: { COMEBACK_LEASE_MS: "abc" },
      waitForHealth: false,
    });
    const code = await new Promise<number | null>((resolve) => {
      if (server.process.exitCode !== null) resolve(server.process.exitCode);
      server.process.once("exit", resolve);
      setTimeout(() => resolve(null), 20_000);
    });
    await server.stop();
    expect(code, server.output()).not.toBeNull();
    expect(code).not.toBe(0);
    expect(server.output()).toContain('COMEBACK_LEASE_MS must be a whole number, got "abc"');
  });
});
