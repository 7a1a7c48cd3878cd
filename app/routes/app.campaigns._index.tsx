// Campaigns: the shop's win-back campaigns with their status and how many customers each reached.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Badge, Card, DataTable, Link, Page } from "@shopify/polaris";
import { useTranslation } from "react-i18next";
import { requireShop } from "../auth.server";
import { campaignSummaries } from "../campaigns/campaigns.server";
import db from "../platform/db/client.server";
import { STATUS_TONES } from "../components/campaign-offer";
import { EmptyPage } from "../components/empty-page";
import { useFormat } from "../i18n/use-format";
import { pageTitle } from "../i18n/meta";
export { PageErrorBoundary as ErrorBoundary } from "../components/page-error";

export const meta = pageTitle("nav.campaigns");

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const [campaigns, { timezone }] = await Promise.all([
    campaignSummaries(shop),
    db.shop.findUniqueOrThrow({ where: { domain: shop }, select: { timezone: true } }),
  ]);
  return { campaigns, timezone };
};

export default function CampaignsPage() {
  const { campaigns, timezone } = useLoaderData<typeof loader>();
  const { t } = useTranslation("campaigns");
  const format = useFormat();
  if (campaigns.length === 0) {
    return (
      <EmptyPage
        title={t("list.title")}
        heading={t("list.empty.heading")}
        action={{ content: t("list.new"), url: "/app/campaigns/new" }}
      >
        <p>{t("list.empty.body")}</p>
      </EmptyPage>
    );
  }
  return (
    <Page title={t("list.title")} primaryAction={{ content: t("list.new"), url: "/app/campaigns/new" }}>
      <Card padding="0">
        <DataTable
          columnContentTypes={["text", "text", "text", "text", "numeric"]}
          headings={["name", "status", "entry", "started", "reached"].map((key) => t(`list.columns.${key}`))}
          rows={campaigns.map((campaign) => [
            <Link key="name" url={`/app/campaigns/${campaign.id}`}>
              {campaign.name}
            </Link>,
            <Badge key="status" tone={STATUS_TONES[campaign.status]}>
              {t(`status.${campaign.status}`)}
            </Badge>,
            t(`entryMode.${campaign.entryMode}`),
            campaign.startedAt ? format.dateTime(campaign.startedAt, timezone) : "–",
            format.number(campaign.reached),
          ])}
        />
      </Card>
    </Page>
  );
}
