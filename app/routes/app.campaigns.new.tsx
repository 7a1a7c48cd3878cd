// A new campaign: its audience (with the count of customers it selects now, asked before saving),
// who enters and when, the control share, and one to four offers. Saved as a draft; the campaign's
// page starts it.
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Button,
  Card,
  Checkbox,
  ChoiceList,
  FormLayout,
  InlineStack,
  Layout,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { requireShop } from "../auth.server";
import { audienceRule, type AudienceRule } from "../campaigns/audience";
import { campaignInput, createCampaign, previewAudience } from "../campaigns/campaigns.server";
import { pageTitle } from "../i18n/meta";
import { LoyaltyInputError, readInput } from "../loyalty/admin.server";
import db from "../platform/db/client.server";
import { toMinorUnits } from "../platform/money";
import { withKeptParams } from "../platform/http/kept-params";
export { PageErrorBoundary as ErrorBoundary } from "../components/page-error";

export const meta = pageTitle((t) => t("campaigns:form.title"));

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const { currency } = await db.shop.findUniqueOrThrow({ where: { domain: shop }, select: { currency: true } });
  return { currency };
};

const formInput = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("preview"), audience: audienceRule }).strict(),
  z.object({ intent: z.literal("save"), campaign: campaignInput }).strict(),
]);

type Answer = { count: number } | { errors: { field: string; message: string }[] };

export const action = async ({ request }: ActionFunctionArgs): Promise<Answer | Response> => {
  const { shop } = await requireShop(request);
  try {
    const input = await readInput(request, formInput);
    if (input.intent === "preview") return { count: await previewAudience(shop, input.audience) };
    const { id } = await createCampaign(shop, input.campaign);
    // The campaign's page, in the merchant's language.
    return redirect(withKeptParams(`/app/campaigns/${id}`, new URL(request.url).searchParams));
  } catch (error) {
    if (error instanceof LoyaltyInputError) return { errors: error.errors.map(({ field, message }) => ({ field, message })) };
    throw error;
  }
};

const KINDS = ["percentage", "fixed_amount", "free_shipping", "points", "store_credit", "message"] as const;
type Kind = (typeof KINDS)[number];
interface ArmForm {
  name: string;
  kind: Kind;
  value: string;
  validDays: string;
}

/** The form's text as the API's input; what does not parse is sent as it is, and the answer names the field. */
function offerOf(arm: ArmForm, currency: string): Record<string, unknown> {
  const days = Number(arm.validDays);
  const minor = () => {
    try {
      return String(toMinorUnits(arm.value, currency));
    } catch {
      return arm.value;
    }
  };
  switch (arm.kind) {
    case "percentage":
      return { kind: "percentage", percent: Number(arm.value), validDays: days };
    case "fixed_amount":
      return { kind: "fixed_amount", value: minor(), validDays: days };
    case "free_shipping":
      return { kind: "free_shipping", validDays: days };
    case "points":
      return { kind: "points", points: Number(arm.value), validDays: days };
    case "store_credit":
      return { kind: "store_credit", value: minor(), validDays: days };
    case "message":
      return { kind: "message" };
  }
}

const optionalNumber = (text: string) => (text.trim() === "" ? undefined : Number(text));

export default function NewCampaignPage() {
  const { currency } = useLoaderData<typeof loader>();
  const { t } = useTranslation("campaigns");
  const preview = useFetcher<typeof action>();
  const save = useFetcher<typeof action>();

  const [name, setName] = useState("");
  const [entryMode, setEntryMode] = useState<"once" | "continuous">("once");
  const [attributionDays, setAttributionDays] = useState("30");
  const [cooldownDays, setCooldownDays] = useState("90");
  const [controlPercent, setControlPercent] = useState("20");
  const [risks, setRisks] = useState<string[]>(["high"]);
  const [minClv, setMinClv] = useState("");
  const [maxPAlive, setMaxPAlive] = useState("");
  const [minOverdue, setMinOverdue] = useState("");
  const [minOrders, setMinOrders] = useState("1");
  const [membership, setMembership] = useState("");
  const [emailConsent, setEmailConsent] = useState(false);
  const [shopifySegment, setShopifySegment] = useState(false);
  const [arms, setArms] = useState<ArmForm[]>([
    { name: t("form.defaultArmName", { letter: "A" }), kind: "percentage", value: "15", validDays: "14" },
  ]);

  const audience = (): AudienceRule => {
    const rule: Record<string, unknown> = {};
    if (risks.length) rule.risks = risks;
    if (minClv.trim()) {
      try {
        rule.predictedClv = { min: Number(toMinorUnits(minClv, currency)) };
      } catch {
        rule.predictedClv = { min: minClv };
      }
    }
    if (maxPAlive.trim()) rule.pAlive = { max: Number(maxPAlive) / 100 };
    if (minOverdue.trim()) rule.overdueDays = { min: optionalNumber(minOverdue) };
    if (minOrders.trim()) rule.orders = { min: optionalNumber(minOrders) };
    if (membership) rule.membership = membership;
    if (emailConsent) rule.emailConsent = true;
    return rule as AudienceRule;
  };

  const post = (fetcher: typeof preview, body: unknown) =>
    fetcher.submit(body as never, { method: "post", encType: "application/json" });

  const errors = [save.data, preview.data].flatMap((data) => (data && "errors" in data ? data.errors : []));
  const errorOf = (field: string) => (errors.some((error) => error.field === field) ? t("form.invalidField") : undefined);
  const setArm = (i: number, change: Partial<ArmForm>) => setArms(arms.map((arm, j) => (j === i ? { ...arm, ...change } : arm)));

  const submitSave = () =>
    post(save, {
      intent: "save",
      campaign: {
        name,
        audience: audience(),
        entryMode,
        attributionDays: Number(attributionDays),
        cooldownDays: Number(cooldownDays),
        controlPercent: Number(controlPercent),
        shopifySegment,
        arms: arms.map((arm) => ({ name: arm.name, offer: offerOf(arm, currency) })),
      },
    });

  return (
    <Page
      backAction={{ content: t("list.title"), url: "/app/campaigns" }}
      title={t("form.title")}
      primaryAction={{ content: t("form.save"), loading: save.state !== "idle", onAction: submitSave }}
    >
      <Layout>
        {errors.length > 0 && (
          <Layout.Section>
            <Banner tone="critical" title={t("form.errors")}>
              <ul>
                {errors.map((error) => (
                  <li key={error.field + error.message}>
                    {error.field}: {error.message}
                  </li>
                ))}
              </ul>
            </Banner>
          </Layout.Section>
        )}
        <Layout.Section>
          <Card>
            <FormLayout>
              <TextField
                label={t("form.name")}
                value={name}
                onChange={setName}
                autoComplete="off"
                error={errorOf("campaign.name")}
              />
              <Select
                label={t("form.entryMode")}
                options={(["once", "continuous"] as const).map((mode) => ({ value: mode, label: t(`entryMode.${mode}`) }))}
                value={entryMode}
                onChange={(value) => setEntryMode(value as "once" | "continuous")}
              />
              <FormLayout.Group>
                <TextField
                  label={t("form.attributionDays")}
                  type="number"
                  value={attributionDays}
                  onChange={setAttributionDays}
                  helpText={t("form.attributionHelp")}
                  autoComplete="off"
                  error={errorOf("campaign.attributionDays")}
                />
                <TextField
                  label={t("form.controlPercent")}
                  type="number"
                  value={controlPercent}
                  onChange={setControlPercent}
                  helpText={t("form.controlHelp")}
                  autoComplete="off"
                  error={errorOf("campaign.controlPercent")}
                />
                <TextField
                  label={t("form.cooldownDays")}
                  type="number"
                  value={cooldownDays}
                  onChange={setCooldownDays}
                  autoComplete="off"
                  error={errorOf("campaign.cooldownDays")}
                />
              </FormLayout.Group>
              <Checkbox
                label={t("form.shopifySegment")}
                helpText={t("form.shopifySegmentHelp")}
                checked={shopifySegment}
                onChange={setShopifySegment}
              />
            </FormLayout>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="400">
              <Text as="h2" variant="headingMd">
                {t("form.audience")}
              </Text>
              <FormLayout>
                <ChoiceList
                  allowMultiple
                  title={t("form.risks")}
                  choices={(["high", "medium", "low"] as const).map((risk) => ({ value: risk, label: t(`form.risk.${risk}`) }))}
                  selected={risks}
                  onChange={setRisks}
                />
                <FormLayout.Group>
                  <TextField label={t("form.minClv")} value={minClv} onChange={setMinClv} prefix={currency} autoComplete="off" />
                  <TextField
                    label={t("form.maxPAlive")}
                    type="number"
                    value={maxPAlive}
                    onChange={setMaxPAlive}
                    autoComplete="off"
                  />
                </FormLayout.Group>
                <FormLayout.Group>
                  <TextField
                    label={t("form.minOverdue")}
                    type="number"
                    value={minOverdue}
                    onChange={setMinOverdue}
                    autoComplete="off"
                  />
                  <TextField
                    label={t("form.minOrders")}
                    type="number"
                    value={minOrders}
                    onChange={setMinOrders}
                    autoComplete="off"
                  />
                </FormLayout.Group>
                <Select
                  label={t("form.membership")}
                  options={[
                    { value: "", label: t("form.membershipAny") },
                    { value: "member", label: t("form.membershipMember") },
                    { value: "not_member", label: t("form.membershipNotMember") },
                  ]}
                  value={membership}
                  onChange={setMembership}
                />
                <Checkbox label={t("form.emailConsent")} checked={emailConsent} onChange={setEmailConsent} />
              </FormLayout>
              <InlineStack gap="300" blockAlign="center">
                <Button
                  loading={preview.state !== "idle"}
                  onClick={() => post(preview, { intent: "preview", audience: audience() })}
                >
                  {t("form.preview")}
                </Button>
                {preview.data && "count" in preview.data && (
                  <span id="audience-count" role="status">
                    <Text as="span">{t("form.previewCount", { count: preview.data.count })}</Text>
                  </span>
                )}
              </InlineStack>
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="400">
              <Text as="h2" variant="headingMd">
                {t("form.arms")}
              </Text>
              {arms.map((arm, i) => (
                <FormLayout key={i}>
                  <FormLayout.Group>
                    <TextField
                      label={t("form.armName")}
                      value={arm.name}
                      onChange={(value) => setArm(i, { name: value })}
                      autoComplete="off"
                      error={errorOf(`campaign.arms[${i}].name`)}
                    />
                    <Select
                      label={t("form.offerKind")}
                      options={KINDS.map((kind) => ({ value: kind, label: t(`form.kinds.${kind}`) }))}
                      value={arm.kind}
                      onChange={(value) => setArm(i, { kind: value as Kind })}
                    />
                  </FormLayout.Group>
                  {arm.kind !== "message" && (
                    <FormLayout.Group>
                      {arm.kind !== "free_shipping" && (
                        <TextField
                          label={t("form.value")}
                          value={arm.value}
                          onChange={(value) => setArm(i, { value })}
                          autoComplete="off"
                          prefix={arm.kind === "fixed_amount" || arm.kind === "store_credit" ? currency : undefined}
                          suffix={arm.kind === "percentage" ? "%" : undefined}
                          error={
                            errorOf(`campaign.arms[${i}].offer.value`) ??
                            errorOf(`campaign.arms[${i}].offer.percent`) ??
                            errorOf(`campaign.arms[${i}].offer.points`)
                          }
                        />
                      )}
                      <TextField
                        label={t("form.validDays")}
                        type="number"
                        value={arm.validDays}
                        onChange={(value) => setArm(i, { validDays: value })}
                        autoComplete="off"
                        error={errorOf(`campaign.arms[${i}].offer.validDays`)}
                      />
                    </FormLayout.Group>
                  )}
                  {arms.length > 1 && (
                    <Button variant="plain" tone="critical" onClick={() => setArms(arms.filter((_, j) => j !== i))}>
                      {t("form.removeArm")}
                    </Button>
                  )}
                </FormLayout>
              ))}
              {arms.length < 4 && (
                <InlineStack>
                  <Button
                    onClick={() =>
                      setArms([
                        ...arms,
                        {
                          name: t("form.defaultArmName", { letter: "ABCD"[arms.length] }),
                          kind: "points",
                          value: "200",
                          validDays: "30",
                        },
                      ])
                    }
                  >
                    {t("form.addArm")}
                  </Button>
                </InlineStack>
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
