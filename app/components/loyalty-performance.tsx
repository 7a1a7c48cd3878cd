// The program's performance on the overview: how members, held-out members and other customers buy
// again, the holdout lift, and what the points add up to.
import { BarChart } from "@shopify/polaris-viz";
import { BlockStack, Box, Card, DataTable, InlineGrid, SkeletonBodyText, Text } from "@shopify/polaris";
import { useHydrated } from "./browser";
import { useTranslation } from "react-i18next";
import type { programPerformance } from "../loyalty/performance.server";
import { verdictText } from "../campaigns/lift";
import { useFormat } from "../i18n/use-format";

type Performance = Awaited<ReturnType<typeof programPerformance>>;
const GROUPS = ["members", "holdout", "nonMembers"] as const;

function Figure({ id, label, value, help }: { id: string; label: string; value: string; help?: string }) {
  return (
    <BlockStack gap="100">
      <Text as="h3" variant="headingSm" tone="subdued">
        {label}
      </Text>
      <Text as="p" variant="headingLg" id={id}>
        {value}
      </Text>
      {help && (
        <Text as="p" variant="bodySm" tone="subdued">
          {help}
        </Text>
      )}
    </BlockStack>
  );
}

export function CustomerGroupsCard({ performance }: { performance: Performance }) {
  const { t } = useTranslation("loyalty");
  const format = useFormat();
  const mounted = useHydrated();
  const { customers, currency } = performance;
  const dash = t("overview.none");
  const rate = (value: number | null) => (value === null ? dash : format.percent(value));
  const chartData = [
    {
      name: t("overview.groups.repeatRate"),
      data: GROUPS.map((group) => ({ key: t(`overview.groups.${group}`), value: customers[group].repeatPurchaseRate })),
    },
  ];
  return (
    <Card>
      <BlockStack gap="400">
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            {t("overview.groups.title")}
          </Text>
          <Text as="p" tone="subdued">
            {t("overview.groups.help")}
          </Text>
        </BlockStack>
        <Box minHeight="240px">
          {mounted ? (
            <div style={{ height: 240 }} id="loyalty-groups-chart">
              <BarChart
                data={chartData}
                showLegend={false}
                yAxisOptions={{ labelFormatter: (value) => format.percent(Number(value), 0) }}
                tooltipOptions={{ valueFormatter: (value) => format.percent(Number(value)) }}
              />
            </div>
          ) : (
            <SkeletonBodyText lines={8} />
          )}
        </Box>
        <DataTable
          columnContentTypes={["text", "numeric", "numeric", "numeric"]}
          headings={[
            t("overview.groups.group"),
            t("overview.groups.customers"),
            t("overview.groups.repeatRate"),
            t("overview.groups.revenuePerCustomer"),
          ]}
          rows={GROUPS.map((group) => [
            t(`overview.groups.${group}`),
            <span key="customers" id={`group-${group}-customers`}>
              {format.number(customers[group].customers)}
            </span>,
            <span key="rate" id={`group-${group}-rate`}>
              {rate(customers[group].repeatPurchaseRate)}
            </span>,
            customers[group].netRevenuePerCustomer === null
              ? dash
              : format.money(customers[group].netRevenuePerCustomer, currency),
          ])}
        />
      </BlockStack>
    </Card>
  );
}

export function HoldoutLiftCard({ performance }: { performance: Performance }) {
  const { t } = useTranslation("loyalty");
  const format = useFormat();
  const { holdoutLift, customers, currency } = performance;
  const { comparison } = holdoutLift;
  const signed = (value: number) =>
    `${Number(value.toFixed(1)) > 0 ? "+" : ""}${format.decimal(Number(value.toFixed(1)) || 0, 1)}`;
  const signedMoney = (value: bigint) => `${value > 0n ? "+" : ""}${format.money(value, currency)}`;
  const verdict = comparison && verdictText(comparison, format.locale);
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {t("overview.lift.title")}
        </Text>
        <Text as="p" tone="subdued">
          {t("overview.lift.help")}
        </Text>
        {comparison ? (
          <>
            <Text as="p" variant="headingSm" id="holdout-lift-verdict">
              {t(`overview.lift.verdict.${verdict!.key}`, verdict!.values)}
            </Text>
            <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
              <Figure
                id="holdout-lift"
                label={t("overview.lift.value")}
                value={t("overview.lift.points", { value: signed(comparison.difference) })}
                help={t("overview.lift.interval", {
                  low: signed(comparison.differenceInterval[0]),
                  high: signed(comparison.differenceInterval[1]),
                })}
              />
              <Figure
                id="holdout-revenue-lift"
                label={t("overview.lift.revenueValue")}
                value={signedMoney(comparison.revenuePerCustomerDifference)}
                help={t("overview.lift.revenueInterval", {
                  low: signedMoney(comparison.revenuePerCustomerDifferenceInterval[0]),
                  high: signedMoney(comparison.revenuePerCustomerDifferenceInterval[1]),
                })}
              />
            </InlineGrid>
            <Text as="p" variant="bodySm" tone="subdued">
              {t("overview.lift.anytime")}
            </Text>
          </>
        ) : (
          <Text as="p" id="holdout-lift-note">
            {t(customers.members.customers < 2 ? "overview.lift.noMembers" : "overview.lift.noHoldout")}
          </Text>
        )}
      </BlockStack>
    </Card>
  );
}

export function PointsCard({ performance }: { performance: Performance }) {
  const { t } = useTranslation("loyalty");
  const format = useFormat();
  const { points, liability, storeCredit, currency } = performance;
  const figures = [
    ["issued", points.issued],
    ["redeemed", points.redeemed],
    ["expired", points.expired],
    ["outstanding", points.outstanding],
    ["pending", points.pending],
  ] as const;
  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          {t("overview.points.title")}
        </Text>
        <InlineGrid columns={{ xs: 2, md: 5 }} gap="400">
          {figures.map(([name, value]) => (
            // `|| 0`: a negated empty sum is -0, which Intl writes as "-0".
            <Figure key={name} id={`points-${name}`} label={t(`overview.points.${name}`)} value={format.number(value || 0)} />
          ))}
        </InlineGrid>
        <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
          <Figure
            id="points-redemption-rate"
            label={t("overview.points.redemptionRate")}
            value={points.redemptionRate === null ? t("overview.none") : format.percent(points.redemptionRate)}
            help={t("overview.points.redemptionRateHelp")}
          />
          <Figure
            id="points-liability"
            label={t("overview.points.liability")}
            value={liability ? format.money(liability.amount, currency) : t("overview.none")}
            help={
              liability
                ? t("overview.points.liabilityHelp", {
                    value: format.money(liability.valuePerPoint.value, currency),
                    points: format.number(liability.valuePerPoint.points),
                  })
                : t("overview.points.liabilityUnknown")
            }
          />
          <Figure
            id="store-credit-issued"
            label={t("overview.points.storeCreditIssued")}
            value={format.money(storeCredit.issued, currency)}
            help={t("overview.points.storeCreditIssuedHelp", { count: storeCredit.redemptions })}
          />
          <Figure
            id="store-credit-liability"
            label={t("overview.points.storeCreditLiability")}
            value={format.money(storeCredit.unexpired, currency)}
            help={t("overview.points.storeCreditLiabilityHelp")}
          />
        </InlineGrid>
      </BlockStack>
    </Card>
  );
}
