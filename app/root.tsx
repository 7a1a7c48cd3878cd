import type { LoaderFunctionArgs } from "@remix-run/node";
import { Links, Meta, Outlet, Scripts, ScrollRestoration, useRouteLoaderData } from "@remix-run/react";
import { useEffect } from "react";
import { requestLocale } from "./i18n/locale";

export const loader = ({ request }: LoaderFunctionArgs) => ({ locale: requestLocale(request) });

// The language is chosen when Shopify loads the app (its ?locale=) and kept rather than re-read on
// every navigation; the app's links carry ?locale= along (components/kept-params) for reloads.
export const shouldRevalidate = () => false;

export function useAppLocale() {
  return useRouteLoaderData<typeof loader>("root")?.locale ?? "en";
}

export function Layout({ children }: { children: React.ReactNode }) {
  const locale = useAppLocale();
  return (
    <html lang={locale}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <link rel="preconnect" href="https://cdn.shopify.com/" />
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  // Marks the page as interactive: typing into a controlled field before hydration is lost, so
  // browser tests wait for this before they act.
  useEffect(() => {
    document.documentElement.dataset.hydrated = "true";
  }, []);
  return <Outlet />;
}
