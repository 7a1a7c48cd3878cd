// Feedback: the customer's open survey, if any, as a prompt linking to its signed survey page on
// the online store (/apps/comeback/survey, docs/feedback.md). Shows nothing otherwise.
import { useEffect, useState } from "preact/hooks";
import type { PendingSurvey } from "../../../app/feedback/due";
import { call } from "./api";
import { t } from "./text";

export function SurveyPrompt() {
  const [survey, setSurvey] = useState<PendingSurvey | null>(null);
  useEffect(() => {
    call<{ surveys: PendingSurvey[] }>("surveys")
      .then(({ status, body }) => status === 200 && setSurvey(body.surveys[0] ?? null))
      .catch(() => undefined);
  }, []);
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
