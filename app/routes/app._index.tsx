import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Badge, BlockStack, Card, DataTable, InlineGrid, Layout, Page, ProgressBar, Text } from "@shopify/polaris";
import { requireShop } from "../auth.server";
import { getSyncStatus, type SyncStatus } from "../sync/status.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  return getSyncStatus(shop);
};

const importTone = { completed: "success", failed: "critical" } as const;

function HistoryImportCard({ historyImport }: { historyImport: SyncStatus["historyImport"] }) {
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
        <Badge tone={importTone[historyImport.status as keyof typeof importTone]}>{historyImport.status}</Badge>
        <Text as="p">{historyImport.ordersImported.toLocaleString("en")} orders imported</Text>
        {!done && historyImport.status !== "failed" && <ProgressBar progress={historyImport.status === "importing" ? 60 : 20} />}
        {historyImport.error && <Text as="p" tone="critical">{historyImport.error}</Text>}
        <Text as="p" tone="subdued">
          Started {new Date(historyImport.startedAt).toUTCString()}
          {historyImport.finishedAt && `, finished ${new Date(historyImport.finishedAt).toUTCString()}`}
        </Text>
      </BlockStack>
    </Card>
  );
}

export default function SyncStatusPage() {
  const status = useLoaderData<typeof loader>();
  return (
    <Page title="Sync status" subtitle={status.shop?.name ?? status.shop?.domain}>
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
          <HistoryImportCard historyImport={status.historyImport} />
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
                  rows={status.webhooks.map((w) => [w.topic, w.count, w.lastReceivedAt ? new Date(w.lastReceivedAt).toUTCString() : "—"])}
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
