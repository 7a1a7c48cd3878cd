// Pieces the customers list and the customer page share: the skeleton shown while a customer page
// loads, labels of segments and tiers, and when the next order is expected.
import { Badge, BlockStack, Card, Layout, SkeletonBodyText, SkeletonDisplayText, SkeletonPage, Text } from "@shopify/polaris";
import { useTranslation } from "react-i18next";
import { useFormat } from "../i18n/use-format";

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

/** The expected day of the next order (the shop's calendar), or since when it is overdue. */
export function NextOrder({ due, overdueDays }: { due: string | null; overdueDays: number | null }) {
  const { t } = useTranslation("customers");
  const format = useFormat();
  if (!due) return <>{t("noValue")}</>;
  if (overdueDays)
    return (
      <Text as="span" tone="critical">
        {t("nextOrder.overdue", { date: format.day(due), count: overdueDays, days: format.number(overdueDays) })}
      </Text>
    );
  return <>{t("nextOrder.expected", { date: format.day(due) })}</>;
}
