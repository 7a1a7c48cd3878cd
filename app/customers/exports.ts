// The customers list's two CSV exports and their file names. The analysis export has figures and
// no personal data; the marketing export has names and e-mail addresses, only of customers who
// accepted e-mail marketing (docs/decisions/0016-marketing-export.md). Distinct names keep a file
// meant for a mailing tool from being mistaken for the other.
import { toCsv } from "../metrics/csv";
import type { ListQuery } from "./list";

export type ExportKind = "customers" | "marketing";

/**
 * `comeback-<kind>-<scope>-<shop's day>.csv`; the scope is the segment when the list shows one
 * segment and nothing else narrows it, `all` without filters, `filtered` otherwise.
 */
export function exportFileName(kind: ExportKind, query: ListQuery, day: string): string {
  const narrowed = Boolean(query.search || query.tiers.length || query.membership || query.risks.length);
  const scope =
    !narrowed && query.segments.length === 1
      ? query.segments[0]!.replace(/_/g, "-")
      : narrowed || query.segments.length
        ? "filtered"
        : "all";
  return `comeback-${kind}-${scope}-${day}.csv`;
}

export interface MarketingRow {
  firstName: string | null;
  lastName: string | null;
  email: string;
  segment: string | null;
  risk: string | null;
  nextOrderDue: string | null;
  overdueDays: number | null;
}

export const MARKETING_COLUMNS = ["first_name", "last_name", "email", "segment", "churn_risk", "next_order_due", "overdue_days"];

export function marketingCsv(rows: MarketingRow[]): string {
  return toCsv(
    MARKETING_COLUMNS,
    rows.map((row) => [row.firstName, row.lastName, row.email, row.segment, row.risk, row.nextOrderDue, row.overdueDays]),
  );
}

/** Shopify's consent state for "accepted e-mail marketing" (webhooks write it lower case, the import too). */
export const SUBSCRIBED = "subscribed";
