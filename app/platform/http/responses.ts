// The app's own JSON and CSV answers, one way each. They carry a shop's data, so no cache (the
// browser's or a proxy's) keeps them.

/** JSON with bigints (money, thresholds) as decimal text. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(
    JSON.stringify(body, (_key, value) => (typeof value === "bigint" ? String(value) : value)),
    { status, headers: { "Content-Type": "application/json", "Cache-Control": "no-store", ...headers } },
  );
}

/** A CSV file the browser saves as `fileName`. */
export function csvResponse(body: string, fileName: string): Response {
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${fileName}"`,
      "Cache-Control": "no-store",
    },
  });
}
