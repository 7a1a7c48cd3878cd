// The history import card: the latest import's step and progress, earlier imports, and the
// re-run button with its confirmation.
import type { FetcherWithComponents } from "@remix-run/react";
import { Badge, Banner, BlockStack, Box, Button, Card, DataTable, InlineStack, Modal, ProgressBar, Text } from "@shopify/polaris";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useFormat } from "../i18n/use-format";
import type { RerunOutcome } from "../sync/history-import.server";
import type { SyncStatus } from "../sync/status.server";

type ImportView = NonNullable<SyncStatus["historyImport"]>;

/** The steps an import goes through: Shopify's export first, unless the history is a file. */
const STEPS: Record<string, string[]> = {
  bulk: ["running", "importing", "completed"],
  file: ["importing", "completed"],
};

function progressOf(job: ImportView) {
  const steps = STEPS[job.source] ?? STEPS.bulk!;
  // "ready" (export done, import not begun) and "created" count as the step they wait for.
  const status = job.status === "ready" ? "importing" : job.status === "created" ? steps[0] : job.status;
  const step = Math.max(0, steps.indexOf(status)) + 1;
  return { step, steps: steps.length, percent: job.status === "completed" ? 100 : ((step - 0.5) / steps.length) * 100 };
}

const TONES: Record<string, "success" | "critical" | "info" | undefined> = { completed: "success", failed: "critical" };

function ImportState({ job }: { job: ImportView }) {
  const { t } = useTranslation("sync");
  return <Badge tone={TONES[job.status] ?? "info"}>{t(`import.status.${job.status}`, { defaultValue: job.status })}</Badge>;
}

export function HistoryImportCard({
  status,
  timeZone,
  rerun,
}: {
  status: SyncStatus & { demo: boolean; demoFile: string | null };
  timeZone: string;
  rerun: FetcherWithComponents<RerunOutcome>;
}) {
  const { t } = useTranslation("sync");
  const format = useFormat();
  const [confirming, setConfirming] = useState(false);
  const job = status.historyImport;
  const submitting = rerun.state !== "idle";
  useEffect(() => {
    if (rerun.state === "idle" && rerun.data) setConfirming(false);
  }, [rerun.state, rerun.data]);

  const progress = job && progressOf(job);
  const active = status.importRunning;
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            {t("import.title")}
          </Text>
          <Button onClick={() => setConfirming(true)} disabled={active} id="rerun-import">
            {t("import.rerun")}
          </Button>
        </InlineStack>
        {!job ? (
          <Text as="p" tone="subdued">
            {t("import.none")}
          </Text>
        ) : (
          <BlockStack gap="200" id="history-import">
            <InlineStack gap="200" blockAlign="center">
              <ImportState job={job} />
              <Text as="span" variant="bodySm" tone="subdued">
                {job.source === "file" ? t("import.source.file", { file: job.fileName ?? "" }) : t("import.source.bulk")}
              </Text>
            </InlineStack>
            <Text as="p" id="orders-imported">
              {t("import.ordersImported", { count: job.ordersImported, orders: format.number(job.ordersImported) })}
            </Text>
            {progress && job.status !== "failed" && (
              <BlockStack gap="100">
                <ProgressBar
                  progress={progress.percent}
                  tone={job.status === "completed" ? "success" : "highlight"}
                  size="small"
                />
                <Text as="p" variant="bodySm" tone="subdued">
                  {t("import.step", { step: progress.step, steps: progress.steps })}
                </Text>
              </BlockStack>
            )}
            {job.error && <Banner tone="critical">{job.error}</Banner>}
            <Text as="p" variant="bodySm" tone="subdued">
              {t("import.startedAt", { time: format.dateTime(job.startedAt, timeZone) })}
              {job.finishedAt && `, ${t("import.finishedAt", { time: format.dateTime(job.finishedAt, timeZone) })}`}
            </Text>
          </BlockStack>
        )}
        {active && (
          <Text as="p" variant="bodySm" tone="subdued">
            {t("import.rerunRunning")}
          </Text>
        )}
        {status.previousImports.length > 0 && (
          <Box paddingBlockStart="200">
            <BlockStack gap="100">
              <Text as="h3" variant="headingSm">
                {t("import.previous")}
              </Text>
              <DataTable
                columnContentTypes={["text", "text", "numeric"]}
                headings={[t("import.when"), t("import.state"), t("import.orders")]}
                rows={status.previousImports.map((previous) => [
                  format.dateTime(previous.startedAt, timeZone),
                  t(`import.status.${previous.status}`, { defaultValue: previous.status }),
                  format.number(previous.ordersImported),
                ])}
              />
            </BlockStack>
          </Box>
        )}
      </BlockStack>
      <Modal
        open={confirming}
        onClose={() => setConfirming(false)}
        title={t("import.modal.title")}
        primaryAction={{
          content: t("import.modal.confirm"),
          loading: submitting,
          onAction: () => rerun.submit({}, { method: "post" }),
        }}
        secondaryActions={[{ content: t("common:actions.cancel"), onAction: () => setConfirming(false), disabled: submitting }]}
      >
        <Modal.Section>
          <Text as="p">
            {status.demo ? t("import.modal.bodyDemo", { file: status.demoFile }) : t("import.modal.bodyShopify")}
          </Text>
        </Modal.Section>
      </Modal>
    </Card>
  );
}
