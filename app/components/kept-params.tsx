// Links, forms and navigations inside the app carry the session's query parameters (the locale)
// from the current URL to the next: every link goes through the hooks and components here.
import { Link, useLocation } from "@remix-run/react";
import { useCallback } from "react";
import { KEPT_PARAMS, keptSearch, withKeptParams } from "../platform/http/kept-params";

/** `href` with the current URL's kept parameters. */
export function useKeptHref() {
  const search = useLocation().search;
  return useCallback((href: string) => withKeptParams(href, new URLSearchParams(search)), [search]);
}

/** A navigation's or GET submission's query with the current URL's kept parameters. */
export function useKeptSearch() {
  const search = useLocation().search;
  return useCallback(
    (params: URLSearchParams | Record<string, string>) => keptSearch(new URLSearchParams(params), new URLSearchParams(search)),
    [search],
  );
}

/** Hidden fields that carry the kept parameters through a GET form (whose fields replace the query). */
export function KeptParamsFields() {
  const current = new URLSearchParams(useLocation().search);
  return (
    <>
      {KEPT_PARAMS.filter((name) => current.has(name)).map((name) => (
        <input key={name} type="hidden" name={name} value={current.get(name)!} />
      ))}
    </>
  );
}

/** Polaris's link component (Navigation, Button and Link `url`, pagination): client-side, keeping the parameters. */
export function AppLink({
  url,
  children,
  external,
  ...rest
}: {
  url: string;
  children?: React.ReactNode;
  external?: boolean;
  [key: string]: unknown;
}) {
  const keep = useKeptHref();
  if (external)
    return (
      <a href={url} target="_blank" rel="noreferrer" {...rest}>
        {children}
      </a>
    );
  return (
    <Link to={keep(url)} {...rest}>
      {children}
    </Link>
  );
}
