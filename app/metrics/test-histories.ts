// Test helper: small shops built through the real OrderFacts, with orders written by local date.
import { parseLocalDate, type LocalDay } from "./calendar";
import { OrderFacts, type OrderFactRow } from "./order-facts";

export const HELSINKI = "Europe/Helsinki";

/** "2024-03-01" -> local day number. */
export const day = (date: string): LocalDay => parseLocalDate(date);

/** Noon UTC on a date: the same calendar date in Helsinki (UTC+2/+3) and New York (UTC−5/−4). */
export const noonUtc = (date: string | LocalDay): number =>
  (typeof date === "number" ? date : day(date)) * 86_400_000 + 12 * 3_600_000;

export interface OrderSpec {
  id: number;
  customerId: number | null;
  /** "2024-03-01" or a local day number (noon UTC that day), or an ISO instant "2024-03-31T21:30:00Z". */
  at: string | LocalDay | null;
  net: number;
  test?: boolean;
  cancelled?: boolean;
  deleted?: boolean;
}

export function orderRow({ id, customerId, at, net, test = false, cancelled = false, deleted = false }: OrderSpec): OrderFactRow {
  const processedAtMs = at === null ? null : typeof at === "number" || at.length === 10 ? noonUtc(at) : Date.parse(at);
  if (processedAtMs !== null && Number.isNaN(processedAtMs)) throw new Error(`bad test date: ${at}`);
  return { id, customerId, processedAtMs, net, test, cancelled, deleted };
}

/** [customer (null = guest), date or instant, net minor units]; order ids are 1, 2, 3 … */
export type OrderTuple = [customerId: number | null, at: string | LocalDay, net: number];

export function shopWith(orders: OrderTuple[], zone = HELSINKI): OrderFacts {
  const facts = new OrderFacts(zone);
  facts.apply(orders.map(([customerId, at, net], i) => orderRow({ id: i + 1, customerId, at, net })));
  return facts;
}

/** Position of a customer (by database id) in the dense arrays metrics return. */
export function indexOfCustomer(facts: OrderFacts, customerId: number): number {
  const index = facts.customerIds.indexOf(customerId);
  if (index < 0) throw new Error(`no customer ${customerId}`);
  return index;
}

/**
 * A shop of January to April 2024 for the cohort and series tests. Cohorts: January (customers 1, 2,
 * 3), February (4, whose first order is 00:30 on 1 February in Helsinki, still January in UTC),
 * March (5 and 7; 7's cancelled January order is added by sampleShop), April (6; the order on
 * 20 April comes after 15 April). Guests never join a cohort.
 */
export const SAMPLE_ORDERS: OrderTuple[] = [
  [1, "2024-01-05", 1_000],
  [1, "2024-01-20", 500],
  [1, "2024-03-03", 2_000],
  [2, "2024-01-31T21:30:00Z", 3_000], // 23:30 on 31 January in Helsinki
  [2, "2024-02-10", 1_000],
  [2, "2024-04-10", 1_000],
  [3, "2024-01-10", 600],
  [4, "2024-01-31T22:30:00Z", 800],
  [4, "2024-03-15", 400],
  [5, "2024-03-20", 700],
  [5, "2024-04-02", 300],
  [7, "2024-03-01", 900],
  [6, "2024-04-01", 1_000],
  [6, "2024-04-20", 5_000],
  [null, "2024-01-15", 10_000],
  [null, "2024-04-30", 70],
];

/** SAMPLE_ORDERS, with customer 7's cancelled January order (it counts for nothing). */
export function sampleShop(zone = HELSINKI): OrderFacts {
  const facts = shopWith(SAMPLE_ORDERS, zone);
  facts.apply([orderRow({ id: 1_000, customerId: 7, at: "2024-01-02", net: 9_999, cancelled: true })]);
  return facts;
}
