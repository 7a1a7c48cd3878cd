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
