/* eslint-disable eslint-comments/disable-enable-pair */
/* eslint-disable eslint-comments/no-unlimited-disable */
/* eslint-disable */
import type * as AdminTypes from './admin.types.js';

export type FlowTriggerReceiveMutationVariables = AdminTypes.Exact<{
  handle: AdminTypes.Scalars['String']['input'];
  payload: AdminTypes.Scalars['JSON']['input'];
}>;


export type FlowTriggerReceiveMutation = { flowTriggerReceive?: AdminTypes.Maybe<{ userErrors: Array<Pick<AdminTypes.UserError, 'field' | 'message'>> }> };

export type CampaignSegmentCreateMutationVariables = AdminTypes.Exact<{
  name: AdminTypes.Scalars['String']['input'];
  query: AdminTypes.Scalars['String']['input'];
}>;


export type CampaignSegmentCreateMutation = { segmentCreate?: AdminTypes.Maybe<{ segment?: AdminTypes.Maybe<Pick<AdminTypes.Segment, 'id'>>, userErrors: Array<Pick<AdminTypes.UserError, 'field' | 'message'>> }> };

export type CampaignSegmentsByNameQueryVariables = AdminTypes.Exact<{
  query: AdminTypes.Scalars['String']['input'];
}>;


export type CampaignSegmentsByNameQuery = { segments: { nodes: Array<Pick<AdminTypes.Segment, 'id' | 'name'>> } };

export type SignalDefinitionCreateMutationVariables = AdminTypes.Exact<{
  definition: AdminTypes.MetafieldDefinitionInput;
}>;


export type SignalDefinitionCreateMutation = { metafieldDefinitionCreate?: AdminTypes.Maybe<{ createdDefinition?: AdminTypes.Maybe<Pick<AdminTypes.MetafieldDefinition, 'id'>>, userErrors: Array<Pick<AdminTypes.MetafieldDefinitionCreateUserError, 'field' | 'message' | 'code'>> }> };

export type LoyaltyRewardCodeMutationVariables = AdminTypes.Exact<{
  basicCodeDiscount: AdminTypes.DiscountCodeBasicInput;
}>;


export type LoyaltyRewardCodeMutation = { discountCodeBasicCreate?: AdminTypes.Maybe<{ codeDiscountNode?: AdminTypes.Maybe<Pick<AdminTypes.DiscountCodeNode, 'id'>>, userErrors: Array<Pick<AdminTypes.DiscountUserError, 'field' | 'code' | 'message'>> }> };

export type LoyaltyFreeShippingCodeMutationVariables = AdminTypes.Exact<{
  freeShippingCodeDiscount: AdminTypes.DiscountCodeFreeShippingInput;
}>;


export type LoyaltyFreeShippingCodeMutation = { discountCodeFreeShippingCreate?: AdminTypes.Maybe<{ codeDiscountNode?: AdminTypes.Maybe<Pick<AdminTypes.DiscountCodeNode, 'id'>>, userErrors: Array<Pick<AdminTypes.DiscountUserError, 'field' | 'code' | 'message'>> }> };

export type LoyaltyRewardCodeLookupQueryVariables = AdminTypes.Exact<{
  code: AdminTypes.Scalars['String']['input'];
}>;


export type LoyaltyRewardCodeLookupQuery = { codeDiscountNodeByCode?: AdminTypes.Maybe<Pick<AdminTypes.DiscountCodeNode, 'id'>> };

export type LoyaltyMetafieldsMutationVariables = AdminTypes.Exact<{
  metafields: Array<AdminTypes.MetafieldsSetInput> | AdminTypes.MetafieldsSetInput;
}>;


export type LoyaltyMetafieldsMutation = { metafieldsSet?: AdminTypes.Maybe<{ metafields?: AdminTypes.Maybe<Array<Pick<AdminTypes.Metafield, 'namespace' | 'key'>>>, userErrors: Array<Pick<AdminTypes.MetafieldsSetUserError, 'field' | 'message' | 'code'>> }> };

export type LoyaltyMetafieldsDeleteMutationVariables = AdminTypes.Exact<{
  metafields: Array<AdminTypes.MetafieldIdentifierInput> | AdminTypes.MetafieldIdentifierInput;
}>;


export type LoyaltyMetafieldsDeleteMutation = { metafieldsDelete?: AdminTypes.Maybe<{ deletedMetafields?: AdminTypes.Maybe<Array<AdminTypes.Maybe<Pick<AdminTypes.MetafieldIdentifier, 'ownerId' | 'namespace' | 'key'>>>>, userErrors: Array<Pick<AdminTypes.UserError, 'field' | 'message'>> }> };

export type LoyaltyTierTagAddMutationVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars['ID']['input'];
  tags: Array<AdminTypes.Scalars['String']['input']> | AdminTypes.Scalars['String']['input'];
}>;


export type LoyaltyTierTagAddMutation = { tagsAdd?: AdminTypes.Maybe<{ userErrors: Array<Pick<AdminTypes.UserError, 'field' | 'message'>> }> };

export type LoyaltyTierTagRemoveMutationVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars['ID']['input'];
  tags: Array<AdminTypes.Scalars['String']['input']> | AdminTypes.Scalars['String']['input'];
}>;


export type LoyaltyTierTagRemoveMutation = { tagsRemove?: AdminTypes.Maybe<{ userErrors: Array<Pick<AdminTypes.UserError, 'field' | 'message'>> }> };

export type LoyaltyStoreCreditMutationVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars['ID']['input'];
  creditInput: AdminTypes.StoreCreditAccountCreditInput;
}>;


export type LoyaltyStoreCreditMutation = { storeCreditAccountCredit?: AdminTypes.Maybe<{ storeCreditAccountTransaction?: AdminTypes.Maybe<(
      Pick<AdminTypes.StoreCreditAccountCreditTransaction, 'id'>
      & { amount: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, account: Pick<AdminTypes.StoreCreditAccount, 'id'> }
    )>, userErrors: Array<Pick<AdminTypes.StoreCreditAccountCreditUserError, 'field' | 'code' | 'message'>> }> };

export type LoyaltyStoreCreditDebitMutationVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars['ID']['input'];
  debitInput: AdminTypes.StoreCreditAccountDebitInput;
}>;


export type LoyaltyStoreCreditDebitMutation = { storeCreditAccountDebit?: AdminTypes.Maybe<{ storeCreditAccountTransaction?: AdminTypes.Maybe<(
      Pick<AdminTypes.StoreCreditAccountDebitTransaction, 'id'>
      & { amount: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }
    )>, userErrors: Array<Pick<AdminTypes.StoreCreditAccountDebitUserError, 'field' | 'code' | 'message'>> }> };

export type LoyaltyStoreCreditTransactionsQueryVariables = AdminTypes.Exact<{
  customerId: AdminTypes.Scalars['ID']['input'];
}>;


export type LoyaltyStoreCreditTransactionsQuery = { customer?: AdminTypes.Maybe<{ storeCreditAccounts: { nodes: Array<(
        Pick<AdminTypes.StoreCreditAccount, 'id'>
        & { balance: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, transactions: { nodes: Array<(
            { __typename: 'StoreCreditAccountCreditTransaction' }
            & Pick<AdminTypes.StoreCreditAccountCreditTransaction, 'id' | 'expiresAt' | 'createdAt' | 'event'>
            & { remainingAmount: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, amount: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, origin?: AdminTypes.Maybe<{ __typename: 'OrderTransaction' }> }
          ) | (
            { __typename: 'StoreCreditAccountDebitRevertTransaction' }
            & Pick<AdminTypes.StoreCreditAccountDebitRevertTransaction, 'createdAt' | 'event'>
            & { amount: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, origin?: AdminTypes.Maybe<{ __typename: 'OrderTransaction' }> }
          ) | (
            { __typename: 'StoreCreditAccountDebitTransaction' }
            & Pick<AdminTypes.StoreCreditAccountDebitTransaction, 'id' | 'createdAt' | 'event'>
            & { amount: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, origin?: AdminTypes.Maybe<{ __typename: 'OrderTransaction' }> }
          ) | (
            { __typename: 'StoreCreditAccountExpirationTransaction' }
            & Pick<AdminTypes.StoreCreditAccountExpirationTransaction, 'createdAt' | 'event'>
            & { amount: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, origin?: AdminTypes.Maybe<{ __typename: 'OrderTransaction' }> }
          )> } }
      )> } }> };

export type ComebackAppInstallationQueryVariables = AdminTypes.Exact<{ [key: string]: never; }>;


export type ComebackAppInstallationQuery = { currentAppInstallation: Pick<AdminTypes.AppInstallation, 'id'> };

export type RunOrdersExportMutationVariables = AdminTypes.Exact<{
  query: AdminTypes.Scalars['String']['input'];
}>;


export type RunOrdersExportMutation = { bulkOperationRunQuery?: AdminTypes.Maybe<{ bulkOperation?: AdminTypes.Maybe<Pick<AdminTypes.BulkOperation, 'id' | 'status'>>, userErrors: Array<Pick<AdminTypes.BulkOperationUserError, 'field' | 'message'>> }> };

export type BulkOperationStatusQueryVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars['ID']['input'];
}>;


export type BulkOperationStatusQuery = { node?: AdminTypes.Maybe<{ __typename: 'AbandonedCheckout' | 'AbandonedCheckoutLineItem' | 'Abandonment' | 'AddAllProductsOperation' | 'AdditionalFee' | 'AnalyticsAnnotation' | 'AnalyticsTarget' | 'App' | 'AppCatalog' | 'AppCredit' | 'AppInstallation' | 'AppPurchaseOneTime' | 'AppRevenueAttributionRecord' | 'AppSubscription' | 'AppUsageRecord' | 'Article' | 'BasicEvent' | 'Blog' | 'BusinessEntity' | 'CalculatedOrder' } | { __typename: 'CartTransform' | 'CashDrawer' | 'CashManagementCustomReasonCode' | 'CashManagementDefaultReasonCode' | 'CashManagementSystemReasonCode' | 'CashTrackingAdjustment' | 'CashTrackingSession' | 'CatalogCsvOperation' | 'Channel' | 'ChannelDefinition' | 'ChannelInformation' | 'CheckoutAndAccountsConfiguration' | 'CheckoutAndAccountsConfigurationOverride' | 'CheckoutProfile' | 'Collection' | 'CollectionConditionsSource' | 'CollectionSubCollectionsSource' | 'Comment' | 'CommentEvent' | 'Company' } | { __typename: 'CompanyAddress' | 'CompanyContact' | 'CompanyContactRole' | 'CompanyContactRoleAssignment' | 'CompanyLocation' | 'CompanyLocationCatalog' | 'CompanyLocationStaffMemberAssignment' | 'ConsentPolicy' | 'CurrencyExchangeAdjustment' | 'Customer' | 'CustomerAccountAppExtensionPage' | 'CustomerAccountNativePage' | 'CustomerPaymentMethod' | 'CustomerSegmentMembersQuery' | 'CustomerVisit' | 'DeliveryCarrierService' | 'DeliveryCondition' | 'DeliveryCountry' | 'DeliveryCustomization' | 'DeliveryLocationGroup' } | { __typename: 'DeliveryMethod' | 'DeliveryMethodDefinition' | 'DeliveryParticipant' | 'DeliveryProfile' | 'DeliveryProfileItem' | 'DeliveryPromiseParticipant' | 'DeliveryPromiseProvider' | 'DeliveryProvince' | 'DeliveryRateDefinition' | 'DeliveryZone' | 'DiscountAutomaticBxgy' | 'DiscountAutomaticNode' | 'DiscountCodeNode' | 'DiscountNode' | 'DiscountRedeemCodeBulkCreation' | 'Domain' | 'DraftOrder' | 'DraftOrderLineItem' | 'DraftOrderTag' | 'Duty' } | { __typename: 'ExchangeLineItem' | 'ExternalVideo' | 'Fulfillment' | 'FulfillmentConstraintRule' | 'FulfillmentEvent' | 'FulfillmentHold' | 'FulfillmentLineItem' | 'FulfillmentOrder' | 'FulfillmentOrderDestination' | 'FulfillmentOrderLineItem' | 'FulfillmentOrderMerchantRequest' | 'GenericFile' | 'GiftCard' | 'GiftCardCashOutTransaction' | 'GiftCardCreditTransaction' | 'GiftCardDebitTransaction' | 'IdentityProviderSubject' | 'InventoryAdjustmentGroup' | 'InventoryItem' | 'InventoryItemMeasurement' } | { __typename: 'InventoryLevel' | 'InventoryQuantity' | 'InventoryShipment' | 'InventoryShipmentLineItem' | 'InventoryTransfer' | 'InventoryTransferLineItem' | 'LineItem' | 'LineItemGroup' | 'Location' | 'MailingAddress' | 'Market' | 'MarketCatalog' | 'MarketRegionCountry' | 'MarketRegionSubdivision' | 'MarketWebPresence' | 'MarketingActivity' | 'MarketingEvent' | 'MediaImage' | 'Menu' | 'Metafield' } | { __typename: 'MetafieldDefinition' | 'Metaobject' | 'MetaobjectDefinition' | 'Model3d' | 'OnlineStoreTheme' | 'Order' | 'OrderAdjustment' | 'OrderAttributionDefinition' | 'OrderCancelJobResult' | 'OrderCreateMandatePaymentJobResult' | 'OrderDisputeSummary' | 'OrderEditSession' | 'OrderTransaction' | 'Page' | 'PaymentCustomization' | 'PaymentMandate' | 'PaymentSchedule' | 'PaymentTerms' | 'PaymentTermsTemplate' | 'PointOfSaleDevice' } | { __typename: 'PointOfSaleDevicePaymentSession' | 'PriceList' | 'Product' | 'ProductBundleOperation' | 'ProductDeleteOperation' | 'ProductDuplicateOperation' | 'ProductFeed' | 'ProductOption' | 'ProductOptionValue' | 'ProductSetOperation' | 'ProductTaxonomyNode' | 'ProductVariant' | 'ProductVariantComponent' | 'Publication' | 'PublicationResourceOperation' | 'QuantityPriceBreak' | 'Refund' | 'RefundShippingLine' | 'Return' | 'ReturnLineItem' } | { __typename: 'ReturnReasonDefinition' | 'ReturnableFulfillment' | 'ReverseDelivery' | 'ReverseDeliveryLineItem' | 'ReverseFulfillmentOrder' | 'ReverseFulfillmentOrderDisposition' | 'ReverseFulfillmentOrderLineItem' | 'SaleAdditionalFee' | 'SavedSearch' | 'ScriptTag' | 'Segment' | 'SellingPlan' | 'SellingPlanGroup' | 'ServerPixel' | 'ShippingLabel' | 'ShippingLabelPurchaseResult' | 'Shop' | 'ShopAddress' | 'ShopPolicy' | 'ShopifyPaymentsAccount' } | { __typename: 'ShopifyPaymentsBalanceTransaction' | 'ShopifyPaymentsBankAccount' | 'ShopifyPaymentsDispute' | 'ShopifyPaymentsDisputeEvidence' | 'ShopifyPaymentsDisputeFileUpload' | 'ShopifyPaymentsDisputeFulfillment' | 'ShopifyPaymentsPayout' | 'StaffMember' | 'StandardMetafieldDefinitionTemplate' | 'StoreCreditAccount' | 'StoreCreditAccountCreditTransaction' | 'StoreCreditAccountDebitRevertTransaction' | 'StoreCreditAccountDebitTransaction' | 'StorefrontAccessToken' | 'SubscriptionBillingAttempt' | 'SubscriptionContract' | 'SubscriptionDraft' | 'TaxonomyAttribute' | 'TaxonomyCategory' | 'TaxonomyChoiceListAttribute' } | { __typename: 'TaxonomyMeasurementAttribute' | 'TaxonomyValue' | 'TenderTransaction' | 'TransactionFee' | 'UnverifiedReturnLineItem' | 'UrlRedirect' | 'UrlRedirectImport' | 'Validation' | 'Video' | 'WebPixel' | 'WebhookSubscription' } | (
    { __typename: 'BulkOperation' }
    & Pick<AdminTypes.BulkOperation, 'id' | 'status' | 'errorCode' | 'url'>
  )> };

export type ShopBasicsQueryVariables = AdminTypes.Exact<{ [key: string]: never; }>;


export type ShopBasicsQuery = { shop: Pick<AdminTypes.Shop, 'id' | 'name' | 'currencyCode' | 'ianaTimezone'> };

interface GeneratedQueryTypes {
  "#graphql\nquery CampaignSegmentsByName($query: String!) {\n  segments(first: 25, query: $query) {\n    nodes { id name }\n  }\n}": {return: CampaignSegmentsByNameQuery, variables: CampaignSegmentsByNameQueryVariables},
  "#graphql\nquery LoyaltyRewardCodeLookup($code: String!) {\n  codeDiscountNodeByCode(code: $code) { id }\n}": {return: LoyaltyRewardCodeLookupQuery, variables: LoyaltyRewardCodeLookupQueryVariables},
  "#graphql\nquery LoyaltyStoreCreditTransactions($customerId: ID!) {\n  customer(id: $customerId) {\n    storeCreditAccounts(first: 10) {\n      nodes {\n        id\n        balance { amount currencyCode }\n        transactions(first: 100, reverse: true, sortKey: CREATED_AT) {\n          nodes {\n            __typename\n            createdAt\n            amount { amount currencyCode }\n            event\n            origin { __typename }\n            ... on StoreCreditAccountCreditTransaction { id expiresAt remainingAmount { amount currencyCode } }\n            ... on StoreCreditAccountDebitTransaction { id }\n          }\n        }\n      }\n    }\n  }\n}": {return: LoyaltyStoreCreditTransactionsQuery, variables: LoyaltyStoreCreditTransactionsQueryVariables},
  "#graphql\nquery ComebackAppInstallation {\n  currentAppInstallation { id }\n}": {return: ComebackAppInstallationQuery, variables: ComebackAppInstallationQueryVariables},
  "#graphql\nquery BulkOperationStatus($id: ID!) {\n  node(id: $id) { __typename ... on BulkOperation { id status errorCode url } }\n}": {return: BulkOperationStatusQuery, variables: BulkOperationStatusQueryVariables},
  "#graphql\nquery ShopBasics {\n  shop { id name currencyCode ianaTimezone }\n}": {return: ShopBasicsQuery, variables: ShopBasicsQueryVariables},
}

interface GeneratedMutationTypes {
  "#graphql\nmutation FlowTriggerReceive($handle: String!, $payload: JSON!) {\n  flowTriggerReceive(handle: $handle, payload: $payload) {\n    userErrors { field message }\n  }\n}": {return: FlowTriggerReceiveMutation, variables: FlowTriggerReceiveMutationVariables},
  "#graphql\nmutation CampaignSegmentCreate($name: String!, $query: String!) {\n  segmentCreate(name: $name, query: $query) {\n    segment { id }\n    userErrors { field message }\n  }\n}": {return: CampaignSegmentCreateMutation, variables: CampaignSegmentCreateMutationVariables},
  "#graphql\nmutation SignalDefinitionCreate($definition: MetafieldDefinitionInput!) {\n  metafieldDefinitionCreate(definition: $definition) {\n    createdDefinition { id }\n    userErrors { field message code }\n  }\n}": {return: SignalDefinitionCreateMutation, variables: SignalDefinitionCreateMutationVariables},
  "#graphql\nmutation LoyaltyRewardCode($basicCodeDiscount: DiscountCodeBasicInput!) {\n  discountCodeBasicCreate(basicCodeDiscount: $basicCodeDiscount) {\n    codeDiscountNode { id }\n    userErrors { field code message }\n  }\n}": {return: LoyaltyRewardCodeMutation, variables: LoyaltyRewardCodeMutationVariables},
  "#graphql\nmutation LoyaltyFreeShippingCode($freeShippingCodeDiscount: DiscountCodeFreeShippingInput!) {\n  discountCodeFreeShippingCreate(freeShippingCodeDiscount: $freeShippingCodeDiscount) {\n    codeDiscountNode { id }\n    userErrors { field code message }\n  }\n}": {return: LoyaltyFreeShippingCodeMutation, variables: LoyaltyFreeShippingCodeMutationVariables},
  "#graphql\nmutation LoyaltyMetafields($metafields: [MetafieldsSetInput!]!) {\n  metafieldsSet(metafields: $metafields) {\n    metafields { namespace key }\n    userErrors { field message code }\n  }\n}": {return: LoyaltyMetafieldsMutation, variables: LoyaltyMetafieldsMutationVariables},
  "#graphql\nmutation LoyaltyMetafieldsDelete($metafields: [MetafieldIdentifierInput!]!) {\n  metafieldsDelete(metafields: $metafields) {\n    deletedMetafields { ownerId namespace key }\n    userErrors { field message }\n  }\n}": {return: LoyaltyMetafieldsDeleteMutation, variables: LoyaltyMetafieldsDeleteMutationVariables},
  "#graphql\nmutation LoyaltyTierTagAdd($id: ID!, $tags: [String!]!) {\n  tagsAdd(id: $id, tags: $tags) {\n    userErrors { field message }\n  }\n}": {return: LoyaltyTierTagAddMutation, variables: LoyaltyTierTagAddMutationVariables},
  "#graphql\nmutation LoyaltyTierTagRemove($id: ID!, $tags: [String!]!) {\n  tagsRemove(id: $id, tags: $tags) {\n    userErrors { field message }\n  }\n}": {return: LoyaltyTierTagRemoveMutation, variables: LoyaltyTierTagRemoveMutationVariables},
  "#graphql\nmutation LoyaltyStoreCredit($id: ID!, $creditInput: StoreCreditAccountCreditInput!) {\n  storeCreditAccountCredit(id: $id, creditInput: $creditInput) {\n    storeCreditAccountTransaction { id amount { amount currencyCode } account { id } }\n    userErrors { field code message }\n  }\n}": {return: LoyaltyStoreCreditMutation, variables: LoyaltyStoreCreditMutationVariables},
  "#graphql\nmutation LoyaltyStoreCreditDebit($id: ID!, $debitInput: StoreCreditAccountDebitInput!) {\n  storeCreditAccountDebit(id: $id, debitInput: $debitInput) {\n    storeCreditAccountTransaction { id amount { amount currencyCode } }\n    userErrors { field code message }\n  }\n}": {return: LoyaltyStoreCreditDebitMutation, variables: LoyaltyStoreCreditDebitMutationVariables},
  "#graphql\nmutation RunOrdersExport($query: String!) {\n  bulkOperationRunQuery(query: $query) {\n    bulkOperation { id status }\n    userErrors { field message }\n  }\n}": {return: RunOrdersExportMutation, variables: RunOrdersExportMutationVariables},
}
declare module '@shopify/admin-api-client' {
  type InputMaybe<T> = AdminTypes.InputMaybe<T>;
  interface AdminQueries extends GeneratedQueryTypes {}
  interface AdminMutations extends GeneratedMutationTypes {}
}
