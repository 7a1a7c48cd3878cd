// Query parameters that belong to the whole admin session rather than one page: Shopify's
// `?locale=` opens the app in the staff member's language, and a reload, bookmark or shared link
// of any later page must open in it too (the root loader reads it once and never again).
export const KEPT_PARAMS = ["locale"] as const;

/** `href` (a path, "?query" or "#hash" inside the app) with the kept parameters of `current` it does not set itself. */
export function withKeptParams(href: string, current: URLSearchParams): string {
  if (/^[a-z][a-z\d+.-]*:|^\/\//i.test(href)) return href;
  const kept = KEPT_PARAMS.filter((name) => current.has(name));
  if (kept.length === 0) return href;
  const hashAt = href.indexOf("#");
  const hash = hashAt < 0 ? "" : href.slice(hashAt);
  const beforeHash = hashAt < 0 ? href : href.slice(0, hashAt);
  const queryAt = beforeHash.indexOf("?");
  const path = queryAt < 0 ? beforeHash : beforeHash.slice(0, queryAt);
  const params = new URLSearchParams(queryAt < 0 ? "" : beforeHash.slice(queryAt + 1));
  for (const name of kept) if (!params.has(name)) params.set(name, current.get(name)!);
  return `${path}?${params}${hash}`;
}

/** `params` (a form's or a navigation's query) with the kept parameters of `current` added. */
export function keptSearch(params: URLSearchParams, current: URLSearchParams): URLSearchParams {
  const result = new URLSearchParams(params);
  for (const name of KEPT_PARAMS) if (current.has(name) && !result.has(name)) result.set(name, current.get(name)!);
  return result;
}
