// The loyalty program's overview: whether it runs, what it is made of, and whether it pays off
// (members against the holdout and other customers, points and their liability).
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { Badge, Banner, BlockStack, Layout, Page, Text } from "@shopify/polaris";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { requireShop } from "../auth.server";
import { readFormData } from "../platform/http/body.server";
import db from "../platform/db/client.server";
import { CustomerGroupsCard, HoldoutLiftCard, PointsCard } from "../components/loyalty-performance";
import { LoyaltyPageSkeleton, useLoadingLoyaltyPage } from "../components/loyalty-skeleton";
import { useToast } from "../components/toast";
import { UnconfirmedHarmError, saveProgram } from "../loyalty/admin.server";
import type { HarmImpact } from "../loyalty/harm";
import { HarmModal } from "../components/harm-modal";
import { programPerformance } from "../loyalty/performance.server";
import { loadProgram } from "../loyalty/store.server";
import { EmptyPage } from "../components/empty-page";
import { pageTitle } from "../i18n/meta";
export { PageErrorBoundary as ErrorBoundary } from "../components/page-error";

export const meta = pageTitle("nav.loyalty");

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const program = await loadProgram(db, shop);
  if (!program) return { program: null, performance: null };
  const where = { shopDomain: shop };
  const [rules, tiers, rewards, performance] = await Promise.all([
    db.earningRule.count({ where: { ...where, retiredAt: null } }),
    db.loyaltyTier.count({ where }),
    db.loyaltyReward.count({ where }),
    programPerformance(shop),
  ]);
  return { program: { enabled: program.enabled, rules, tiers, rewards }, performance };
};

/**
 * Switches the program on or off; everything else is on the settings page. Switching off asks
 * first: unconfirmed, the answer is what shoppers would lose.
 */
export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireShop(request);
  const form = await readFormData(request);
  const enabled = form.get("enabled") === "true";
  try {
    const saved = await saveProgram(shop, { enabled, confirmed: form.getAll("confirmed").map(String) });
    return { enabled: saved.enabled, impact: null };
  } catch (error) {
    if (error instanceof UnconfirmedHarmError) return { enabled: !enabled, impact: error.impact };
    throw error;
  }
};

export default function LoyaltyOverviewPage() {
  const { program, performance } = useLoaderData<typeof loader>();
  const switched = useActionData<typeof action>();
  const { t } = useTranslation("loyalty");
  const toast = useToast();
  const submit = useSubmit();
  const navigation = useNavigation();
  const loadingOther = useLoadingLoyaltyPage();

  /** What switching off would take from shoppers, while the merchant is asked. */
  const [asking, setAsking] = useState<HarmImpact[] | null>(null);
  useEffect(() => {
    if (!switched) return;
    setAsking(switched.impact);
    if (!switched.impact) toast(t(switched.enabled ? "overview.switchedOn" : "overview.switchedOff"));
  }, [switched, toast, t]);

  if (loadingOther) return <LoyaltyPageSkeleton title={t("settings.title")} />;
  if (!program || !performance) {
    return (
      <EmptyPage
        title={t("overview.title")}
        heading={t("overview.empty.heading")}
        action={{ content: t("overview.empty.action"), url: "/app/loyalty/settings" }}
      >
        <p>{t("overview.empty.body")}</p>
      </EmptyPage>
    );
  }

  const switching = navigation.state !== "idle" && navigation.formMethod === "POST";
  return (
    <Page
      title={t("overview.title")}
      titleMetadata={
        <span id="loyalty-status" data-enabled={program.enabled}>
          <Badge tone={program.enabled ? "success" : undefined}>{t(program.enabled ? "overview.on" : "overview.off")}</Badge>
        </span>
      }
      subtitle={t("overview.summary", { rules: program.rules, tiers: program.tiers, rewards: program.rewards })}
      primaryAction={{ content: t("overview.editSettings"), url: "/app/loyalty/settings" }}
      secondaryActions={[
        {
          content: t(program.enabled ? "overview.turnOff" : "overview.turnOn"),
          loading: switching,
          onAction: () => submit({ enabled: String(!program.enabled) }, { method: "post" }),
        },
      ]}
    >
      <HarmModal
        impact={asking}
        saving={switching}
        confirmLabel={t("overview.turnOff")}
        onConfirm={() => submit({ enabled: "false", confirmed: "program-off" }, { method: "post" })}
        onCancel={() => setAsking(null)}
      />
      <Layout>
        {!program.enabled && (
          <Layout.Section>
            <Banner tone="warning" title={t("overview.offBanner.title")}>
              <p>{t("overview.offBanner.body")}</p>
            </Banner>
          </Layout.Section>
        )}
        <Layout.Section>
          <BlockStack gap="400">
            <CustomerGroupsCard performance={performance} />
            <HoldoutLiftCard performance={performance} />
            <PointsCard performance={performance} />
            <Text as="p" variant="bodySm" tone="subdued">
              {t("overview.definitions")}
            </Text>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
