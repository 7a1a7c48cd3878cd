// What the dashboard shows while its data loads (a new period): the page's shape in skeletons.
import { BlockStack, Card, InlineGrid, Layout, SkeletonBodyText, SkeletonDisplayText, SkeletonPage } from "@shopify/polaris";
import { useTranslation } from "react-i18next";

const KPI_PLACEHOLDERS = 6;

export function DashboardSkeleton() {
  const { t } = useTranslation("dashboard");
  return (
    <SkeletonPage title={t("title")} primaryAction>
      <Layout>
        <Layout.Section>
          <Card>
            <SkeletonBodyText lines={2} />
          </Card>
        </Layout.Section>
        <Layout.Section>
          <InlineGrid columns={{ xs: 1, sm: 2, md: 3 }} gap="400">
            {Array.from({ length: KPI_PLACEHOLDERS }, (_, i) => (
              <Card key={i}>
                <BlockStack gap="200">
                  <SkeletonDisplayText size="small" />
                  <SkeletonBodyText lines={2} />
                </BlockStack>
              </Card>
            ))}
          </InlineGrid>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <SkeletonBodyText lines={8} />
          </Card>
        </Layout.Section>
      </Layout>
    </SkeletonPage>
  );
}
