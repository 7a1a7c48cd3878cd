// Sync: the history import's progress (and re-running it), the last webhook received per topic,
// the deliveries that failed with their error and retry state, and background jobs given up.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData, useNavigation, useRevalidator, useSearchParams } from "@remix-run/react";
import { BlockStack, Card, InlineGrid, Layout, Page, Text } from "@shopify/polaris";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { requireShop } from "../auth.server";
import { SyncDeadJobsCard } from "../components/sync-dead-jobs";
import { SyncErrorsCard, SyncWebhooksCard } from "../components/sync-deliveries";
import { HistoryImportCard } from "../components/sync-history-import";
import { useToast } from "../components/toast";
import { useFormat } from "../i18n/use-format";
import { adminClient } from "../platform/shopify/admin-client.server";
import { authenticate } from "../shopify.server";
import { rerunFileImport, rerunHistoryImport, type RerunOutcome } from "../sync/history-import.server";
import { getSyncStatus } from "../sync/status.server";
import { pageTitle } from "../i18n/meta";
import { deadJobsOf } from "../worker/worker.server";
export { PageErrorBoundary as ErrorBoundary } from "../components/page-error";

/** Written by `npm run demo` when it seeds the demo shop (scripts/demo.ts). */
const DEMO_HISTORY_FILE = "prisma/demo-history.jsonl";
/** While an import runs the page re-reads its progress this often. */
const PROGRESS_POLL_MS = 2000;

export const meta = pageTitle("nav.sync");

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, demo } = await requireShop(request);
  const page = Number(new URL(request.url).searchParams.get("errorsPage"));
  const [status, deadJobs] = await Promise.all([
    getSyncStatus(shop, { errorsPage: Number.isInteger(page) && page > 0 ? page : 0 }),
    deadJobsOf(shop),
  ]);
  return { ...status, deadJobs, demo, demoFile: demo ? DEMO_HISTORY_FILE : null };
};

/** Re-runs the history import: a new Bulk Operation on Shopify, the demo's own file in the demo. */
export const action = async ({ request }: ActionFunctionArgs): Promise<RerunOutcome> => {
  const { shop, demo } = await requireShop(request);
  if (demo) return rerunFileImport(shop, DEMO_HISTORY_FILE);
  const { session } = await authenticate.admin(request);
  return rerunHistoryImport(adminClient(session), shop);
};

export default function SyncPage() {
  const status = useLoaderData<typeof loader>();
  const { t } = useTranslation("sync");
  const format = useFormat();
  const navigation = useNavigation();
  const [params, setParams] = useSearchParams();
  const revalidator = useRevalidator();
  const rerun = useFetcher<typeof action>();
  const toast = useToast();
  const timeZone = status.shop?.timezone ?? "UTC";

  useEffect(() => {
    if (!status.importRunning) return;
    const timer = setInterval(() => revalidator.state === "idle" && revalidator.revalidate(), PROGRESS_POLL_MS);
    return () => clearInterval(timer);
  }, [status.importRunning, revalidator]);

  useEffect(() => {
    const outcome = rerun.data;
    if (!outcome || rerun.state !== "idle") return;
    if (outcome.started) toast(t("import.outcome.started"));
    else toast(t(`import.outcome.${outcome.reason}`, { error: outcome.error ?? "" }), { isError: true });
  }, [rerun.data, rerun.state, toast, t]);

  const loadingPage = navigation.state === "loading" && navigation.location.pathname === "/app/sync";
  const showErrorsPage = (page: number) => {
    const next = new URLSearchParams(params);
    if (page > 0) next.set("errorsPage", String(page));
    else next.delete("errorsPage");
    setParams(next, { preventScrollReset: true });
  };

  return (
    <Page
      title={t("title")}
      subtitle={
        status.shop
          ? t("subtitle", {
              shop: status.shop.name ?? status.shop.domain,
              currency: status.shop.currency,
              timezone: status.shop.timezone,
            })
          : undefined
      }
    >
      <Layout>
        <Layout.Section>
          <InlineGrid columns={{ xs: 1, md: 3 }} gap="400">
            <CountCard id="orders-synced" title={t("counts.orders")} value={format.number(status.orders)} />
            <CountCard id="customers-synced" title={t("counts.customers")} value={format.number(status.customers)} />
            <CountCard
              id="failed-deliveries"
              title={t("counts.errors")}
              value={format.number(status.errors.total)}
              critical={status.errors.total > 0}
            />
          </InlineGrid>
        </Layout.Section>
        <Layout.Section>
          <HistoryImportCard status={status} timeZone={timeZone} rerun={rerun} />
        </Layout.Section>
        <Layout.Section>
          <SyncWebhooksCard webhooks={status.webhooks} timeZone={timeZone} />
        </Layout.Section>
        <Layout.Section>
          <SyncErrorsCard errors={status.errors} timeZone={timeZone} loading={loadingPage} onPage={showErrorsPage} />
        </Layout.Section>
        <Layout.Section>
          <SyncDeadJobsCard deadJobs={status.deadJobs} />
        </Layout.Section>
      </Layout>
    </Page>
  );
}

function CountCard({ id, title, value, critical = false }: { id: string; title: string; value: string; critical?: boolean }) {
  return (
    <Card>
      <BlockStack gap="100">
        <Text as="h2" variant="headingSm">
          {title}
        </Text>
        <Text as="p" variant="heading2xl" id={id} tone={critical ? "critical" : undefined}>
          {value}
        </Text>
      </BlockStack>
    </Card>
  );
}
