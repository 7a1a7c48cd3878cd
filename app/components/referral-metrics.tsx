// The referral page's figures: the rate of the period against the previous period and a year
// earlier (each with its interval and a plain-words verdict, or "too little data"), the referred
// cohort against other new customers, the leaderboard and the rewards' cost.
import { BlockStack, Card, DataTable, Text } from "@shopify/polaris";
import { useTranslation } from "react-i18next";
import { useFormat } from "../i18n/use-format";
import type { referralMetrics } from "../referrals/metrics.server";
import type { RateChange } from "../referrals/rate";

type Metrics = Awaited<ReturnType<typeof referralMetrics>>;

export function ReferralMetricsCards({ metrics }: { metrics: Metrics }) {
  const { t } = useTranslation("referrals");
  const format = useFormat();
  const { rate, periods, currency } = metrics;
  const points = (value: number) => t("metrics.points", { value: format.decimal(value, 1) });
  const interval = (ci: [number, number] | null | undefined, unit: (value: number) => string) =>
    ci ? t("metrics.interval", { low: unit(ci[0]), high: unit(ci[1]) }) : "";
  const comparison = (key: "vsPrevious" | "vsYearAgo", change: RateChange, period: { from: string; to: string }) => (
    <Text as="p" key={key}>
      {t(`metrics.${key}`, { from: format.day(period.from), to: format.day(period.to) })}:{" "}
      {change.change ? `${points(change.change.lift)} ${interval(change.change.ci95, points)} ` : ""}
      {t(`metrics.verdicts.${change.verdict}`)}
    </Text>
  );
  const percent = (value: number | null) => (value === null ? "–" : format.percent(value));
  const money = (value: number | null) => (value === null ? "–" : format.money(value, currency));
  return (
    <>
      <Card>
        <BlockStack gap="200">
          <Text as="h2" variant="headingMd">
            {t("metrics.rateTitle", { from: format.day(periods.current.from), to: format.day(periods.current.to) })}
          </Text>
          <Text as="p" variant="headingLg" id="referral-rate">
            {rate.current.rate === null ? t("metrics.noNewCustomers") : percent(rate.current.rate)}
          </Text>
          <Text as="p">
            {t("metrics.rateOf", { referred: rate.current.referred, customers: rate.current.newCustomers })}{" "}
            {interval(rate.current.ci95, (value) => format.percent(value))}
          </Text>
          {comparison("vsPrevious", metrics.vsPrevious, periods.previous)}
          {comparison("vsYearAgo", metrics.vsYearAgo, periods.yearAgo)}
          <Text as="p" variant="bodySm" tone="subdued">
            {t("metrics.definition")}
          </Text>
        </BlockStack>
      </Card>
      <Card>
        <BlockStack gap="200">
          <Text as="h2" variant="headingMd">
            {t("metrics.cohortTitle")}
          </Text>
          <DataTable
            columnContentTypes={["text", "numeric", "numeric", "numeric"]}
            headings={[t("metrics.group"), t("metrics.customers"), t("metrics.repeatRate"), t("metrics.revenuePerCustomer")]}
            rows={(["referred", "others"] as const).map((group) => [
              t(`metrics.groups.${group}`),
              format.number(metrics.cohort[group].customers),
              percent(metrics.cohort[group].repeatPurchaseRate),
              money(metrics.cohort[group].netRevenuePerCustomer),
            ])}
          />
          <Text as="p">
            {metrics.cohort.difference
              ? `${points(metrics.cohort.difference.lift)} ${interval(metrics.cohort.difference.ci95, points)} `
              : ""}
            {t(`metrics.verdicts.${metrics.cohort.verdict}`)}
          </Text>
        </BlockStack>
      </Card>
      <Card>
        <BlockStack gap="200">
          <Text as="h2" variant="headingMd">
            {t("metrics.leaderboardTitle")}
          </Text>
          {metrics.leaderboard.length === 0 ? (
            <Text as="p">{t("metrics.leaderboardEmpty")}</Text>
          ) : (
            <DataTable
              columnContentTypes={["text", "numeric", "numeric"]}
              headings={[t("metrics.member"), t("metrics.referrals"), t("metrics.pointsEarned")]}
              rows={metrics.leaderboard.map((row) => [
                row.name ?? t("metrics.unnamed"),
                format.number(row.referrals),
                format.number(row.points),
              ])}
            />
          )}
          <Text as="p">
            {t("metrics.cost", {
              points: format.number(metrics.cost.points),
              value:
                metrics.cost.pointsValue === null ? t("metrics.notValued") : format.money(metrics.cost.pointsValue, currency),
              discounts: format.money(metrics.cost.friendDiscounts, currency),
            })}
          </Text>
        </BlockStack>
      </Card>
    </>
  );
}
