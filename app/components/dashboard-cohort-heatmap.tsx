// The cohort heatmap: a table (cohort × months since the first order) whose cells are shaded by
// value, in two modes: the share of the cohort ordering in month k, or the cumulative net revenue
// per cohort customer (LTV). A real table, so screen readers read it by row and column headers.
import { BlockStack, Box, Button, ButtonGroup, InlineStack, Text } from "@shopify/polaris";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useFormat } from "../i18n/use-format";
import { useMonthLabel } from "./dashboard-charts";

export interface HeatmapRow {
  cohort: string;
  size: number;
  cells: { month: number; percent: number; cumulativeRevenuePerCustomer: number; inProgress: boolean }[];
}

type Mode = "percent" | "ltv";

/** Shading steps; a cell's step is its value's share of the table's largest value. */
const STEPS = 5;

/**
 * The emphasis colour's share in each step's shade. Text must keep 4.5:1 on every shade: dark
 * text does up to 60 % (4.7:1), white text from about 85 %, and neither between, so the top
 * step jumps to the full colour (6.1:1 with white).
 */
const SHADE_PERCENT = [0, 15, 30, 45, 60, 100];
const INVERSE_TEXT_FROM_STEP = 5;

const shade = (step: number) =>
  `color-mix(in srgb, var(--p-color-bg-fill-emphasis) ${SHADE_PERCENT[step]}%, var(--p-color-bg-surface))`;

const cellStyle = { padding: "var(--p-space-150) var(--p-space-200)", textAlign: "right", whiteSpace: "nowrap" } as const;

export function CohortHeatmap({ rows, months, currency }: { rows: HeatmapRow[]; months: number; currency: string }) {
  const { t } = useTranslation("dashboard");
  const format = useFormat();
  const monthLabel = useMonthLabel();
  const [mode, setMode] = useState<Mode>("percent");
  const value = (cell: HeatmapRow["cells"][number]) => (mode === "percent" ? cell.percent : cell.cumulativeRevenuePerCustomer);
  const text = (v: number) => (mode === "percent" ? format.percent(v) : format.money(v, currency));
  // Month 0 is 100 % for every cohort: the percent scale is set by the later months.
  let max = 0;
  // A month in progress is still growing: it is shown unshaded and sets no part of the scale.
  for (const row of rows)
    for (const cell of row.cells) if ((mode === "ltv" || cell.month > 0) && !cell.inProgress) max = Math.max(max, value(cell));
  const stepOf = (v: number) => (max === 0 ? 0 : Math.min(STEPS, Math.ceil((v / max) * STEPS)));
  const modeName = t(mode === "percent" ? "heatmap.percentMode" : "heatmap.ltvMode");

  return (
    <BlockStack gap="300">
      <InlineStack gap="200" blockAlign="center">
        <Text as="span" variant="bodySm" tone="subdued">
          {t("heatmap.modeLabel")}
        </Text>
        <ButtonGroup variant="segmented">
          <Button pressed={mode === "percent"} onClick={() => setMode("percent")} id="heatmap-mode-percent">
            {t("heatmap.percentMode")}
          </Button>
          <Button pressed={mode === "ltv"} onClick={() => setMode("ltv")} id="heatmap-mode-ltv">
            {t("heatmap.ltvMode")}
          </Button>
        </ButtonGroup>
      </InlineStack>
      <Box overflowX="scroll">
        <table id="cohort-heatmap" data-mode={mode} style={{ borderCollapse: "separate", borderSpacing: 2, width: "100%" }}>
          <caption>
            <Text as="span" visuallyHidden>
              {t("heatmap.caption", { mode: modeName })}
            </Text>
          </caption>
          <thead>
            <tr>
              <th scope="col" style={{ ...cellStyle, textAlign: "left" }}>
                <Text as="span" variant="bodySm" fontWeight="semibold">
                  {t("heatmap.cohort")}
                </Text>
              </th>
              <th scope="col" style={cellStyle}>
                <Text as="span" variant="bodySm" fontWeight="semibold">
                  {t("heatmap.customers")}
                </Text>
              </th>
              {Array.from({ length: months }, (_, k) => (
                <th scope="col" key={k} style={cellStyle} title={t("heatmap.monthLong", { month: k })}>
                  <Text as="span" variant="bodySm" fontWeight="semibold">
                    {t("heatmap.month", { month: k })}
                  </Text>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.cohort}>
                <th scope="row" style={{ ...cellStyle, textAlign: "left" }}>
                  <Text as="span" variant="bodySm" fontWeight="medium">
                    {monthLabel(row.cohort)}
                  </Text>
                </th>
                <td style={cellStyle}>
                  <Text as="span" variant="bodySm" numeric>
                    {format.number(row.size)}
                  </Text>
                </td>
                {Array.from({ length: months }, (_, k) => {
                  const cell = row.cells[k];
                  if (!cell) return <td key={k} style={cellStyle} aria-label={t("heatmap.notYet")} />;
                  if (cell.inProgress) {
                    return (
                      <td
                        key={k}
                        style={{
                          ...cellStyle,
                          outline: "1px dashed var(--p-color-border)",
                          outlineOffset: -1,
                          fontStyle: "italic",
                        }}
                        data-in-progress
                        title={t("heatmap.inProgress")}
                      >
                        <Text as="span" variant="bodySm" numeric tone="subdued">
                          {text(value(cell))}
                        </Text>
                        <Text as="span" visuallyHidden>{` (${t("heatmap.inProgress")})`}</Text>
                      </td>
                    );
                  }
                  const step = mode === "percent" && k === 0 ? STEPS : stepOf(value(cell));
                  return (
                    <td
                      key={k}
                      style={{
                        ...cellStyle,
                        background: shade(step),
                        color: step >= INVERSE_TEXT_FROM_STEP ? "#ffffff" : undefined,
                      }}
                      data-step={step}
                    >
                      <Text as="span" variant="bodySm" numeric tone="inherit">
                        {text(value(cell))}
                      </Text>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </Box>
      <InlineStack gap="200" blockAlign="center" wrap>
        <Text as="span" variant="bodySm" tone="subdued">
          {t("heatmap.legend")}: {t(mode === "percent" ? "heatmap.legendPercent" : "heatmap.legendLtv")}
        </Text>
        <div id="heatmap-legend">
          <InlineStack gap="050" blockAlign="center">
            {Array.from({ length: STEPS }, (_, i) => {
              const step = i + 1;
              const upTo = (max * step) / STEPS;
              return (
                <span key={step} style={{ display: "inline-flex", alignItems: "center", gap: 4, marginInlineEnd: 8 }}>
                  <span
                    aria-hidden
                    style={{ display: "inline-block", width: 16, height: 16, borderRadius: 3, background: shade(step) }}
                  />
                  <Text as="span" variant="bodySm">
                    ≤ {text(mode === "percent" ? upTo : Math.round(upTo))}
                  </Text>
                </span>
              );
            })}
          </InlineStack>
        </div>
        {rows.some((row) => row.cells.some((cell) => cell.inProgress)) && (
          <Text as="span" variant="bodySm" tone="subdued">
            <span
              aria-hidden
              style={{
                display: "inline-block",
                width: 14,
                height: 14,
                outline: "1px dashed var(--p-color-border)",
                marginInlineEnd: 6,
                verticalAlign: "middle",
              }}
            />
            {t("heatmap.inProgressLegend")}
          </Text>
        )}
      </InlineStack>
    </BlockStack>
  );
}
