import { basename, resolve } from "node:path";
import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig, type Plugin, type UserConfig } from "vite";
import tsconfigPaths from "vite-tsconfig-paths";
import { env } from "./app/platform/env.server";

// `shopify app dev` passes the tunnel URL in SHOPIFY_APP_URL; HMR must go through it too.
const appUrl = new URL(env.SHOPIFY_APP_URL ?? "http://localhost");
// npm run demo picks a free HMR port, so two demos (two checkouts' tests) never share a socket.
const hmrPort = env.HMR_PORT ?? 64999;
const hmr =
  appUrl.hostname === "localhost"
    ? { protocol: "ws", host: "localhost", port: hmrPort, clientPort: hmrPort }
    : { protocol: "wss", host: appUrl.hostname, port: env.FRONTEND_PORT ?? 8002, clientPort: 443 };

/**
 * Modules that run in worker threads (app/platform/threads.server.ts), built beside the server
 * bundle as `<name>.js`: a thread loads its own file, not the bundle.
 */
const THREAD_MODULES = ["app/metrics/model-thread.ts"];

function threadModules(): Plugin {
  let serverBuild = false;
  return {
    name: "comeback-thread-modules",
    apply: "build",
    configResolved(config) {
      serverBuild = Boolean(config.build.ssr);
    },
    buildStart() {
      if (!serverBuild) return;
      for (const path of THREAD_MODULES)
        this.emitFile({ type: "chunk", id: resolve(path), fileName: basename(path).replace(/\.ts$/, ".js") });
    },
  };
}

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

export default defineConfig({
  server: {
    port: env.PORT ?? 3000,
    hmr,
    fs: { allow: ["app", "node_modules"] },
    // Every page's modules transformed at startup: the routes load lazily, and a dependency first
    // met on a later page would make Vite re-optimise while pages are open (see optimizeDeps).
    warmup: { clientFiles: ["./app/root.tsx", "./app/routes/*.tsx"] },
  },
  plugins: [
    remix({
      ignoredRouteFiles: ["**/.*", "**/*.test.*"],
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_lazyRouteDiscovery: true,
        v3_singleFetch: true,
        v3_routeConfig: false,
      },
    }),
    tsconfigPaths(),
    threadModules(),
  ],
  build: { assetsInlineLimit: 0 },
  // Every dependency Vite's scan reaches from the routes, optimised up front (the server-only ones
  // too: the scan does not know that Remix strips them). One discovered on the first visit makes
  // Vite re-optimise and reload, and the page can then run two copies of React.
  optimizeDeps: {
    include: [
      "@remix-run/node",
      "@shopify/app-bridge-react",
      "@shopify/polaris",
      "@shopify/polaris-viz",
      "@shopify/shopify-app-remix/react",
      "@shopify/shopify-app-remix/server",
      "@shopify/shopify-app-remix/adapters/node",
      "@shopify/shopify-app-session-storage-prisma",
      "better-sqlite3",
      "i18next",
      "pg",
      "react-i18next",
      "zod",
    ],
  },
}) satisfies UserConfig;
