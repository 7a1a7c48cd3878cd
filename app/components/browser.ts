// Browser-side helpers the admin pages share.
import { useEffect, useState } from "react";

/** False on the server and on the first client render; true once hydrated (polaris-viz measures the DOM). */
export function useHydrated(): boolean {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated;
}

/**
 * Downloads `path` under the file name the server gives (Content-Disposition), else `fileName`.
 * A fetch rather than a link: inside the Shopify admin App Bridge adds the session token to
 * fetches, not to navigations. Resolves to the file's name and the response's row count header
 * (0 without one), for the toast.
 */
export async function downloadFile(path: string, fileName?: string): Promise<{ fileName: string; rows: number }> {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`${response.status} ${await response.text()}`);
  const name = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") ?? "")?.[1] ?? fileName ?? "export.csv";
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement("a"), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
  return { fileName: name, rows: Number(response.headers.get("X-Row-Count") ?? 0) };
}
