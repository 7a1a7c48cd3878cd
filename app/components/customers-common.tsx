// Pieces the customers list and the customer page share: the skeleton shown while a customer page
// loads, and labels of segments and tiers.
import { Badge, BlockStack, Card, Layout, SkeletonBodyText, SkeletonDisplayText, SkeletonPage } from "@shopify/polaris";
import { useTranslation } from "react-i18next";

export function CustomerSkeleton() {
  const { t } = useTranslation("customers");
  return (
    <SkeletonPage title={t("loadingCustomer")} backAction>
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <SkeletonDisplayText size="small" />
              <SkeletonBodyText lines={6} />
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <Card>
            <SkeletonBodyText lines={8} />
          </Card>
        </Layout.Section>
      </Layout>
    </SkeletonPage>
  );
}

export function SegmentBadge({ segment }: { segment: string | null }) {
  const { t } = useTranslation("customers");
  if (!segment) return <>{t("noValue")}</>;
  const tone =
    segment === "champions" || segment === "loyal"
      ? "success"
      : segment === "at_risk" || segment === "cant_lose_them"
        ? "warning"
        : segment === "lost"
          ? "critical"
          : undefined;
  return <Badge tone={tone}>{t(`segments.${segment}`)}</Badge>;
}
