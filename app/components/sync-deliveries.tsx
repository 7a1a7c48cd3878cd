// Webhook deliveries on the sync page: the last one received per topic, and the failed ones with
// their error and whether (and when) the worker tries again, a page at a time.
import { BlockStack, Card, IndexTable, Text } from "@shopify/polaris";
import { useTranslation } from "react-i18next";
import { useFormat } from "../i18n/use-format";
import type { RetryState, SyncStatus } from "../sync/status.server";

export function SyncWebhooksCard({ webhooks, timeZone }: { webhooks: SyncStatus["webhooks"]; timeZone: string }) {
  const { t } = useTranslation("sync");
  const format = useFormat();
  return (
    <Card padding="0">
      <BlockStack gap="0">
        <div style={{ padding: "var(--p-space-400)" }}>
          <Text as="h2" variant="headingMd">
            {t("webhooks.title")}
          </Text>
        </div>
        <div id="webhooks-table">
          <IndexTable
            selectable={false}
            itemCount={webhooks.length}
            resourceName={{ singular: t("webhooks.topic"), plural: t("webhooks.topic") }}
            emptyState={
              <div style={{ padding: "var(--p-space-400)" }}>
                <Text as="p" tone="subdued">
                  {t("webhooks.none")}
                </Text>
              </div>
            }
            headings={[
              { title: t("webhooks.topic") },
              { title: t("webhooks.lastReceived") },
              { title: t("webhooks.deliveries"), alignment: "end" },
              { title: t("webhooks.failures"), alignment: "end" },
            ]}
          >
            {webhooks.map((w, index) => (
              <IndexTable.Row id={w.topic} key={w.topic} position={index}>
                <IndexTable.Cell>
                  <TopicName topic={w.topic} />
                </IndexTable.Cell>
                <IndexTable.Cell>{w.lastReceivedAt ? format.dateTime(w.lastReceivedAt, timeZone) : "—"}</IndexTable.Cell>
                <IndexTable.Cell>
                  <Text as="span" alignment="end" numeric>
                    {format.number(w.count)}
                  </Text>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <Text as="span" alignment="end" numeric tone={w.failures ? "critical" : undefined}>
                    {format.number(w.failures)}
                  </Text>
                </IndexTable.Cell>
              </IndexTable.Row>
            ))}
          </IndexTable>
        </div>
      </BlockStack>
    </Card>
  );
}

function useRetryText(timeZone: string) {
  const { t } = useTranslation("sync");
  const format = useFormat();
  return (retry: RetryState) => {
    switch (retry.state) {
      case "rejected":
        return t("errors.rejected");
      case "gaveUp":
        return t("errors.gaveUp", { attempts: retry.attempts });
      case "scheduled": {
        const next = { attempt: retry.attempts + 1, max: retry.maxAttempts };
        return retry.nextAttemptAt
          ? t("errors.scheduled", { ...next, time: format.dateTime(retry.nextAttemptAt, timeZone) })
          : t("errors.scheduledSoon", next);
      }
    }
  };
}

export function SyncErrorsCard({
  errors,
  timeZone,
  loading,
  onPage,
}: {
  errors: SyncStatus["errors"];
  timeZone: string;
  loading: boolean;
  onPage: (page: number) => void;
}) {
  const { t } = useTranslation("sync");
  const format = useFormat();
  const retryText = useRetryText(timeZone);
  const first = errors.page * errors.pageSize;
  return (
    <Card padding="0">
      <div style={{ padding: "var(--p-space-400)" }}>
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            {t("errors.title")}
          </Text>
          {errors.total > 0 && (
            <Text as="p" variant="bodySm" tone="subdued">
              {t("errors.range", {
                from: format.number(first + 1),
                to: format.number(first + errors.rows.length),
                total: format.number(errors.total),
              })}
            </Text>
          )}
        </BlockStack>
      </div>
      <div id="errors-table">
        <IndexTable
          selectable={false}
          loading={loading}
          itemCount={errors.rows.length}
          resourceName={{ singular: t("errors.title"), plural: t("errors.title") }}
          emptyState={
            <div style={{ padding: "var(--p-space-400)" }}>
              <Text as="p" tone="subdued">
                {t("errors.none")}
              </Text>
            </div>
          }
          headings={[
            { title: t("errors.received") },
            { title: t("errors.topic") },
            { title: t("errors.error") },
            { title: t("errors.retry") },
          ]}
          pagination={
            errors.total > errors.pageSize
              ? {
                  hasPrevious: errors.page > 0,
                  hasNext: first + errors.rows.length < errors.total,
                  onPrevious: () => onPage(errors.page - 1),
                  onNext: () => onPage(errors.page + 1),
                }
              : undefined
          }
        >
          {errors.rows.map((e, index) => (
            <IndexTable.Row id={String(e.id)} key={e.id} position={index}>
              <IndexTable.Cell>{format.dateTime(e.receivedAt, timeZone)}</IndexTable.Cell>
              <IndexTable.Cell>
                <TopicName topic={e.topic} />
              </IndexTable.Cell>
              <IndexTable.Cell>
                <div style={{ maxWidth: 420, whiteSpace: "normal", wordBreak: "break-word" }}>
                  <Text as="span" tone="critical">
                    {e.error ?? "—"}
                  </Text>
                </div>
              </IndexTable.Cell>
              <IndexTable.Cell>{retryText(e.retry)}</IndexTable.Cell>
            </IndexTable.Row>
          ))}
        </IndexTable>
      </div>
    </Card>
  );
}

/** A topic in the merchant's words, with Shopify's name of it beneath for whoever debugs it. */
function TopicName({ topic }: { topic: string }) {
  const { t } = useTranslation("sync");
  return (
    <BlockStack gap="050">
      <Text as="span" fontWeight="semibold">
        {t(`topics.${topic}`, { defaultValue: topic })}
      </Text>
      <Text as="span" variant="bodySm" tone="subdued">
        {topic}
      </Text>
    </BlockStack>
  );
}
