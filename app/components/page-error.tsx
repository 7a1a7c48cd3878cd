// Errors of the app's pages. Shopify's thrown responses (the auth bounce pages) render as Shopify
// wrote them; anything else, a missing record included, gets a readable page rather than a blank
// one. A page's own boundary keeps the app's layout and navigation around the message.
import { isRouteErrorResponse, useRouteError } from "@remix-run/react";
import { Banner, Page } from "@shopify/polaris";
import type { ReactNode } from "react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { i18nFor } from "../i18n/i18n";
import { useAppLocale } from "../root";

export function PageError({ error }: { error: unknown }) {
  const { t } = i18nFor(useAppLocale());
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  const message = isRouteErrorResponse(error)
    ? String(error.data || error.statusText)
    : error instanceof Error
      ? error.message
      : String(error);
  return (
    <Page title={t("appName")}>
      <Banner tone="critical" title={notFound ? t("states.notFound") : t("states.error")}>
        <p>{t("states.errorBody", { message })}</p>
      </Banner>
    </Page>
  );
}

/**
 * A page route's ErrorBoundary (re-exported by each page). The layout's own boundary passes
 * `frame`: its errors have no layout, and so no Polaris provider, around them.
 */
export function PageErrorBoundary({ frame = (page) => page }: { frame?: (page: ReactNode) => ReactNode }) {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status !== 404) return boundary.error(error);
  return frame(<PageError error={error} />);
}
