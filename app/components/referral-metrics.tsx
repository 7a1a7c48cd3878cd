// The referral page's figures: the rate of the period against the previous period and a year
// earlier, and the referred cohort against other new customers, each with its always-valid interval
// and verdict in plain words (app/campaigns/lift.ts), or why there is not enough data yet; the
// leaderboard and the rewards' cost.
import { BlockStack, Card, DataTable, Text } from "@shopify/polaris";
import { useTranslation } from "react-i18next";
import { verdictText, type Comparison } from "../campaigns/lift";
import { useFormat } from "../i18n/use-format";
import type { referralMetrics } from "../referrals/metrics.server";

type Metrics = Awaited<ReturnType<typeof referralMetrics>>;

export function ReferralMetricsCards({ metrics }: { metrics: Metrics }) {
  const { t } = useTranslation("referrals");
  const format = useFormat();
  const { rate, periods, currency } = metrics;
  /** The comparison in plain words, in the wording of `kind` (rateVerdict, cohortVerdict). */
  const verdict = (kind: "rateVerdict" | "cohortVerdict", comparison: Comparison | null) => {
    if (!comparison) return t(`metrics.${kind}.noCustomers`);
    const { key, values } = verdictText(comparison, format.locale);
    return t(`metrics.${kind}.${key}`, values);
  };
  const percent = (value: number | null) => (value === null ? "–" : format.percent(value));
  const cohort = metrics.cohort.comparison;
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
          {rate.current.interval && (
            <Text as="p">
              {t("metrics.rateOf", {
                referred: format.number(rate.current.referred),
                customers: format.number(rate.current.newCustomers),
                low: percent(rate.current.interval[0]),
                high: percent(rate.current.interval[1]),
              })}
            </Text>
          )}
          {(["vsPrevious", "vsYearAgo"] as const).map((key) => (
            <Text as="p" key={key}>
              {t(`metrics.${key}`, {
                from: format.day(periods[key === "vsPrevious" ? "previous" : "yearAgo"].from),
                to: format.day(periods[key === "vsPrevious" ? "previous" : "yearAgo"].to),
              })}{" "}
              {verdict("rateVerdict", metrics[key])}
            </Text>
          ))}
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
          {cohort && (
            <DataTable
              columnContentTypes={["text", "numeric", "numeric", "numeric"]}
              headings={[t("metrics.group"), t("metrics.customers"), t("metrics.repeatRate"), t("metrics.revenuePerCustomer")]}
              rows={[
                [t("metrics.groups.referred"), cohort.arm],
                [t("metrics.groups.others"), cohort.control],
              ].map(([label, arm]) => {
                const group = arm as Comparison["arm"];
                return [
                  label as string,
                  format.number(group.reached),
                  percent(group.rate),
                  format.money(group.revenuePerCustomer, currency),
                ];
              })}
            />
          )}
          <Text as="p">{verdict("cohortVerdict", cohort)}</Text>
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
