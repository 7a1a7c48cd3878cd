// Pieces the customers list and the customer page share: the skeleton shown while a customer page
// loads, a file download that works inside the Shopify admin, and labels of segments and tiers.
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

/**
 * Downloads `path` as `fileName`. A fetch rather than a link: inside the Shopify admin App Bridge
 * adds the session token to fetches, not to navigations. Resolves to the response's row count
 * header, for the toast.
 */
export async function downloadFile(path: string, fileName: string): Promise<number> {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`${response.status} ${await response.text()}`);
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement("a"), { href: url, download: fileName });
  document.body.append(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
  return Number(response.headers.get("X-Row-Count") ?? 0);
}

export function SegmentBadge({ segment }: { segment: string | null }) {
  const { t } = useTranslation("customers");
  if (!segment) return <>{t("noValue")}</>;
  const tone = segment === "champions" || segment === "loyal" ? "success" : segment === "at_risk" || segment === "cant_lose_them" ? "warning" : segment === "lost" ? "critical" : undefined;
  return <Badge tone={tone}>{t(`segments.${segment}`)}</Badge>;
}
