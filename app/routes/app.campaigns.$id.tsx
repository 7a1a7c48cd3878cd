// A campaign: its settings, start and finish, and per group (each offer and the control group)
// who was reached, who converted within the window, net revenue per customer, offers redeemed and
// their cost; the CSV of its members and outcomes.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { Badge, BlockStack, Card, DataTable, Layout, Page, Text } from "@shopify/polaris";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { requireShop } from "../auth.server";
import { campaignView, finishCampaign, startCampaign } from "../campaigns/campaigns.server";
import { CONTROL } from "../campaigns/offers";
import { verdictText } from "../campaigns/lift";
import { STATUS_TONES, useOfferText } from "../components/campaign-offer";
import { useToast } from "../components/toast";
import { useFormat } from "../i18n/use-format";
import { pageTitle } from "../i18n/meta";
import db from "../platform/db/client.server";
import { readFormData } from "../platform/http/body.server";
export { PageErrorBoundary as ErrorBoundary } from "../components/page-error";

export const meta = pageTitle((_, data) => (data as { campaign?: { name: string } }).campaign?.name);

const CAMPAIGN_ID = /^[0-9a-f-]{36}$/;

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const campaign = CAMPAIGN_ID.test(params.id ?? "") ? await campaignView(shop, params.id!) : null;
  if (!campaign) throw new Response("no such campaign", { status: 404 });
  const { timezone } = await db.shop.findUniqueOrThrow({ where: { domain: shop }, select: { timezone: true } });
  return { campaign, timezone };
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shop } = await requireShop(request);
  const intent = (await readFormData(request)).get("intent");
  const id = params.id ?? "";
  if (!CAMPAIGN_ID.test(id)) throw new Response("no such campaign", { status: 404 });
  if (intent === "start") return { done: (await startCampaign(shop, id)) ? "started" : null };
  if (intent === "finish") return { done: (await finishCampaign(shop, id)) ? "finished" : null };
  throw new Response("unknown intent", { status: 400 });
};

const rate = (part: number, whole: number) => (whole ? (100 * part) / whole : null);

export default function CampaignPage() {
  const { campaign, timezone } = useLoaderData<typeof loader>();
  const { t } = useTranslation("campaigns");
  const format = useFormat();
  const offerText = useOfferText(campaign.currency);
  const change = useFetcher<typeof action>();
  const toast = useToast();
  useEffect(() => {
    if (change.state === "idle" && change.data?.done) toast(t(`toast.${change.data.done}`));
  }, [change.state, change.data, toast, t]);

  const armName = (armId: string) =>
    armId === CONTROL ? t("detail.control") : (campaign.arms.find((arm) => arm.armId === armId)?.name ?? armId);
  const busy = change.state !== "idle";
  const actions =
    campaign.status === "draft"
      ? { content: t("detail.start"), loading: busy, onAction: () => change.submit({ intent: "start" }, { method: "post" }) }
      : campaign.status === "running"
        ? { content: t("detail.finish"), loading: busy, onAction: () => change.submit({ intent: "finish" }, { method: "post" }) }
        : undefined;
  const reached = campaign.results.reduce((sum, arm) => sum + arm.reached, 0);
  const comparisonOf = (armId: string) => campaign.comparisons.find((c) => c.armId === armId)?.comparison ?? null;
  const signed = (value: number) =>
    `${Number(value.toFixed(1)) > 0 ? "+" : ""}${format.decimal(Number(value.toFixed(1)) || 0, 1)}`;
  const signedMoney = (value: bigint) => `${value > 0n ? "+" : ""}${format.money(value, campaign.currency)}`;

  return (
    <Page
      backAction={{ content: t("list.title"), url: "/app/campaigns" }}
      title={campaign.name}
      titleMetadata={<Badge tone={STATUS_TONES[campaign.status]}>{t(`status.${campaign.status}`)}</Badge>}
      subtitle={campaign.startedAt ? t("detail.started", { date: format.dateTime(campaign.startedAt, timezone) }) : undefined}
      primaryAction={actions}
      secondaryActions={[{ content: t("detail.csv"), url: `/app/campaigns/${campaign.id}/members.csv`, external: true }]}
    >
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                {t("detail.settings")}
              </Text>
              <Text as="p">
                {t("detail.summary", {
                  entry: t(`entryMode.${campaign.entryMode}`),
                  window: campaign.attributionDays,
                  control: campaign.controlPercent,
                  cooldown: campaign.cooldownDays,
                })}
              </Text>
              <BlockStack as="ul" gap="100">
                {campaign.arms.map((arm) => (
                  <li key={arm.armId}>
                    <Text as="span">
                      {arm.name}: {offerText(arm.offer)}
                    </Text>
                  </li>
                ))}
              </BlockStack>
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card padding="0">
            <BlockStack gap="200">
              <div style={{ padding: "var(--p-space-400) var(--p-space-400) 0" }}>
                <Text as="h2" variant="headingMd">
                  {t("detail.results")}
                </Text>
              </div>
              {reached === 0 ? (
                <div style={{ padding: "0 var(--p-space-400) var(--p-space-400)" }}>
                  <Text as="p" tone="subdued">
                    {t("detail.notYet")}
                  </Text>
                </div>
              ) : (
                <DataTable
                  columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric", "numeric", "numeric", "numeric"]}
                  headings={[
                    t("detail.columns.group"),
                    t("detail.columns.reached"),
                    t("detail.columns.converted"),
                    t("detail.columns.rate"),
                    t("detail.lift"),
                    t("detail.columns.revenuePerCustomer"),
                    t("detail.columns.redeemed"),
                    t("detail.columns.cost"),
                  ]}
                  rows={campaign.results.map((arm) => {
                    const armRate = rate(arm.converted, arm.reached);
                    return [
                      armName(arm.armId),
                      format.number(arm.reached),
                      format.number(arm.converted),
                      armRate === null ? "–" : format.percent(armRate),
                      ((comparison) =>
                        comparison
                          ? t("detail.liftValue", {
                              value: signed(comparison.difference),
                              low: signed(comparison.differenceInterval[0]),
                              high: signed(comparison.differenceInterval[1]),
                            })
                          : "–")(comparisonOf(arm.armId)),
                      arm.revenue.count
                        ? format.money(BigInt(arm.revenue.sum) / BigInt(arm.revenue.count), campaign.currency)
                        : "–",
                      arm.armId === CONTROL ? "–" : format.number(arm.offersRedeemed),
                      arm.armId === CONTROL ? "–" : format.money(arm.cost, campaign.currency),
                    ];
                  })}
                />
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <BlockStack gap="200">
            {reached > 0 && (
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    {t("detail.verdicts")}
                  </Text>
                  {campaign.comparisons.map(({ armId, comparison }) => {
                    if (!comparison)
                      return (
                        <Text as="p" key={armId}>
                          {t("detail.noComparison", { arm: armName(armId) })}
                        </Text>
                      );
                    const verdict = verdictText(comparison, format.locale, armName(armId));
                    return (
                      <BlockStack gap="100" key={armId}>
                        <Text as="p" variant="headingSm" id={`campaign-verdict-${armId}`}>
                          {t(`lift:verdict.${verdict.key}`, verdict.values)}
                        </Text>
                        <Text as="p" tone="subdued">
                          {t("detail.incrementalRevenue", {
                            value: signedMoney(comparison.incrementalRevenue),
                            low: signedMoney(comparison.incrementalRevenueInterval[0]),
                            high: signedMoney(comparison.incrementalRevenueInterval[1]),
                          })}
                          {comparison.returnOnCost &&
                            ` · ${t("detail.returnOnCost", {
                              value: format.decimal(comparison.returnOnCost.value, 2),
                              low: format.decimal(comparison.returnOnCost.interval[0], 2),
                              high: format.decimal(comparison.returnOnCost.interval[1], 2),
                            })}`}
                        </Text>
                      </BlockStack>
                    );
                  })}
                  <Text as="p" variant="bodySm" tone="subdued">
                    {t("lift:intervalNote")}
                  </Text>
                </BlockStack>
              </Card>
            )}
            <Text as="p" variant="bodySm" tone="subdued">
              {t("detail.costNote")}
            </Text>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
