import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Badge, BlockStack, Card, DataTable, InlineGrid, InlineStack, Layout, Page, ProgressBar, Text } from "@shopify/polaris";
import { requireShop } from "../auth.server";
import { getSyncStatus, type SyncStatus } from "../sync/status.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  return getSyncStatus(shop);
};

const importTone = { completed: "success", failed: "critical" } as const;

/** Times in the shop's own timezone, as the merchant reads them everywhere in Shopify. */
function formatTime(iso: string, timeZone: string) {
  return new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short", timeZone }).format(new Date(iso));
}

function HistoryImportCard({ historyImport, timeZone }: { historyImport: SyncStatus["historyImport"]; timeZone: string }) {
  if (!historyImport) {
    return (
      <Card>
        <Text as="h2" variant="headingMd">History import</Text>
        <Text as="p" tone="subdued">Not started yet. It starts when the app is installed.</Text>
      </Card>
    );
  }
  const done = historyImport.status === "completed";
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">History import</Text>
        <InlineStack>
          <Badge tone={importTone[historyImport.status as keyof typeof importTone]}>{historyImport.status}</Badge>
        </InlineStack>
        <Text as="p">{historyImport.ordersImported.toLocaleString("en")} orders imported</Text>
        {!done && historyImport.status !== "failed" && <ProgressBar progress={historyImport.status === "importing" ? 60 : 20} />}
        {historyImport.error && <Text as="p" tone="critical">{historyImport.error}</Text>}
        <Text as="p" tone="subdued">
          Started {formatTime(historyImport.startedAt, timeZone)}
          {historyImport.finishedAt && `, finished ${formatTime(historyImport.finishedAt, timeZone)}`}
        </Text>
      </BlockStack>
    </Card>
  );
}

export default function SyncStatusPage() {
  const status = useLoaderData<typeof loader>();
  const timeZone = status.shop?.timezone ?? "UTC";
  return (
    <Page title="Sync status" subtitle={status.shop?.name ?? status.shop?.domain} primaryAction={{ content: "Retention", url: "/app/retention" }}>
      <Layout>
        <Layout.Section>
          <InlineGrid columns={{ xs: 1, md: 3 }} gap="400">
            <Card>
              <Text as="h2" variant="headingSm">Orders synced</Text>
              <Text as="p" variant="heading2xl" id="orders-synced">{status.orders.toLocaleString("en")}</Text>
            </Card>
            <Card>
              <Text as="h2" variant="headingSm">Customers synced</Text>
              <Text as="p" variant="heading2xl" id="customers-synced">{status.customers.toLocaleString("en")}</Text>
            </Card>
            <Card>
              <Text as="h2" variant="headingSm">Webhook errors</Text>
              <Text as="p" variant="heading2xl" tone={status.failedEvents ? "critical" : undefined}>{status.failedEvents}</Text>
            </Card>
          </InlineGrid>
        </Layout.Section>
        <Layout.Section>
          <HistoryImportCard historyImport={status.historyImport} timeZone={timeZone} />
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">Webhooks received</Text>
              {status.webhooks.length === 0 ? (
                <Text as="p" tone="subdued">No webhook received yet.</Text>
              ) : (
                <DataTable
                  columnContentTypes={["text", "numeric", "text"]}
                  headings={["Topic", "Deliveries", "Last received"]}
                  rows={status.webhooks.map((w) => [w.topic, w.count, w.lastReceivedAt ? formatTime(w.lastReceivedAt, timeZone) : "—"])}
                />
              )}
              {status.recentErrors.map((e) => (
                <Text as="p" tone="critical" key={e.receivedAt + e.topic}>
                  {e.topic} ({e.status}): {e.lastError}
                </Text>
              ))}
            </BlockStack>
          </Card>
        </Layout.Section>
        {status.shop && (
          <Layout.Section>
            <Text as="p" tone="subdued">
              {status.shop.domain} · {status.shop.currency} · {status.shop.timezone} · {status.shop.installState}
            </Text>
          </Layout.Section>
        )}
      </Layout>
    </Page>
  );
}
