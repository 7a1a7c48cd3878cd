// The customer metafields that carry a member's balance and tier ($app namespace, declared in
// shopify.app.toml) and the mutations that write and delete them.

export const METAFIELD_NAMESPACE = "$app";
/** Shopify's limit per metafieldsSet call. */
export const METAFIELDS_PER_CALL = 25;

export const METAFIELDS_SET = `#graphql
mutation LoyaltyMetafields($metafields: [MetafieldsSetInput!]!) {
  metafieldsSet(metafields: $metafields) {
    metafields { namespace key }
    userErrors { field message code }
  }
}`;

export const METAFIELDS_DELETE = `#graphql
mutation LoyaltyMetafieldsDelete($metafields: [MetafieldIdentifierInput!]!) {
  metafieldsDelete(metafields: $metafields) {
    deletedMetafields { ownerId namespace key }
    userErrors { field message }
  }
}`;

export interface MemberStanding {
  customerGid: string;
  /** Available points. */
  points: number;
  /** Tier name; null: no tier. */
  tier: string | null;
}

/** The metafields of one member: points always, the tier when there is one (Shopify refuses a blank value). */
export function memberMetafields({ customerGid, points, tier }: MemberStanding) {
  const metafield = (key: string, type: string, value: string) => ({
    ownerId: customerGid,
    namespace: METAFIELD_NAMESPACE,
    key,
    type,
    value,
  });
  return [
    metafield("points", "number_integer", String(points)),
    ...(tier ? [metafield("tier", "single_line_text_field", tier)] : []),
  ];
}

/** The tier metafield of a member who lost their tier: deleted, since a stale value would still show. */
export function tierMetafieldIdentifier(customerGid: string) {
  return { ownerId: customerGid, namespace: METAFIELD_NAMESPACE, key: "tier" };
}

// The optional tier tag (program setting tierTag): tags are what customer segments, flows and
// most other apps filter on, where metafields are not always available.

export const TAGS_ADD = `#graphql
mutation LoyaltyTierTagAdd($id: ID!, $tags: [String!]!) {
  tagsAdd(id: $id, tags: $tags) {
    userErrors { field message }
  }
}`;

export const TAGS_REMOVE = `#graphql
mutation LoyaltyTierTagRemove($id: ID!, $tags: [String!]!) {
  tagsRemove(id: $id, tags: $tags) {
    userErrors { field message }
  }
}`;

export const tierTag = (tierName: string) => `comeback-tier:${tierName}`;

/** The tag changes for a member whose tier was `previous` when last written and is `current` now. */
export function tierTagChanges(previous: string | null, current: string | null): { add: string[]; remove: string[] } {
  if (previous === current) return { add: [], remove: [] };
  return { add: current ? [tierTag(current)] : [], remove: previous ? [tierTag(previous)] : [] };
}
