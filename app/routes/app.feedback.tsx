// Customer feedback: the survey settings, the scores of a period against the period before and a
// year earlier with their 95 % intervals, NPS by group, the retention link, and the comments,
// searchable. docs/feedback.md.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Button,
  Card,
  Checkbox,
  DataTable,
  InlineStack,
  Layout,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { requireShop } from "../auth.server";
import { readFormData } from "../platform/http/body.server";
import { feedbackAnalysis } from "../feedback/analysis.server";
import { saveSurveySettings } from "../feedback/surveys.server";
import {
  DEFAULT_TEXTS,
  feedbackSettingsSchema,
  QUESTIONS,
  SURVEY_LANGUAGES,
  TEXT_KEYS,
  type FeedbackSettings,
  type SurveyLanguage,
} from "../feedback/settings";
import type { BreakdownKind, PeriodFigures } from "../feedback/analysis.server";
import { MIN_ANSWERS, type Interval, type MeanFigure, type NpsFigure, type ShareFigure } from "../feedback/scores";
import { PERIOD_PRESETS } from "../metrics/periods";
import { MetricsQueryError } from "../metrics/periods";
import { useFormat } from "../i18n/use-format";
import { useToast } from "../components/toast";
import { pageTitle } from "../i18n/meta";
import { useKeptHref } from "../components/kept-params";
import { useLanguageName } from "../components/loyalty-settings";
export { PageErrorBoundary as ErrorBoundary } from "../components/page-error";

export const meta = pageTitle("nav.feedback");

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const params = new URL(request.url).searchParams;
  const query = { preset: params.get("preset") ?? "last90", q: params.get("q") };
  try {
    return { analysis: await feedbackAnalysis(shop, query), error: null };
  } catch (error) {
    if (!(error instanceof MetricsQueryError)) throw error;
    return { analysis: await feedbackAnalysis(shop, { preset: "last90" }), error: error.message };
  }
};

/** Saves the settings form. An empty text field is no text of the merchant's: the default applies. */
export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireShop(request);
  const form = await readFormData(request);
  const texts = Object.fromEntries(
    SURVEY_LANGUAGES.flatMap((language) => {
      const own = TEXT_KEYS.flatMap((key) => {
        const value = form.get(`texts.${language}.${key}`);
        return typeof value === "string" && value.trim() ? [[key, value]] : [];
      });
      return own.length ? [[language, Object.fromEntries(own)]] : [];
    }),
  );
  const parsed = feedbackSettingsSchema.safeParse({
    // A ticked box is sent, an unticked one is not; its value is Polaris's to choose (it posts "" after a re-render).
    enabled: form.has("enabled"),
    questions: Object.fromEntries(QUESTIONS.map((question) => [question, form.has(question)])),
    trigger: form.get("trigger"),
    delayDays: Number(form.get("delayDays")),
    openDays: Number(form.get("openDays")),
    points: Number(form.get("points")),
    texts,
  });
  if (!parsed.success)
    return { ok: false, errors: parsed.error.issues.map((issue) => ({ field: issue.path.join("."), message: issue.message })) };
  await saveSurveySettings(shop, parsed.data);
  return { ok: true, errors: [] };
};

type Figure = NpsFigure | ShareFigure | MeanFigure;
interface FieldMessage {
  /** The setting's path, as zod names it: "delayDays", "texts.de.nps". */
  field: string;
  message: string;
}

/** The merchant's texts as the form's fields: every language and key, "" where the default applies. */
function textFields(texts: FeedbackSettings["texts"]) {
  return Object.fromEntries(
    SURVEY_LANGUAGES.map((language) => [
      language,
      Object.fromEntries(TEXT_KEYS.map((key) => [key, texts[language]?.[key] ?? ""])),
    ]),
  ) as Record<SurveyLanguage, Record<(typeof TEXT_KEYS)[number], string>>;
}

export default function FeedbackPage() {
  const { analysis, error } = useLoaderData<typeof loader>();
  const { t } = useTranslation("feedback");
  const format = useFormat();
  const [params] = useSearchParams();
  const keep = useKeptHref();
  const saved = useActionData<typeof action>();
  const toast = useToast();
  useEffect(() => {
    if (saved?.ok) toast(t("settings.saved"));
  }, [saved, toast, t]);

  const range = ([low, high]: Interval, show: (value: number) => string) => [show(low), show(high)];
  const show = (figure: Figure, kind: "nps" | "percent" | "mean") => {
    const value = "nps" in figure ? figure.nps : "percent" in figure ? figure.percent : figure.mean;
    if (value === null) return t("figures.none");
    const text = (v: number) =>
      kind === "nps" ? format.number(Math.round(v)) : kind === "percent" ? format.percent(v) : format.decimal(v, 2);
    if (!figure.ci95) return text(value);
    const [low, high] = range(figure.ci95, text);
    return t("figures.interval", { value: text(value), low, high });
  };
  const periods = ["current", "previous", "yearAgo"] as const;
  /** The four figures and the answers of one set of customers, in the three periods. */
  const figureRows = (of: Record<(typeof periods)[number], PeriodFigures>) => [
    [t("figures.nps"), ...periods.map((period) => show(of[period].nps, "nps"))],
    [t("figures.csat"), ...periods.map((period) => show(of[period].csat, "percent"))],
    [t("figures.ces"), ...periods.map((period) => show(of[period].ces, "mean"))],
    [t("figures.responseRate"), ...periods.map((period) => show(of[period].responseRate, "percent"))],
    [t("breakdowns.answers"), ...periods.map((period) => format.number(of[period].answers))],
  ];
  const periodHeadings = [t("figures.current"), t("figures.previous"), t("figures.yearAgo")];
  const groupLabel = (kind: "membership" | "tier" | "segment" | "cohort", group: string) => {
    if (kind === "membership") return t(`breakdowns.${group}`);
    if (!group) return t(kind === "tier" ? "breakdowns.noTier" : "breakdowns.unknown");
    return kind === "segment" ? t(`customers:segments.${group}`) : group;
  };
  const csvHref = keep(
    `/app/feedback.csv?${new URLSearchParams({ preset: params.get("preset") ?? "last90", q: params.get("q") ?? "" })}`,
  );

  return (
    <Page title={t("title")} secondaryActions={[{ content: t("period.csv"), url: csvHref, external: true }]}>
      <Layout>
        {error && (
          <Layout.Section>
            <Banner tone="critical">
              <p>{error}</p>
            </Banner>
          </Layout.Section>
        )}
        <Layout.Section>
          <Card>
            <Form method="get">
              {params.get("locale") && <input type="hidden" name="locale" value={params.get("locale")!} />}
              <InlineStack gap="400" blockAlign="end">
                <PresetSelect defaultValue={params.get("preset") ?? "last90"} />
                <SearchField defaultValue={params.get("q") ?? ""} label={t("period.search")} />
                <Button submit>{t("period.apply")}</Button>
              </InlineStack>
            </Form>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                {t("figures.heading")} ({analysis.periods.current.from} – {analysis.periods.current.to})
              </Text>
              <p id="feedback-verdict">
                {analysis.current.nps.answers < MIN_ANSWERS
                  ? t("figures.tooFew", { count: analysis.current.nps.answers, minimum: MIN_ANSWERS })
                  : t("figures.enough", { count: analysis.current.nps.answers })}
              </p>
              <DataTable
                columnContentTypes={["text", "text", "text", "text"]}
                headings={[t("figures.figure"), ...periodHeadings]}
                rows={figureRows(analysis)}
              />
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                {t("retention.heading")}
              </Text>
              <p id="feedback-retention-fixed">{t("retention.fixed")}</p>
              {analysis.retention.map(({ days, groups, verdict }) => {
                return (
                  <BlockStack gap="200" key={days}>
                    <Text as="h3" variant="headingSm">
                      {t("retention.window", { days })}
                    </Text>
                    <p>{t("retention.intro", { days })}</p>
                    <p id={`feedback-retention-${days}`}>
                      <strong>{t(`retention.verdict.${verdict}`, { minimum: MIN_ANSWERS })}</strong>
                    </p>
                    <DataTable
                      columnContentTypes={["text", "numeric", "text", "text"]}
                      headings={[
                        t("retention.group"),
                        t("retention.customers"),
                        t("retention.repeatRate"),
                        t("retention.revenue"),
                      ]}
                      rows={(["promoter", "passive", "detractor"] as const).map((category) => {
                        const group = groups[category];
                        const money = (v: number) => format.money(Math.round(v), analysis.currency);
                        const revenue = group.revenuePerCustomer;
                        return [
                          t(`retention.${category}`),
                          format.number(group.customers),
                          show(group.repeatRate, "percent"),
                          revenue.mean === null
                            ? t("figures.none")
                            : revenue.ci95
                              ? t("figures.interval", {
                                  value: money(revenue.mean),
                                  low: money(revenue.ci95[0]),
                                  high: money(revenue.ci95[1]),
                                })
                              : money(revenue.mean),
                        ];
                      })}
                    />
                  </BlockStack>
                );
              })}
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                {t("breakdowns.heading")}
              </Text>
              <p>{t("breakdowns.intro")}</p>
              {analysis.breakdowns.membership.length === 0 ? (
                <p>{t("breakdowns.empty")}</p>
              ) : (
                (["membership", "tier", "segment", "cohort"] satisfies BreakdownKind[]).map((kind) => (
                  <BlockStack gap="100" key={kind} id={`feedback-breakdown-${kind}`}>
                    <Text as="h3" variant="headingSm">
                      {t(`breakdowns.${kind}`)}
                    </Text>
                    <DataTable
                      columnContentTypes={["text", "text", "text", "text", "text"]}
                      headings={[t("breakdowns.group"), t("breakdowns.figure"), ...periodHeadings]}
                      rows={analysis.breakdowns[kind].flatMap((figures) =>
                        figureRows(figures).map((row, index) => [
                          // Each row's header names its group; screen readers only after the first.
                          index === 0 ? (
                            groupLabel(kind, figures.group)
                          ) : (
                            <Text as="span" visuallyHidden>
                              {groupLabel(kind, figures.group)}
                            </Text>
                          ),
                          ...row,
                        ]),
                      )}
                    />
                  </BlockStack>
                ))
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                {t("comments.heading")}
              </Text>
              <p>{t("comments.total", { count: analysis.comments.total })}</p>
              {analysis.comments.shown.length === 0 ? (
                <p>{t("comments.empty")}</p>
              ) : (
                <ul id="feedback-comments">
                  {analysis.comments.shown.map((answer) => (
                    <li key={answer.orderGid}>
                      {/* React escapes the shopper's text. */}
                      <Text as="p">{answer.comment}</Text>
                      <Text as="p" tone="subdued">
                        {t("comments.scores", { nps: answer.nps ?? t("figures.none") })} ·{" "}
                        {t("comments.answered", { date: format.dateTime(answer.firstAnsweredAt, analysis.timezone) })} ·{" "}
                        <a href={keep(`/app/customers/${encodeURIComponent(answer.customerGid.split("/").pop()!)}`)}>
                          {t("comments.customer")}
                        </a>
                      </Text>
                    </li>
                  ))}
                </ul>
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <SettingsCard
            settings={analysis.surveys.settings}
            enabledAt={analysis.surveys.enabledAt}
            errors={saved?.errors ?? []}
          />
        </Layout.Section>
      </Layout>
    </Page>
  );
}

function PresetSelect({ defaultValue }: { defaultValue: string }) {
  const { t } = useTranslation("feedback");
  const [value, setValue] = useState(defaultValue);
  return (
    <Select
      label={t("period.label")}
      name="preset"
      options={PERIOD_PRESETS.map((preset) => ({ value: preset, label: t(`presets.${preset}`) }))}
      value={value}
      onChange={setValue}
    />
  );
}

function SearchField({ defaultValue, label }: { defaultValue: string; label: string }) {
  const [value, setValue] = useState(defaultValue);
  return <TextField label={label} name="q" value={value} onChange={setValue} autoComplete="off" />;
}

function SettingsCard({
  settings,
  enabledAt,
  errors,
}: {
  settings: FeedbackSettings;
  enabledAt: string | Date | null;
  errors: FieldMessage[];
}) {
  const { t } = useTranslation("feedback");
  const format = useFormat();
  const navigation = useNavigation();
  const languageName = useLanguageName();
  const [form, setForm] = useState(settings);
  const [texts, setTexts] = useState(() => textFields(settings.texts));
  const [language, setLanguage] = useState<SurveyLanguage>("en");
  // Show the first language with a refused text: the message is next to its field.
  useEffect(() => {
    const refused = errors.find((error) => error.field.startsWith("texts."))?.field.split(".")[1];
    if (refused && (SURVEY_LANGUAGES as readonly string[]).includes(refused)) setLanguage(refused as SurveyLanguage);
  }, [errors]);
  const errorOf = (field: string) =>
    errors
      .filter((error) => error.field === field)
      .map((error) => error.message)
      .join(" ") || undefined;
  const label = (field: string) => {
    const [section, textLanguage, key] = field.split(".");
    if (section === "texts" && textLanguage && key)
      return `${languageName(textLanguage)} · ${t(`settings.texts.${key}`, { defaultValue: key })}`;
    return t(`settings.${section}`, { defaultValue: field });
  };
  const number = (key: "delayDays" | "openDays" | "points") => (value: string) => setForm({ ...form, [key]: Number(value) });
  return (
    <Card>
      <Form method="post">
        <BlockStack gap="300">
          <Text as="h2" variant="headingMd">
            {t("settings.heading")}
          </Text>
          {errors.length > 0 && (
            <Banner tone="critical" title={t("settings.errors")}>
              <ul id="feedback-settings-errors">
                {errors.map((error) => (
                  <li key={`${error.field}:${error.message}`}>
                    {label(error.field)}: {error.message}
                  </li>
                ))}
              </ul>
            </Banner>
          )}
          <Checkbox
            label={t("settings.enabled")}
            name="enabled"
            checked={form.enabled}
            onChange={(enabled) => setForm({ ...form, enabled })}
          />
          {settings.enabled && enabledAt && (
            <Text as="p" tone="subdued">
              {t("settings.enabledSince", { date: format.dateTime(enabledAt, "UTC") })}
            </Text>
          )}
          <fieldset>
            <legend>{t("settings.questions")}</legend>
            <BlockStack gap="100">
              {QUESTIONS.map((question) => (
                <Checkbox
                  key={question}
                  label={t(`settings.${question}`)}
                  name={question}
                  checked={form.questions[question]}
                  onChange={(checked) => setForm({ ...form, questions: { ...form.questions, [question]: checked } })}
                />
              ))}
            </BlockStack>
          </fieldset>
          <Select
            label={t("settings.trigger")}
            name="trigger"
            options={[
              { value: "fulfillment", label: t("settings.afterFulfillment") },
              { value: "order", label: t("settings.afterOrder") },
            ]}
            value={form.trigger}
            onChange={(trigger) => setForm({ ...form, trigger: trigger as FeedbackSettings["trigger"] })}
          />
          <TextField
            label={t("settings.delayDays")}
            name="delayDays"
            type="number"
            value={String(form.delayDays)}
            onChange={number("delayDays")}
            autoComplete="off"
          />
          <TextField
            label={t("settings.openDays")}
            name="openDays"
            type="number"
            value={String(form.openDays)}
            onChange={number("openDays")}
            autoComplete="off"
          />
          <TextField
            label={t("settings.points")}
            name="points"
            type="number"
            value={String(form.points)}
            onChange={number("points")}
            helpText={t("settings.pointsNote")}
            autoComplete="off"
          />
          <BlockStack gap="200" id="feedback-texts">
            <Text as="h3" variant="headingSm">
              {t("settings.texts.heading")}
            </Text>
            <Text as="p" tone="subdued">
              {t("settings.texts.help")}
            </Text>
            <Select
              label={t("settings.texts.language")}
              options={SURVEY_LANGUAGES.map((code) => ({ value: code, label: languageName(code) }))}
              value={language}
              onChange={(code) => setLanguage(code as SurveyLanguage)}
            />
            {SURVEY_LANGUAGES.map((code) =>
              TEXT_KEYS.map((key) => {
                const name = `texts.${code}.${key}`;
                // Every language is posted; only the chosen one is shown.
                if (code !== language) return <input key={name} type="hidden" name={name} value={texts[code][key]} />;
                return (
                  <TextField
                    key={name}
                    label={t(`settings.texts.${key}`)}
                    name={name}
                    value={texts[code][key]}
                    onChange={(value) => setTexts({ ...texts, [code]: { ...texts[code], [key]: value } })}
                    placeholder={DEFAULT_TEXTS[code][key]}
                    error={errorOf(name)}
                    autoComplete="off"
                  />
                );
              }),
            )}
          </BlockStack>
          <InlineStack>
            <Button submit variant="primary" loading={navigation.state === "submitting"}>
              {t("settings.save")}
            </Button>
          </InlineStack>
        </BlockStack>
      </Form>
    </Card>
  );
}
