// The `shopify` global the customer account host gives every target (StandardApi), with the
// order the order status block also gets. Read through here because the package's checkout
// typings declare a global `shopify` of another shape.
import type { Api as PageApi } from "@shopify/ui-extensions/customer-account.page.render";
import type { Api as OrderApi } from "@shopify/ui-extensions/customer-account.order-status.block.render";
import type {} from "@shopify/ui-extensions/customer-account.profile.block.render";

export type AccountApi = PageApi & Partial<Pick<OrderApi, "order">>;

export const host = () => (globalThis as unknown as { shopify: AccountApi }).shopify;
