// Shopify's numeric ids can exceed 2^53, where JSON.parse silently rounds them. Every `id` and
// `*_id` number, and every integer too large to be exact (ids inside arrays), is therefore kept as
// its exact source text (Node 22 passes the source to the reviver).
export function parseShopifyJson(text: string): unknown {
  return JSON.parse(text, function revive(this: unknown, key: string, value: unknown, context?: { source?: string }) {
    if (
      typeof value === "number" &&
      context?.source &&
      (key === "id" || key.endsWith("_id") || (Number.isInteger(value) && !Number.isSafeInteger(value)))
    ) {
      return context.source;
    }
    return value;
  } as (key: string, value: unknown) => unknown);
}

/** `gid://shopify/Order/123` from a numeric id kept as text, or the GID itself. */
export function toGid(resource: string, id: string | number): string {
  const text = String(id);
  if (text.startsWith(`gid://shopify/${resource}/`)) return text;
  if (!/^\d+$/.test(text)) throw new Error(`not a Shopify ${resource} id: ${text}`);
  return `gid://shopify/${resource}/${text}`;
}
