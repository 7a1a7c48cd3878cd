// Background jobs that failed their last attempt (app/platform/jobs.server.ts), with their error,
// on the sync page; shown only when there are some.
import { Banner, BlockStack, Card, IndexTable, Text } from "@shopify/polaris";
import { useTranslation } from "react-i18next";
import { useFormat } from "../i18n/use-format";
import type { DeadJobs } from "../worker/worker.server";

export function SyncDeadJobsCard({ deadJobs }: { deadJobs: DeadJobs }) {
  const { t } = useTranslation("sync");
  const format = useFormat();
  const queues = deadJobs.filter((queue) => queue.total > 0);
  if (queues.length === 0) return null;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {t("deadJobs.title")}
        </Text>
        <Banner tone="critical">{t("deadJobs.explanation")}</Banner>
        <div id="dead-jobs">
          {queues.map((queue) => (
            <BlockStack gap="200" key={queue.queue}>
              <Text as="h3" variant="headingSm">
                {`${t(`deadJobs.queues.${queue.queue}`)} (${format.number(queue.total)})`}
              </Text>
              <IndexTable
                selectable={false}
                itemCount={queue.rows.length}
                resourceName={{ singular: t("deadJobs.job"), plural: t("deadJobs.job") }}
                headings={[
                  { title: t("deadJobs.job") },
                  { title: t("deadJobs.attempts"), alignment: "end" },
                  { title: t("deadJobs.error") },
                ]}
              >
                {queue.rows.map((job, index) => (
                  <IndexTable.Row id={job.id} key={job.id} position={index}>
                    <IndexTable.Cell>{job.id}</IndexTable.Cell>
                    <IndexTable.Cell>
                      <Text as="span" alignment="end" numeric>
                        {format.number(job.attempts)}
                      </Text>
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      <Text as="span" breakWord>
                        {job.lastError ?? ""}
                      </Text>
                    </IndexTable.Cell>
                  </IndexTable.Row>
                ))}
              </IndexTable>
              {queue.total > queue.rows.length && (
                <Text as="p" tone="subdued">
                  {t("deadJobs.more", { count: queue.total - queue.rows.length })}
                </Text>
              )}
            </BlockStack>
          ))}
        </div>
      </BlockStack>
    </Card>
  );
}
