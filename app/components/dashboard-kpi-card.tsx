// One KPI: the period's value, its change against the previous period and/or a year earlier (points
// for rates, percent otherwise, coloured by whether it is good news), and its one-line definition.
import { BlockStack, Card, InlineStack, Text } from "@shopify/polaris";
import { useTranslation } from "react-i18next";
import { useFormat } from "../i18n/use-format";
import type { KpiDefinition } from "../metrics/definitions";

export interface KpiFigure extends KpiDefinition {
  value: number | null;
  /** Absent when the merchant chose not to compare with that period. */
  vsPrevious?: number | null;
  vsYearAgo?: number | null;
}

function useKpiValue(currency: string) {
  const { t } = useTranslation("dashboard");
  const format = useFormat();
  return (value: number | null, kind: KpiDefinition["format"]) => {
    if (value === null) return t("change.none");
    switch (kind) {
      case "percent":
        return format.percent(value);
      case "money":
        return format.money(value, currency);
      case "decimal":
        return format.decimal(value, 2);
      case "days":
        return t("days", { count: value, days: format.number(value, 1) });
      case "count":
        return format.number(value);
    }
  };
}

function Change({ change, label, figure }: { change: number | null; label: "vsPrevious" | "vsYearAgo"; figure: KpiFigure }) {
  const { t } = useTranslation("dashboard");
  const { locale } = useFormat();
  if (change === null)
    return (
      <Text as="p" variant="bodySm" tone="subdued">
        {t(`change.${label}`, { change: t("change.none") })}
      </Text>
    );
  const signed = new Intl.NumberFormat(locale, {
    signDisplay: "exceptZero",
    maximumFractionDigits: 1,
    minimumFractionDigits: 1,
    ...(figure.format === "percent" ? {} : { style: "percent" }),
  }).format(figure.format === "percent" ? change : change / 100);
  const text = figure.format === "percent" ? t("change.points", { value: signed }) : signed;
  const good = Math.round(change * 10) === 0 ? null : change > 0 !== Boolean(figure.lowerIsBetter);
  return (
    <Text as="p" variant="bodySm" tone={good === null ? "subdued" : good ? "success" : "critical"}>
      {t(`change.${label}`, { change: text })}
      {good !== null && (
        <Text as="span" visuallyHidden>
          {" "}
          ({t(good ? "change.better" : "change.worse")})
        </Text>
      )}
    </Text>
  );
}

/** `lookbackDays`: the window "active" is measured in, which the retention and churn titles name. */
export function KpiCard({ figure, currency, lookbackDays }: { figure: KpiFigure; currency: string; lookbackDays: number }) {
  const { t } = useTranslation("dashboard");
  const value = useKpiValue(currency);
  return (
    <Card>
      <BlockStack gap="150">
        <Text as="h2" variant="headingSm">
          {t(`kpis.${figure.name}.label`, { days: lookbackDays })}
        </Text>
        <Text as="p" variant="headingXl" id={`kpi-${figure.name}`}>
          {value(figure.value, figure.format)}
        </Text>
        <InlineStack gap="300">
          {figure.vsPrevious !== undefined && <Change change={figure.vsPrevious} label="vsPrevious" figure={figure} />}
          {figure.vsYearAgo !== undefined && <Change change={figure.vsYearAgo} label="vsYearAgo" figure={figure} />}
        </InlineStack>
        <Text as="p" variant="bodySm" tone="subdued">
          {t(`kpis.${figure.name}.help`)}
        </Text>
      </BlockStack>
    </Card>
  );
}
