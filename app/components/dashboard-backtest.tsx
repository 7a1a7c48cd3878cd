// The dashboard's answer to "can I trust these predictions?": what the purchase model predicted
// for the shop's recent past, fitted without it, against what happened.
import { BlockStack, Card, Text } from "@shopify/polaris";
import { useTranslation } from "react-i18next";
import { useFormat } from "../i18n/use-format";
import type { BacktestView } from "../metrics/metrics.server";
import { BacktestChart } from "./dashboard-charts";

/** Aggregate errors up to these shares read as close and as fair; beyond, as far off. */
const CLOSE_ERROR = 0.1;
const FAIR_ERROR = 0.25;

export function BacktestCard({
  backtest,
  model,
}: {
  backtest: BacktestView | null;
  model: BacktestView["models"][number]["model"];
}) {
  const { t } = useTranslation("dashboard");
  const format = useFormat();
  if (!backtest) {
    return (
      <Card>
        <BlockStack gap="200">
          <Text as="h2" variant="headingMd">
            {t("backtest.title")}
          </Text>
          <Text as="p" tone="subdued">
            {t("backtest.tooShort")}
          </Text>
        </BlockStack>
      </Card>
    );
  }
  const used = backtest.models.find((m) => m.model === model) ?? backtest.models[0];
  const other = backtest.models.find((m) => m.model !== used.model);
  const name = (m: { model: string }) => t(`predictions.models.${m.model}`);
  const from = format.day(backtest.holdoutFrom);
  const error = used.aggregateError;
  const verdict =
    error === null ? "none" : Math.abs(error) <= CLOSE_ERROR ? "close" : Math.abs(error) <= FAIR_ERROR ? "fair" : "poor";
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {t("backtest.title")}
        </Text>
        <Text as="p" id="backtest-summary">
          {t("backtest.summary", {
            from,
            to: format.day(backtest.holdoutTo),
            customers: format.number(backtest.customers),
            predicted: format.number(Math.round(used.predictedPurchases)),
            actual: format.number(backtest.actualPurchases),
          })}{" "}
          <Text as="span" fontWeight="semibold">
            {t(`backtest.verdict.${verdict}`, { error: error === null ? "" : format.percent(Math.abs(error) * 100) })}
          </Text>
        </Text>
        {other && (
          <Text as="p" variant="bodySm">
            {other.converged
              ? t("backtest.model", {
                  model: name(used),
                  other: name(other),
                  error: format.decimal(used.meanAbsoluteError, 2),
                  otherError: format.decimal(other.meanAbsoluteError, 2),
                })
              : t("backtest.onlyModel", { model: name(used), other: name(other) })}
          </Text>
        )}
        <BacktestChart rows={used.byFrequency} from={from} />
        <Text as="p" variant="bodySm" tone="subdued">
          {t("backtest.help", { days: backtest.holdoutDays })}
        </Text>
      </BlockStack>
    </Card>
  );
}
