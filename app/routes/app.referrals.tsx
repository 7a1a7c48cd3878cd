// The referral program's page: its settings (saved through saveReferralProgram: every error next to
// its field, nothing saved), the review queue of flagged referrals with each rule's reason (approve
// pays once, reject needs a reason), and the latest referrals.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  Checkbox,
  DataTable,
  FormLayout,
  InlineStack,
  Layout,
  List,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { requireShop } from "../auth.server";
import { useToast } from "../components/toast";
import { requestLocale } from "../i18n/locale";
import { pageTitle } from "../i18n/meta";
import { useFormat } from "../i18n/use-format";
import { LoyaltyInputError } from "../loyalty/admin.server";
import db from "../platform/db/client.server";
import { readFormData } from "../platform/http/body.server";
import { dashboardQuery } from "../metrics/http.server";
import { MetricsQueryError } from "../metrics/periods";
import { ReferralMetricsCards } from "../components/referral-metrics";
import { referralMetrics } from "../referrals/metrics.server";
import { decideReferral, decisionInput, referralProgramView, saveReferralProgram } from "../referrals/admin.server";
import { formFromSettings, readReferralForm, type FormError, type ReferralForm } from "../referrals/settings-form";
import { REFERRER_REWARD_KINDS } from "../referrals/settings";
export { PageErrorBoundary as ErrorBoundary } from "../components/page-error";

export const meta = pageTitle("nav.referrals");

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const [view, { currency, timezone }, metrics] = await Promise.all([
    referralProgramView(shop),
    db.shop.findUniqueOrThrow({ where: { domain: shop }, select: { currency: true, timezone: true } }),
    // A bad period in the URL shows the default one rather than failing the page.
    referralMetrics(shop, dashboardQuery(request)).catch((error) => {
      if (error instanceof MetricsQueryError) return referralMetrics(shop);
      throw error;
    }),
  ]);
  return {
    metrics,
    currency,
    timezone,
    form: formFromSettings(view.enabled, view.settings, currency, requestLocale(request)),
    review: view.review,
    recent: view.recent,
  };
};

type ActionAnswer = { intent: "save"; errors: FormError[] } | { intent: "decide"; errors: FormError[]; id: number };

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, user } = await requireShop(request);
  const form = Object.fromEntries([...(await readFormData(request)).entries()].map(([key, value]) => [key, String(value)]));
  if (form.intent === "decide") {
    const id = Number(form.id);
    const input = decisionInput.safeParse({ decision: form.decision, reason: form.reason ?? "" });
    if (!input.success || !Number.isInteger(id))
      return data<ActionAnswer>({ intent: "decide", id, errors: [{ field: "reason", code: "required", params: {} }] }, 400);
    const result = await decideReferral(shop, id, input.data, user);
    const errors = result.ok ? [] : [{ field: "reason", code: result.code, params: {} }];
    return data<ActionAnswer>({ intent: "decide", id, errors }, result.ok ? 200 : result.status);
  }
  const { currency } = await db.shop.findUniqueOrThrow({ where: { domain: shop }, select: { currency: true } });
  const read = readReferralForm(form as Partial<ReferralForm>, currency, requestLocale(request));
  if (!read.ok) return data<ActionAnswer>({ intent: "save", errors: read.errors }, 400);
  try {
    await saveReferralProgram(shop, { enabled: read.enabled, settings: read.settings });
  } catch (error) {
    if (!(error instanceof LoyaltyInputError)) throw error;
    const errors = error.errors.map(({ field, code, params }) => ({ field: field.replace(/^settings\./, ""), code, params }));
    return data<ActionAnswer>({ intent: "save", errors }, 400);
  }
  return data<ActionAnswer>({ intent: "save", errors: [] });
};

export default function ReferralsPage() {
  const loaded = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const { t } = useTranslation("referrals");
  const format = useFormat();
  const toast = useToast();
  const submit = useSubmit();
  const navigation = useNavigation();
  const busy = navigation.state !== "idle";
  const [form, setForm] = useState<ReferralForm>(loaded.form);
  const [reasons, setReasons] = useState<Record<number, string>>({});
  useEffect(() => setForm(loaded.form), [loaded.form]);
  useEffect(() => {
    if (answer && answer.errors.length === 0) toast(t(answer.intent === "save" ? "saved" : "decided"));
  }, [answer, toast, t]);

  const saveErrors = answer?.intent === "save" ? answer.errors : [];
  const errorOf = (field: string) => {
    const found = saveErrors.find((error) => error.field === field);
    return found ? t(`loyalty:errors.${found.code}`, found.params) : undefined;
  };
  const set = (key: keyof ReferralForm) => (value: string | boolean) => setForm({ ...form, [key]: String(value) });
  const text = (key: keyof ReferralForm, field: string, extra: Partial<Parameters<typeof TextField>[0]> = {}) => (
    <TextField
      label={t(`fields.${field}`)}
      value={form[key]}
      onChange={set(key)}
      error={errorOf(field)}
      autoComplete="off"
      inputMode="decimal"
      {...extra}
    />
  );
  const decide = (id: number, decision: "approve" | "reject") =>
    submit({ intent: "decide", id: String(id), decision, reason: reasons[id] ?? "" }, { method: "post" });
  const decideError = (id: number) => {
    const found = answer?.intent === "decide" && answer.id === id ? answer.errors[0] : undefined;
    return found && t(`decisionErrors.${found.code}`);
  };

  return (
    <Page title={t("title")} subtitle={t("subtitle")}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <ReferralMetricsCards metrics={loaded.metrics} />
            {saveErrors.length > 0 && (
              <Banner tone="critical" title={t("errorsTitle", { count: saveErrors.length })}>
                <List>
                  {saveErrors.map((error) => (
                    <List.Item key={error.field}>
                      {t(`fields.${error.field}`)}: {t(`loyalty:errors.${error.code}`, error.params)}
                    </List.Item>
                  ))}
                </List>
              </Banner>
            )}
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  {t("settingsTitle")}
                </Text>
                <FormLayout>
                  <Checkbox label={t("fields.enabled")} checked={form.enabled === "true"} onChange={set("enabled")} />
                  <Select
                    label={t("fields.referrerReward.kind")}
                    options={REFERRER_REWARD_KINDS.map((kind) => ({ label: t(`referrerKinds.${kind}`), value: kind }))}
                    value={form.referrerKind}
                    onChange={set("referrerKind")}
                  />
                  {form.referrerKind === "points"
                    ? text("referrerPoints", "referrerPoints", { helpText: t("help.referrerPoints") })
                    : text("referrerValue", "referrerReward.value", {
                        prefix: loaded.currency,
                        helpText: t("help.referrerIssued"),
                      })}
                  {form.referrerKind === "discount_code" && text("referrerValidDays", "referrerReward.validDays")}
                  <Select
                    label={t("fields.friend.kind")}
                    options={[
                      { label: t("friendKinds.fixed_amount"), value: "fixed_amount" },
                      { label: t("friendKinds.percentage"), value: "percentage" },
                    ]}
                    value={form.friendKind}
                    onChange={set("friendKind")}
                  />
                  {form.friendKind === "percentage"
                    ? text("friendPercent", "friend.percent", { suffix: "%" })
                    : text("friendValue", "friend.value", { prefix: loaded.currency })}
                  {text("friendMinimum", "friend.minimumOrder", { prefix: loaded.currency, helpText: t("help.minimumOrder") })}
                  {text("friendValidDays", "friend.validDays")}
                  {text("weeklyLimit", "weeklyLimit", { helpText: t("help.weeklyLimit") })}
                  {text("dailyClaimLimit", "dailyClaimLimit", { helpText: t("help.dailyClaimLimit") })}
                  <Checkbox
                    label={t("fields.review")}
                    helpText={t("help.review")}
                    checked={form.review === "true"}
                    onChange={set("review")}
                  />
                </FormLayout>
                <InlineStack align="end">
                  <Button
                    variant="primary"
                    loading={busy && navigation.formData?.get("intent") !== "decide"}
                    onClick={() => submit({ intent: "save", ...form }, { method: "post" })}
                  >
                    {t("common:actions.save")}
                  </Button>
                </InlineStack>
              </BlockStack>
            </Card>

            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  {t("reviewTitle", { count: loaded.review.length })}
                </Text>
                {loaded.review.length === 0 && <Text as="p">{t("reviewEmpty")}</Text>}
                {loaded.review.map((referral) => (
                  <div key={referral.id} data-referral={referral.id}>
                    <BlockStack gap="200">
                      <Text as="h3" variant="headingSm">
                        {t("referralHeading", {
                          id: referral.id,
                          order: referral.orderGid.split("/").pop(),
                          when: format.dateTime(referral.createdAt, loaded.timezone),
                        })}
                      </Text>
                      <List>
                        {referral.flags.map((flag) => (
                          <List.Item key={flag}>{t(`rules.${flag}`)}</List.Item>
                        ))}
                      </List>
                      <TextField
                        label={t("reason")}
                        value={reasons[referral.id] ?? ""}
                        onChange={(value) => setReasons({ ...reasons, [referral.id]: value })}
                        error={decideError(referral.id)}
                        autoComplete="off"
                      />
                      <InlineStack gap="200">
                        <Button onClick={() => decide(referral.id, "approve")} disabled={busy}>
                          {t("approve")}
                        </Button>
                        <Button tone="critical" onClick={() => decide(referral.id, "reject")} disabled={busy}>
                          {t("reject")}
                        </Button>
                      </InlineStack>
                    </BlockStack>
                  </div>
                ))}
              </BlockStack>
            </Card>

            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  {t("recentTitle")}
                </Text>
                {loaded.recent.length === 0 ? (
                  <Text as="p">{t("recentEmpty")}</Text>
                ) : (
                  <DataTable
                    columnContentTypes={["numeric", "text", "text", "numeric", "text"]}
                    headings={[t("columns.id"), t("columns.order"), t("columns.status"), t("columns.points"), t("columns.flags")]}
                    rows={loaded.recent.map((referral) => [
                      referral.id,
                      referral.orderGid.split("/").pop() ?? "",
                      <Badge key="status">{t(`statuses.${referral.status}`)}</Badge>,
                      format.number(referral.points),
                      referral.flags.map((flag) => t(`ruleNames.${flag}`)).join(", ") || "–",
                    ])}
                  />
                )}
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
