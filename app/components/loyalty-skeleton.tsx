// What a loyalty page shows while the next one loads, so the merchant never faces a blank page.
import { useLocation, useNavigation } from "@remix-run/react";
import { Card, Layout, SkeletonBodyText, SkeletonDisplayText, SkeletonPage } from "@shopify/polaris";

/** True while a link to another loyalty page loads (not while a form on this one saves). */
export function useLoadingLoyaltyPage(): boolean {
  const navigation = useNavigation();
  const { pathname } = useLocation();
  return (
    navigation.state === "loading" &&
    !navigation.formMethod &&
    navigation.location.pathname.startsWith("/app/loyalty") &&
    navigation.location.pathname !== pathname
  );
}

export function LoyaltyPageSkeleton({ title }: { title: string }) {
  return (
    <SkeletonPage title={title} primaryAction>
      <Layout>
        {[0, 1, 2].map((card) => (
          <Layout.Section key={card}>
            <Card>
              <SkeletonDisplayText size="small" />
              <SkeletonBodyText lines={4} />
            </Card>
          </Layout.Section>
        ))}
      </Layout>
    </SkeletonPage>
  );
}
