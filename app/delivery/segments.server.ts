// An optional Shopify customer segment per campaign (decision 30), from a query over the app's
// customer metafields (customer-metafields.ts, signalSegmentQuery): merchants then use it in
// Shopify Email, discounts or Flow. Created once per campaign key: the segment's GID is kept per
// shop, and a create whose answer was lost is found again by its name, which Shopify keeps unique.
import db from "../platform/db/client.server";
import type { AdminClient } from "../platform/shopify/admin-client.server";
import { adminClientFor } from "../offline-admin.server";
import { ensureSignalDefinitions } from "./signals.server";

export const SEGMENT_CREATE = `#graphql
mutation CampaignSegmentCreate($name: String!, $query: String!) {
  segmentCreate(name: $name, query: $query) {
    segment { id }
    userErrors { field message }
  }
}`;

export const SEGMENTS_BY_NAME = `#graphql
query CampaignSegmentsByName($query: String!) {
  segments(first: 25, query: $query) {
    nodes { id name }
  }
}`;

export interface CampaignSegment {
  /** The campaign's stable key; one segment per key and shop. */
  campaignKey: string;
  /** The segment's name in Shopify (unique per shop). */
  name: string;
  /** A segment query, e.g. signalSegmentQuery({ currentOffer: campaignKey }). */
  query: string;
}

export class SegmentError extends Error {}

/** The segment's GID: the one created before for this campaign key, or a new one. */
export async function createCampaignSegment(shopDomain: string, segment: CampaignSegment, admin?: AdminClient): Promise<string> {
  const known = await segmentsOf(shopDomain);
  if (known[segment.campaignKey]) return known[segment.campaignKey];
  const client = admin ?? (await adminClientFor(shopDomain));
  // The query names the metafields: their definitions must exist first.
  await ensureSignalDefinitions(shopDomain, client);
  const { data } = await client.request(SEGMENT_CREATE, { name: segment.name, query: segment.query });
  let id = data.segmentCreate?.segment?.id ?? null;
  if (!id) {
    // A segment of this name exists (a create whose answer was lost): it is this campaign's.
    const { data: found } = await client.request(SEGMENTS_BY_NAME, { query: `name:${JSON.stringify(segment.name)}` });
    id = found.segments.nodes.find((node) => node.name === segment.name)?.id ?? null;
    if (!id) {
      const errors = data.segmentCreate?.userErrors.map((e) => e.message).join("; ") || "no segment created";
      throw new SegmentError(`Shopify refused the segment ${segment.name}: ${errors}`);
    }
  }
  await db.shopSegmentation.upsert({
    where: { shopDomain },
    create: { shopDomain, segments: JSON.stringify({ [segment.campaignKey]: id }) },
    update: { segments: JSON.stringify({ ...(await segmentsOf(shopDomain)), [segment.campaignKey]: id }) },
  });
  return id;
}

async function segmentsOf(shopDomain: string): Promise<Record<string, string>> {
  const row = await db.shopSegmentation.findUnique({ where: { shopDomain }, select: { segments: true } });
  return row ? (JSON.parse(row.segments) as Record<string, string>) : {};
}
