// Every admin route, present and future (each file app.*.tsx under app/routes), refuses a request
// without a valid session token: none, forged or expired. A route answering a method it does not
// handle (a GET on an action-only route) refuses too, before any of its code runs.
import { readdirSync } from "node:fs";
import { describe, expect, inject, it } from "vitest";
import { BROWSER_HEADERS, sessionToken } from "../support/session-token";
import { uniqueShop } from "../support/webhooks";

const app = () => inject("appUrl");

/** Remix's flat file name as a URL: "app.customers.$gid" -> "/app/customers/1", "[.]" -> ".". */
function routePath(file: string): string {
  const name = file.replace(/\.tsx?$/, "");
  const segments = name.split(/\.(?![^[]*\])/).filter((segment) => segment !== "_index");
  return "/" + segments.map((segment) => (segment.startsWith("$") ? "1" : segment.replace(/\[(.*?)\]/g, "$1"))).join("/");
}

const adminRoutes = readdirSync("app/routes")
  .filter((file) => /^app(\.|\.tsx$)/.test(file) && !file.includes(".test."))
  .map(routePath);

describe("admin routes without a valid session token", () => {
  it("finds the admin routes", () => {
    expect(adminRoutes).toContain("/app");
    expect(adminRoutes).toContain("/app/api/loyalty/program");
  });

  const shop = uniqueShop("routes-auth");
  const tokens = {
    none: null,
    forged: sessionToken(shop, { secret: "forged" }),
    expired: sessionToken(shop, { expiresInSeconds: -120 }),
  };

  for (const path of adminRoutes) {
    it(`refuses ${path}`, async () => {
      for (const [kind, token] of Object.entries(tokens)) {
        for (const method of ["GET", "POST"]) {
          const response = await fetch(`${app()}${path}?shop=${shop}`, {
            method,
            headers: {
              ...BROWSER_HEADERS,
              "Content-Type": "application/json",
              ...(token && { Authorization: `Bearer ${token}` }),
            },
            body: method === "POST" ? "{}" : undefined,
            redirect: "manual",
          });
          await response.arrayBuffer();
          const label = `${method} ${path} with ${kind} token: ${response.status}`;
          expect(response.status < 200 || response.status >= 300, label).toBe(true);
          if (token) expect(response.status, label).toBeGreaterThanOrEqual(400);
        }
      }
    });
  }
});
