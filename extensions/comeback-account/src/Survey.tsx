// Feedback: the customer's open survey, if any (from the panel's answer), as a prompt linking to
// its signed survey page on the online store (/apps/comeback/survey, docs/feedback.md).
import type { PendingSurvey } from "../../../app/feedback/due";
import { t } from "./text";

export function SurveyPrompt({ survey }: { survey: PendingSurvey | null }) {
  if (!survey) return null;
  return (
    <s-section heading={t("survey_heading")}>
      <s-stack gap="small-200">
        <s-text>{t("survey_body", { order: survey.orderName ?? "" })}</s-text>
        <s-link href={`${survey.url}&via=account`}>{t("survey_link")}</s-link>
      </s-stack>
    </s-section>
  );
}
