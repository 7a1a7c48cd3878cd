// A page with nothing to show yet: Polaris's empty state, with the one action that changes that.
import { Card, EmptyState, Page } from "@shopify/polaris";
import type { ReactNode } from "react";

const EMPTY_STATE_IMAGE = "https://cdn.shopify.com/s/files/1/0262/4071/2726/files/emptystate-files.png";

export function EmptyPage({
  title,
  heading,
  action,
  children,
}: {
  title: string;
  heading: string;
  action: { content: string; url: string };
  children: ReactNode;
}) {
  return (
    <Page title={title}>
      <Card>
        <EmptyState heading={heading} action={action} image={EMPTY_STATE_IMAGE}>
          {children}
        </EmptyState>
      </Card>
    </Page>
  );
}
