// The customer page's feedback card: the customer's answers, newest first (docs/feedback.md).
import { BlockStack, Card, DataTable, Text } from "@shopify/polaris";
import { useTranslation } from "react-i18next";
import { useFormat } from "../i18n/use-format";

interface Answer {
  orderGid: string;
  nps: number | null;
  csat: number | null;
  ces: number | null;
  comment: string | null;
  firstAnsweredAt: string | Date;
  answeredAt: string | Date;
  points: number;
}

export function CustomerFeedback({ answers, timezone }: { answers: Answer[]; timezone: string }) {
  const { t } = useTranslation("feedback");
  const format = useFormat();
  const score = (value: number | null) => (value === null ? "—" : format.number(value));
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {t("customer.heading")}
        </Text>
        {answers.length === 0 ? (
          <p>{t("customer.empty")}</p>
        ) : (
          <div id="customer-feedback">
            <DataTable
              columnContentTypes={["text", "text", "numeric", "numeric", "numeric", "text"]}
              headings={[
                t("customer.answered"),
                t("customer.order"),
                t("customer.nps"),
                t("customer.csat"),
                t("customer.ces"),
                t("customer.comment"),
              ]}
              rows={answers.map((answer) => [
                format.dateTime(answer.firstAnsweredAt, timezone) +
                  (String(answer.answeredAt) !== String(answer.firstAnsweredAt)
                    ? ` (${t("customer.changed", { date: format.dateTime(answer.answeredAt, timezone) })})`
                    : ""),
                answer.orderGid.split("/").pop()!,
                score(answer.nps),
                score(answer.csat),
                score(answer.ces),
                // Rendered by React: the shopper's text is escaped.
                (answer.comment ?? "") + (answer.points ? ` · ${t("customer.points", { count: answer.points })}` : ""),
              ])}
            />
          </div>
        )}
      </BlockStack>
    </Card>
  );
}
