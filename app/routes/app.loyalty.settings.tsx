// The program's settings on one page: status, earning rules, bonus points, when points can be spent
// and expire, tiers, rewards and the holdout, with a preview of the storefront texts. Saving goes
// through saveProgram: any error shows next to its field and in a summary, and nothing is saved.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import {
  useActionData,
  useBlocker,
  useLoaderData,
  useNavigation,
  useSubmit,
  type ShouldRevalidateFunction,
} from "@remix-run/react";
import { Badge, Banner, BlockStack, Layout, List, Modal, Page, PageActions, Text } from "@shopify/polaris";
import { useCallback, useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { requireShop } from "../auth.server";
import { readBodyJson } from "../platform/http/body.server";
import db from "../platform/db/client.server";
import { LoyaltyPreview } from "../components/loyalty-preview";
import {
  BonusSection,
  EarningSection,
  HoldoutSection,
  PointsLifeSection,
  RewardsSection,
  StatusSection,
  TiersSection,
  useLanguageName,
} from "../components/loyalty-settings";
import { LoyaltyPageSkeleton, useLoadingLoyaltyPage } from "../components/loyalty-skeleton";
import { useToast } from "../components/toast";
import { supportedLocale } from "../i18n/locale";
import { useFormat } from "../i18n/use-format";
import { LoyaltyInputError, UnconfirmedHarmError, saveProgram } from "../loyalty/admin.server";
import type { HarmImpact } from "../loyalty/harm";
import { HarmModal } from "../components/harm-modal";
import { DEFAULT_SETTINGS } from "../loyalty/program";
import {
  FIXED_BONUSES,
  REWARD_KINDS,
  fieldLabel,
  formFromProgram,
  formMessages,
  formProblems,
  readProgramForm,
  type FieldMessage,
  type ProgramData,
  type ProgramForm,
} from "../loyalty/program-form";
import { loadProgram, loadRewards, loadTiers, ruleFromRow } from "../loyalty/store.server";
import { storefrontPreview } from "../loyalty/storefront-preview";
import { useAppLocale } from "../root";
import { pageTitle } from "../i18n/meta";
export { PageErrorBoundary as ErrorBoundary } from "../components/page-error";

export const meta = pageTitle("loyalty:settings.title");

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  // What is in force: retired rule versions stay in the database's history, off this page.
  const [stored, rules, tiers, rewards, { currency }] = await Promise.all([
    loadProgram(db, shop),
    db.earningRule.findMany({ where: { shopDomain: shop, retiredAt: null }, orderBy: [{ ruleId: "asc" }] }),
    loadTiers(db, shop),
    loadRewards(db, shop),
    db.shop.findUniqueOrThrow({ where: { domain: shop }, select: { currency: true } }),
  ]);
  const program: ProgramData = {
    enabled: stored?.enabled ?? false,
    settings: stored?.settings ?? DEFAULT_SETTINGS,
    rules: rules.map(ruleFromRow),
    tiers,
    rewards,
  };
  return { program, currency, setUp: stored !== null };
};

const text = z.string().max(1000);
const toggle = z.object({ id: text, on: z.boolean(), points: text });
const submission = z.object({
  locale: text,
  /** The harmful changes the merchant confirmed in the dialog (harm.ts). */
  confirmed: z.array(text).max(300).default([]),
  form: z.object({
    enabled: z.boolean(),
    purchase: z.object({ id: text, on: z.boolean(), points: text, perAmount: text }),
    bonuses: z.object(
      Object.fromEntries(FIXED_BONUSES.map((kind) => [kind, toggle])) as Record<(typeof FIXED_BONUSES)[number], typeof toggle>,
    ),
    custom: z.array(z.object({ id: text, name: text, points: text })).max(100),
    settings: z.object({
      pendingDays: text,
      expiry: z.object({ mode: z.enum(["never", "inactivity", "batch"]), months: text }),
      purchaseBase: z.object({ includeShipping: z.boolean(), includeTax: z.boolean(), discountsReduce: z.boolean() }),
      holdoutPercent: text,
      tierBasis: z.object({
        metric: z.enum(["points", "spend"]),
        window: z.enum(["lifetime", "calendar_year", "rolling_12_months"]),
      }),
      tierRetentionMonths: text,
      tierTag: z.boolean(),
    }),
    tiers: z.array(z.object({ id: text, name: text, threshold: text, multiplier: text, cashback: text })).max(100),
    rewards: z
      .array(
        z.object({
          id: text,
          name: text,
          description: text,
          translations: z.record(text, z.object({ name: text, description: text })),
          kind: z.enum(REWARD_KINDS),
          pointsCost: text,
          validDays: text,
          value: text,
          percent: text,
          minimumOrder: text,
        }),
      )
      .max(100),
    languages: z.array(text).max(100),
  }) satisfies z.ZodType<ProgramForm>,
});

type ActionResult = { ok: true } | { ok: false; errors: FieldMessage[]; impact?: HarmImpact[] };
const refused = (errors: FieldMessage[]) => data<ActionResult>({ ok: false, errors }, { status: 400 });

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireShop(request);
  const body = submission.safeParse(await readBodyJson(request));
  if (!body.success) return refused([{ field: "", code: "unreadable", params: {} }]);
  const { currency } = await db.shop.findUniqueOrThrow({ where: { domain: shop }, select: { currency: true } });
  const read = readProgramForm(body.data.form, currency, supportedLocale(body.data.locale) ?? "en");
  if (read.problems.length) return refused(formProblems(read, new Date()));
  try {
    await saveProgram(shop, { ...read.input, confirmed: body.data.confirmed });
  } catch (error) {
    // Nothing wrong with the form: the page asks the merchant, showing what shoppers would lose.
    if (error instanceof UnconfirmedHarmError)
      return data<ActionResult>({ ok: false, errors: [], impact: error.impact }, { status: 400 });
    if (error instanceof LoyaltyInputError) return refused(formMessages(error.errors, read.ruleFields));
    throw error;
  }
  return data<ActionResult>({ ok: true });
};

// A refused save keeps the merchant's edits on the page: only a save reloads the program.
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionResult, defaultShouldRevalidate }) =>
  actionResult && actionResult.ok === false ? false : defaultShouldRevalidate;

export default function LoyaltySettingsPage() {
  const { program, currency, setUp } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const locale = useAppLocale();
  const format = useFormat();
  const { t } = useTranslation("loyalty");
  const toast = useToast();
  const submit = useSubmit();
  const navigation = useNavigation();
  const loadingOther = useLoadingLoyaltyPage();

  const saved = useMemo(() => formFromProgram(program, currency, locale, !setUp), [program, currency, locale, setUp]);
  const [form, setForm] = useState(saved);
  const [errors, setErrors] = useState<FieldMessage[]>([]);
  /** What the save would take from shoppers, while the merchant is asked. */
  const [asking, setAsking] = useState<HarmImpact[] | null>(null);
  useEffect(() => setForm(saved), [saved]);
  useEffect(() => {
    if (!result) return;
    if (result.ok) {
      setErrors([]);
      setAsking(null);
      toast(t("settings.saved"));
    } else if (result.impact) {
      setErrors([]);
      setAsking(result.impact);
    } else {
      setAsking(null);
      setErrors(result.errors);
      toast(t("settings.notSaved"), { isError: true });
    }
  }, [result, toast, t]);
  // The summary is at the top; the merchant may have saved from the bottom of the page.
  useEffect(() => {
    if (errors.length) document.getElementById("settings-errors")?.scrollIntoView({ behavior: "smooth", block: "start" });
  }, [errors]);

  const dirty = useMemo(() => JSON.stringify(form) !== JSON.stringify(saved), [form, saved]);
  // Leaving with unsaved changes asks first: another page of the app (a modal), or reloading or
  // closing the page (the browser's own question).
  const blocker = useBlocker(({ currentLocation, nextLocation }) => dirty && currentLocation.pathname !== nextLocation.pathname);
  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);
  const [previewLanguage, setPreviewLanguage] = useState<string | null>(null);
  const shownLanguage = previewLanguage !== null && form.languages.includes(previewLanguage) ? previewLanguage : null;
  const preview = useMemo(
    () => storefrontPreview(readProgramForm(form, currency, locale).input, currency, locale, shownLanguage),
    [form, currency, locale, shownLanguage],
  );
  const languageName = useLanguageName();

  const message = useCallback(
    ({ code, params }: FieldMessage) =>
      t(
        `errors.${code}`,
        Object.fromEntries(
          Object.entries(params).map(([name, value]) => [name, typeof value === "number" ? format.number(value) : value]),
        ),
      ),
    [t, format],
  );
  const errorOf = useCallback(
    (field: string) => {
      const own = errors.filter((error) => error.field === field);
      return own.length ? own.map(message).join(" ") : undefined;
    },
    [errors, message],
  );
  const label = (field: string) => {
    const { label: name, list, position, language } = fieldLabel(field);
    const text = t(`fields.${name}`, { defaultValue: field, language: language && languageName(language) });
    return list ? `${t(`fields.item.${list}`, { n: position })} · ${text}` : text;
  };

  const saving = navigation.state !== "idle" && navigation.formMethod === "POST";
  const save = (confirmed: string[] = []) =>
    submit({ locale, form, confirmed } as never, { method: "post", encType: "application/json" });
  const discard = () => {
    setForm(saved);
    setErrors([]);
  };

  if (loadingOther) return <LoyaltyPageSkeleton title={t("overview.title")} />;
  const sectionProps = { form, onChange: setForm, errorOf, currency };
  const saveAction = { content: t("common:actions.save"), onAction: () => save(), loading: saving, disabled: setUp && !dirty };
  return (
    <Page
      title={t("settings.title")}
      backAction={{ content: t("overview.title"), url: "/app/loyalty" }}
      titleMetadata={dirty ? <Badge tone="attention">{t("settings.unsaved")}</Badge> : undefined}
      primaryAction={saveAction}
      secondaryActions={[{ content: t("settings.discard"), onAction: discard, disabled: !dirty }]}
    >
      <Modal
        open={blocker.state === "blocked"}
        onClose={() => blocker.reset?.()}
        title={t("settings.leave.title")}
        primaryAction={{ content: t("settings.leave.discard"), destructive: true, onAction: () => blocker.proceed?.() }}
        secondaryActions={[{ content: t("settings.leave.stay"), onAction: () => blocker.reset?.() }]}
      >
        <Modal.Section>
          <Text as="p">{t("settings.leave.body")}</Text>
        </Modal.Section>
      </Modal>
      <HarmModal
        impact={asking}
        saving={saving}
        onConfirm={() => save(asking!.map((harm) => harm.key))}
        onCancel={() => setAsking(null)}
      />
      <Layout>
        {!setUp && (
          <Layout.Section>
            <Banner tone="info" title={t("settings.notSetUp.title")}>
              <p>{t("settings.notSetUp.body")}</p>
            </Banner>
          </Layout.Section>
        )}
        {errors.length > 0 && (
          <Layout.Section>
            <div id="settings-errors">
              <Banner tone="critical" title={t("settings.errorsTitle", { count: errors.length })}>
                <List>
                  {errors.map((error, index) => (
                    <List.Item key={index}>{`${label(error.field)}: ${message(error)}`}</List.Item>
                  ))}
                </List>
              </Banner>
            </div>
          </Layout.Section>
        )}
        <Layout.Section>
          <BlockStack gap="400">
            <StatusSection {...sectionProps} />
            <EarningSection {...sectionProps} />
            <BonusSection {...sectionProps} />
            <PointsLifeSection {...sectionProps} />
            <TiersSection {...sectionProps} />
            <RewardsSection {...sectionProps} />
            <HoldoutSection {...sectionProps} />
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <div style={{ position: "sticky", top: 16 }}>
            <LoyaltyPreview
              preview={preview}
              languages={form.languages}
              language={shownLanguage}
              onLanguage={setPreviewLanguage}
            />
          </div>
        </Layout.Section>
        <Layout.Section>
          <PageActions
            primaryAction={saveAction}
            secondaryActions={[{ content: t("settings.discard"), onAction: discard, disabled: !dirty }]}
          />
        </Layout.Section>
      </Layout>
    </Page>
  );
}
