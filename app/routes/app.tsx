import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useLocation, useNavigation } from "@remix-run/react";
import { AppProvider as PolarisAppProvider, Frame, Loading, Navigation } from "@shopify/polaris";
import { useEffect } from "react";
import polarisDe from "@shopify/polaris/locales/de.json";
import polarisEn from "@shopify/polaris/locales/en.json";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import polarisVizStyles from "@shopify/polaris-viz/build/esm/styles.css?url";
import { PolarisVizProvider } from "@shopify/polaris-viz";
import { NavMenu } from "@shopify/app-bridge-react";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { I18nextProvider, useTranslation } from "react-i18next";
import { requireShop } from "../auth.server";
import { PageErrorBoundary } from "../components/page-error";
import { AppLink, useKeptHref } from "../components/kept-params";
import { ToastProvider } from "../components/toast";
import { env } from "../platform/env.server";
import { adminClientFor } from "../offline-admin.server";
import { finishInstall } from "../sync/install.server";
import { i18nFor } from "../i18n/i18n";
import { useAppLocale } from "../root";

export const links = () => [
  { rel: "stylesheet", href: polarisStyles },
  { rel: "stylesheet", href: polarisVizStyles },
];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, demo } = await requireShop(request);
  if (!demo) await finishInstall(shop, () => adminClientFor(shop));
  return { apiKey: env.SHOPIFY_API_KEY ?? "", demo };
};

const POLARIS_TRANSLATIONS = { en: polarisEn, de: polarisDe };

/** The app's pages, in the order of the admin's navigation. */
export const NAV_ITEMS = [
  { url: "/app", key: "nav.dashboard" },
  { url: "/app/customers", key: "nav.customers" },
  { url: "/app/campaigns", key: "nav.campaigns" },
  { url: "/app/loyalty", key: "nav.loyalty" },
  { url: "/app/feedback", key: "nav.feedback" },
  { url: "/app/referrals", key: "nav.referrals" },
  { url: "/app/sync", key: "nav.sync" },
] as const;

/**
 * While the next page's data loads, the admin's loading bar runs (App Bridge's inside Shopify,
 * Polaris's in the demo), as everywhere in the Shopify admin.
 */
function NavigationLoading({ embedded }: { embedded: boolean }) {
  const busy = useNavigation().state !== "idle";
  useEffect(() => {
    if (embedded) window.shopify?.loading?.(busy);
  }, [embedded, busy]);
  return !embedded && busy ? <Loading /> : null;
}

function DemoNavigation() {
  const { t } = useTranslation();
  const { pathname } = useLocation();
  // Each item's url goes through AppLink, which keeps the locale.
  return (
    <Navigation location={pathname}>
      <Navigation.Section
        items={NAV_ITEMS.map((item) => ({
          url: item.url,
          label: t(item.key),
          exactMatch: item.url === "/app",
          selected: item.url === "/app" ? pathname === "/app" : pathname.startsWith(item.url),
        }))}
      />
    </Navigation>
  );
}

export default function AppLayout() {
  const { apiKey, demo } = useLoaderData<typeof loader>();
  const locale = useAppLocale();
  const i18n = i18nFor(locale);
  const polarisTranslations = POLARIS_TRANSLATIONS[locale];
  const keep = useKeptHref();
  // The local demo runs outside the Shopify admin: Polaris with its own navigation, no App Bridge.
  if (demo) {
    return (
      <I18nextProvider i18n={i18n}>
        <PolarisAppProvider i18n={polarisTranslations} linkComponent={AppLink}>
          <Frame navigation={<DemoNavigation />}>
            <NavigationLoading embedded={false} />
            <ToastProvider embedded={false}>
              <PolarisVizProvider>
                <Outlet />
              </PolarisVizProvider>
            </ToastProvider>
          </Frame>
        </PolarisAppProvider>
      </I18nextProvider>
    );
  }
  return (
    <I18nextProvider i18n={i18n}>
      <AppProvider isEmbeddedApp apiKey={apiKey} i18n={polarisTranslations}>
        <NavMenu>
          {NAV_ITEMS.map((item) => (
            <Link key={item.url} to={keep(item.url)} {...(item.url === "/app" ? { rel: "home" } : {})}>
              {i18n.t(item.key)}
            </Link>
          ))}
        </NavMenu>
        <NavigationLoading embedded />
        <ToastProvider embedded>
          <PolarisVizProvider>
            <Outlet />
          </PolarisVizProvider>
        </ToastProvider>
      </AppProvider>
    </I18nextProvider>
  );
}

// The layout's own errors (its loader's) have no layout around them: the page stands alone.
export function ErrorBoundary() {
  const locale = useAppLocale();
  return (
    <PageErrorBoundary frame={(page) => <PolarisAppProvider i18n={POLARIS_TRANSLATIONS[locale]}>{page}</PolarisAppProvider>} />
  );
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
