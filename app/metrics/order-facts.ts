// What the metrics need of a shop's orders, held in memory as typed arrays: per order its
// customer, its local day, its net revenue and whether it counts. A million orders take about
// 20 MB, load once, and take changes in place, so no dashboard ever groups a million rows in SQL.
import { calendarFor, monthOfDay, type LocalDay, type ShopCalendar } from "./calendar";

/** One order as the database holds it, reduced to what the metrics use. */
export interface OrderFactRow {
  /** The database id of the order (stable; Shopify's own ids exceed 2^53). */
  id: number;
  /** The database id of its customer; null for a guest order. */
  customerId: number | null;
  /** processed_at, ms since the epoch; null for a stub (a refund that arrived before its order). */
  processedAtMs: number | null;
  /** Net revenue in integer minor units of the shop currency. */
  net: number;
  test: boolean;
  cancelled: boolean;
  deleted: boolean;
}

/** A counted order: not a test, not cancelled, not deleted, with processed_at (docs/metrics.md). */
export function isCounted(row: OrderFactRow): boolean {
  return !row.test && !row.cancelled && !row.deleted && row.processedAtMs !== null;
}

/** Net revenue must stay exact: integer minor units, within the range doubles hold exactly. */
export function assertExactMoney(value: number): number {
  if (!Number.isSafeInteger(value)) throw new RangeError(`money out of exact range: ${value}`);
  return value;
}

const SNAPSHOT_MAGIC = 0x31_4d_42_43; // "CBM1"
/** Heap bytes of one number -> number entry of a Map, and of one element of a number array (measured on Node 22). */
const MAP_ENTRY_BYTES = 30;
const ARRAY_ELEMENT_BYTES = 8;

export class OrderFacts {
  readonly calendar: ShopCalendar;
  size = 0;
  /** Bumped on every change; derived tables are rebuilt when it moves. */
  version = 0;
  /** Database id of the order in each slot. */
  orderId = new Int32Array(1024);
  customer = new Int32Array(1024);
  day = new Int32Array(1024);
  net = new Float64Array(1024);
  counted = new Uint8Array(1024);
  /**
   * Slots below this hold ids in ascending order (a load reads orders by id), found by binary
   * search; a million-entry Map would cost more to build than the load itself. Orders that come
   * later go in `laterSlots`.
   */
  private sortedSlots = 0;
  private readonly laterSlots = new Map<number, number>();
  private readonly indexOfCustomer = new Map<number, number>();
  /** Dense customer index -> database id. */
  readonly customerIds: number[] = [];
  private derived: CustomerHistories | null = null;

  constructor(timeZone: string) {
    this.calendar = calendarFor(timeZone);
  }

  get customerCount(): number {
    return this.customerIds.length;
  }

  /** The dense customer index of a customer's database id; undefined for a customer without orders here. */
  customerIndexOf(id: number): number | undefined {
    return this.indexOfCustomer.get(id);
  }

  /** Memory these facts hold (their arrays at full capacity, their maps), for the cache budget. */
  byteSize(): number {
    const arrays = [this.orderId, this.customer, this.day, this.net, this.counted];
    return (
      arrays.reduce((total, array) => total + array.byteLength, 0) +
      (this.laterSlots.size + this.indexOfCustomer.size) * MAP_ENTRY_BYTES +
      this.customerIds.length * ARRAY_ELEMENT_BYTES
    );
  }

  /** Adds or replaces orders (by database id). */
  apply(rows: Iterable<OrderFactRow>): void {
    let changed = false;
    for (const row of rows) {
      // Checked before anything is written: a rejected row leaves no trace.
      const net = assertExactMoney(row.net);
      const customer = row.customerId === null ? -1 : this.customerIndex(row.customerId);
      const counted = isCounted(row) ? 1 : 0;
      const day = counted ? this.calendar.dayOf(row.processedAtMs!) : 0;
      let slot = this.slotOf(row.id);
      if (slot === undefined) {
        slot = this.size++;
        if (slot === this.customer.length) this.grow();
        this.orderId[slot] = row.id;
        if (this.sortedSlots === slot && (slot === 0 || this.orderId[slot - 1] < row.id)) this.sortedSlots++;
        else this.laterSlots.set(row.id, slot);
      } else if (
        this.customer[slot] === customer &&
        this.counted[slot] === counted &&
        this.day[slot] === day &&
        this.net[slot] === net
      ) {
        // Re-read unchanged (the overlap of each look): nothing to rebuild.
        continue;
      }
      this.customer[slot] = customer;
      this.counted[slot] = counted;
      this.day[slot] = day;
      this.net[slot] = net;
      if (!changed) {
        changed = true;
        this.version++;
        this.derived = null;
      }
    }
  }

  /** Counted orders grouped by customer and sorted by day; rebuilt lazily after changes. */
  histories(): CustomerHistories {
    this.derived ??= buildHistories(this);
    return this.derived;
  }

  /**
   * The facts as bytes, for a fast start after a restart (facts.server.ts stores them). Only
   * ids, days and amounts: no personal data.
   */
  toSnapshot(): Uint8Array<ArrayBuffer> {
    const n = this.size;
    const parts = [
      Int32Array.of(SNAPSHOT_MAGIC, n, this.sortedSlots, this.customerIds.length),
      this.orderId.subarray(0, n),
      this.customer.subarray(0, n),
      this.day.subarray(0, n),
      this.net.subarray(0, n),
      this.counted.subarray(0, n),
      Int32Array.from(this.customerIds),
    ];
    const snapshot = new Uint8Array(parts.reduce((total, part) => total + part.byteLength, 0));
    let offset = 0;
    for (const part of parts) {
      snapshot.set(new Uint8Array(part.buffer, part.byteOffset, part.byteLength), offset);
      offset += part.byteLength;
    }
    return snapshot;
  }

  /** Facts from `toSnapshot`, for the same timezone; null if the bytes are not a snapshot. */
  static fromSnapshot(timeZone: string, snapshot: Uint8Array): OrderFacts | null {
    const read = new SnapshotReader(snapshot);
    const header = read.int32(4);
    if (!header || header[0] !== SNAPSHOT_MAGIC) return null;
    const [, n, sortedSlots, customers] = header;
    const facts = new OrderFacts(timeZone);
    const capacity = Math.max(1024, n);
    const place = <T extends Int32Array | Float64Array | Uint8Array>(target: T, source: T | null) => {
      if (!source) throw new Error("truncated metrics snapshot");
      target.set(source);
      return target;
    };
    facts.orderId = place(new Int32Array(capacity), read.int32(n));
    facts.customer = place(new Int32Array(capacity), read.int32(n));
    facts.day = place(new Int32Array(capacity), read.int32(n));
    facts.net = place(new Float64Array(capacity), read.float64(n));
    facts.counted = place(new Uint8Array(capacity), read.uint8(n));
    const customerIds = read.int32(customers);
    if (!customerIds) throw new Error("truncated metrics snapshot");
    customerIds.forEach((id, index) => {
      facts.customerIds.push(id);
      facts.indexOfCustomer.set(id, index);
    });
    facts.size = n;
    facts.sortedSlots = sortedSlots;
    for (let slot = sortedSlots; slot < n; slot++) facts.laterSlots.set(facts.orderId[slot], slot);
    facts.version = 1;
    return facts;
  }

  private slotOf(id: number): number | undefined {
    let low = 0,
      high = this.sortedSlots;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.orderId[middle] < id) low = middle + 1;
      else high = middle;
    }
    return low < this.sortedSlots && this.orderId[low] === id ? low : this.laterSlots.get(id);
  }

  private customerIndex(id: number): number {
    let index = this.indexOfCustomer.get(id);
    if (index === undefined) {
      index = this.customerIds.length;
      this.customerIds.push(id);
      this.indexOfCustomer.set(id, index);
    }
    return index;
  }

  private grow() {
    const capacity = this.customer.length * 2;
    const widen = <T extends Int32Array | Float64Array | Uint8Array>(array: T, make: new (n: number) => T): T => {
      const wider = new make(capacity);
      wider.set(array);
      return wider;
    };
    this.orderId = widen(this.orderId, Int32Array);
    this.customer = widen(this.customer, Int32Array);
    this.day = widen(this.day, Int32Array);
    this.net = widen(this.net, Float64Array);
    this.counted = widen(this.counted, Uint8Array);
  }
}

/** Reads typed arrays off a byte string in order; copies, since its offset may be unaligned. */
class SnapshotReader {
  private offset = 0;
  constructor(private readonly source: Uint8Array) {}

  private take(length: number): ArrayBuffer | null {
    if (this.offset + length > this.source.byteLength) return null;
    const start = this.source.byteOffset + this.offset;
    this.offset += length;
    return this.source.buffer.slice(start, start + length) as ArrayBuffer;
  }

  int32(n: number) {
    const buffer = this.take(n * 4);
    return buffer && new Int32Array(buffer);
  }

  float64(n: number) {
    const buffer = this.take(n * 8);
    return buffer && new Float64Array(buffer);
  }

  uint8(n: number) {
    const buffer = this.take(n);
    return buffer && new Uint8Array(buffer);
  }
}

/**
 * The shape every metric reads: for customer c, its counted orders are positions
 * start[c] .. start[c+1]-1 of `days` / `net`, in day order. Guest orders stand apart.
 * Customers without any counted order have an empty range.
 */
export interface CustomerHistories {
  customers: number;
  start: Int32Array;
  days: Int32Array;
  net: Float64Array;
  guestDays: Int32Array;
  guestNet: Float64Array;
  /** The first and last local day with a counted order (0 and -1 when there is none). */
  firstDay: LocalDay;
  lastDay: LocalDay;
  /** Month index of a day: monthOf(day). Precomputed for the range of days in the data. */
  monthOf(day: LocalDay): number;
}

/**
 * The arrays the model thread reads (metrics.server.ts) live in shared memory: a thread receives
 * them without a copy, and the read-only models never write them. A copy cost a 200,000-customer
 * shop about 25 MiB more RSS while the thread worked.
 */
function sharedArray<T extends Int32Array | Float64Array>(
  Type: { new (buffer: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number },
  length: number,
): T {
  return new Type(new SharedArrayBuffer(length * Type.BYTES_PER_ELEMENT));
}

function buildHistories(facts: OrderFacts): CustomerHistories {
  const customers = facts.customerCount;
  const start = sharedArray(Int32Array, customers + 1);
  let guests = 0;
  let firstDay = Infinity;
  let lastDay = -Infinity;
  for (let i = 0; i < facts.size; i++) {
    if (!facts.counted[i]) continue;
    const c = facts.customer[i];
    if (c < 0) guests++;
    else start[c + 1]++;
    const day = facts.day[i];
    if (day < firstDay) firstDay = day;
    if (day > lastDay) lastDay = day;
  }
  for (let c = 0; c < customers; c++) start[c + 1] += start[c];
  const total = start[customers];
  const days = sharedArray(Int32Array, total);
  const net = sharedArray(Float64Array, total);
  const guestDays = new Int32Array(guests);
  const guestNet = new Float64Array(guests);
  const next = start.slice(0, customers);
  let g = 0;
  for (let i = 0; i < facts.size; i++) {
    if (!facts.counted[i]) continue;
    const c = facts.customer[i];
    if (c < 0) {
      guestDays[g] = facts.day[i];
      guestNet[g++] = facts.net[i];
      continue;
    }
    // Insertion into the customer's range keeps it sorted by day; ranges are short.
    let at = next[c]++;
    const day = facts.day[i];
    while (at > start[c] && days[at - 1] > day) {
      days[at] = days[at - 1];
      net[at] = net[at - 1];
      at--;
    }
    days[at] = day;
    net[at] = facts.net[i];
  }
  if (firstDay === Infinity) [firstDay, lastDay] = [0, -1];
  const months = new Int32Array(Math.max(0, lastDay - firstDay + 1));
  for (let d = firstDay; d <= lastDay; d++) months[d - firstDay] = monthOfDay(d);
  const monthOf = (day: LocalDay) => (day >= firstDay && day <= lastDay ? months[day - firstDay] : monthOfDay(day));
  return { customers, start, days, net, guestDays, guestNet, firstDay, lastDay, monthOf };
}
