// Synthetic order history for demos and benchmarks, in the line format of a Shopify Admin GraphQL
// Bulk Operation JSONL export of orders (one order per line, refunds inline).
//
// Model ("buy till you die", Pareto/NBD style): customers are acquired at their first order, with
// growth over time and retail seasonality (November/December high, Black Friday spike, late summer
// low). Each customer then repeats as a Poisson process with a gamma-distributed rate until an
// exponentially distributed dropout. Customers' order streams are merged with a min-heap keyed on
// the next order time, so orders come out sorted while memory stays proportional to the customers
// still active, never to the number of orders.
//
// Orders per customer (guest orders excluded) come out at about 2.35 over 3 years and 2.55 over
// 5 years, and ~35% of customers order more than once; with the default 5% guests that is about
// 2.5 (3 years) or 2.7 (5 years) orders in total per customer. Pick the customer count from the
// orders you want: ~375,000 customers over 5 years give ~1,000,000 orders (200,000 give ~535,000).
//
// `purchaseRateScale` multiplies every customer's repeat purchase rate (cap included) for stores
// whose customers come back more often; dropout stays as it is. Calibrated on 5 years (seed 1):
// 2 gives ~4.05 orders per customer (4.27 with guests, 46% repeat customers); 2.45 gives ~4.76
// (5.0 with guests, 48% repeat): 200,000 customers over 5 years give ~1,000,000 orders, the
// store of the metrics bench (bench/metrics.ts); 3 gives ~5.6 (5.9 with guests, 51% repeat).

/** Options of {@link syntheticOrders} and {@link syntheticJsonl}. */
export interface SyntheticHistoryOptions {
  /** Number of distinct customers; each places at least one order. */
  customers: number;
  /** Nothing (orders, customers, refunds, cancellations) is dated before this instant... */
  start: Date;
  /** ...or after this one. */
  end: Date;
  /** PRNG seed; the same options always give the same history. Default 1. */
  seed?: number;
  /** ISO 4217 shop currency. Default "EUR". */
  currency?: string;
  /** Number in the name of the first order ("#1001"). Default 1001. */
  firstOrderNumber?: number;
  /** Share of all orders placed without a customer account, in [0, 1). Default 0.05. */
  guestShare?: number;
  /**
   * Multiplies every customer's repeat purchase rate (the rate cap included, so the spread of
   * rates keeps its shape); dropout is unchanged. Default 1. See the header for calibrated values.
   */
  purchaseRateScale?: number;
  /**
   * Gives each customer a name and an e-mail address (at example.com), as the export's customer
   * fields carry them. Default false: the benchmarks' history files stay as they were.
   */
  profiles?: boolean;
  /**
   * Added to every order, customer and refund id, so that several shops' histories never share a
   * GID (the app refuses a GID another shop holds). Keep offsets 10^10 apart. Default 0.
   */
  idOffset?: bigint;
}

export interface SyntheticMoneySet {
  shopMoney: { amount: string };
}

export interface SyntheticRefund {
  id: string;
  createdAt: string;
  totalRefundedSet: SyntheticMoneySet;
}

export type SyntheticFinancialStatus = "PAID" | "PARTIALLY_REFUNDED" | "REFUNDED" | "VOIDED";

export interface SyntheticCustomer {
  id: string;
  createdAt: string;
  updatedAt?: string;
  firstName?: string;
  lastName?: string;
  defaultEmailAddress?: { emailAddress: string; marketingState: SyntheticMarketingState; marketingUpdatedAt: string | null };
}

export type SyntheticMarketingState = "SUBSCRIBED" | "NOT_SUBSCRIBED" | "UNSUBSCRIBED";

/** One line of the export; key order matches Shopify's output. */
export interface SyntheticOrderLine {
  id: string;
  name: string;
  createdAt: string;
  updatedAt: string;
  processedAt: string;
  cancelledAt: string | null;
  test: boolean;
  sourceName: string;
  currencyCode: string;
  presentmentCurrencyCode: string;
  displayFinancialStatus: SyntheticFinancialStatus;
  customer: SyntheticCustomer | null;
  totalPriceSet: SyntheticMoneySet;
  subtotalPriceSet: SyntheticMoneySet;
  currentSubtotalPriceSet: SyntheticMoneySet;
  totalDiscountsSet: SyntheticMoneySet;
  totalShippingPriceSet: SyntheticMoneySet;
  totalTaxSet: SyntheticMoneySet;
  totalRefundedSet: SyntheticMoneySet;
  refunds: SyntheticRefund[];
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const YEAR = 365.25 * DAY;

// Above Number.MAX_SAFE_INTEGER on purpose: consumers must treat GID numbers as strings/BigInt.
const ORDER_ID_BASE = 2n ** 53n + 1n;
const CUSTOMER_ID_BASE = 2n ** 53n + 7_000_000_001n;
const REFUND_ID_BASE = 2n ** 53n + 3_000_000_001n;

// Customer behaviour, rates per year. Gamma heterogeneity makes most customers one-time buyers
// and a few loyal ones frequent buyers; the rate cap keeps the most loyal to ~2 orders a month.
const PURCHASE_RATE_SHAPE = 0.35;
const PURCHASE_RATE_SCALE = 6;
const PURCHASE_RATE_CAP = 24;
const DROPOUT_RATE_SHAPE = 2.5;
const DROPOUT_RATE_SCALE = 0.5;
/** Yearly growth factor of new-customer acquisition. */
const ACQUISITION_GROWTH = 1.35;

// Order outcomes.
const CANCEL_SHARE = 0.03;
const CANCEL_VOIDED_SHARE = 0.6;
const REFUND_SHARE = 0.062; // slightly above 6% because refunds due after `end` are dropped
const FULL_REFUND_SHARE = 0.35;
const SPLIT_REFUND_SHARE = 0.15;
const TEST_SHARE = 0.005;
const DISCOUNT_SHARE = 0.2;
const FOREIGN_PRESENTMENT_SHARE = 0.05;
const SOURCES: ReadonlyArray<readonly [string, number]> = [
  ["web", 0.88],
  ["pos", 0.07],
  ["shopify_draft_order", 0.05],
];
const PRESENTMENT_CURRENCIES = ["USD", "GBP", "CHF", "SEK", "PLN", "DKK"];
const TAX_RATES_BP = [1900, 2000, 2100]; // VAT in basis points, one per customer

// Basket and shipping in EUR; other currencies are scaled by a rough rate so baskets look plausible.
const BASKET_MEDIAN_EUR = 45;
const BASKET_SIGMA = 0.6;
const BASKET_MIN_EUR = 3;
const SHIPPING_FEE_EUR = 4.9;
const FREE_SHIPPING_FROM_EUR = 50;
const APPROX_UNITS_PER_EUR: Readonly<Record<string, number>> = {
  USD: 1.1,
  GBP: 0.85,
  CHF: 0.95,
  SEK: 11.5,
  NOK: 11.7,
  DKK: 7.45,
  PLN: 4.3,
  CAD: 1.5,
  AUD: 1.65,
  NZD: 1.8,
  JPY: 160,
  KRW: 1450,
  INR: 90,
};

// Seasonality factors, each normalised to mean 1 below so the repeat rates keep their yearly mean.
const MONTH_FACTORS = normalise([0.95, 0.85, 0.95, 0.95, 1.0, 0.95, 0.85, 0.72, 0.9, 1.0, 1.3, 1.45]);
const WEEKDAY_FACTORS = normalise([1.1, 1.1, 1.0, 1.0, 1.0, 0.95, 0.9]); // Sunday first
const BLACK_FRIDAY_WEEK_FACTORS = [1.3, 1.3, 1.3, 3.5, 2, 2, 2.5]; // Tuesday to Cyber Monday
const HOUR_FACTORS = normalise([
  0.35, 0.22, 0.15, 0.12, 0.12, 0.18, 0.35, 0.6, 0.85, 1.0, 1.1, 1.15, 1.2, 1.15, 1.1, 1.1, 1.15, 1.25, 1.4, 1.55, 1.6, 1.45,
  1.05, 0.65,
]);

/** Orders in ascending processedAt order (ties keep id order), streamed with bounded memory. */
export function* syntheticOrders(options: SyntheticHistoryOptions): Generator<SyntheticOrderLine> {
  const settings = resolveSettings(options);
  const rng = new Rng(settings.seed);
  const calendar = buildCalendar(settings.start, settings.end);
  const acquisitions = acquisitionTimes(calendar, settings.customers, rng);
  const queue = new MinHeap<Shopper>();
  const guestPerCustomerOrder = settings.guestShare / (1 - settings.guestShare);
  let customerCount = 0;
  let refundCount = 0;
  let index = 0;
  let nextAcquisition = acquisitions.next();

  for (;;) {
    const head = queue.peek();
    if (!nextAcquisition.done && (head === undefined || nextAcquisition.value <= head.at)) {
      queue.push(newCustomer(nextAcquisition.value, customerCount++, settings, rng));
      nextAcquisition = acquisitions.next();
      continue;
    }
    if (head === undefined) return;
    queue.pop();

    const processedAt = Math.floor(head.at / SECOND) * SECOND;
    const order = composeOrder(head, processedAt, index, refundCount, settings, rng);
    refundCount += order.refunds.length;
    index++;
    yield order;

    if (head.customer !== null) {
      // Guests ride along with customer orders so their share holds whatever the customer model does.
      if (rng.chance(guestPerCustomerOrder)) {
        const at = head.at + rng.exponential(1 / (6 * HOUR));
        if (at <= settings.end) queue.push({ at, customer: null });
      }
      const next = nextRepeatPurchase(head.at, head.customer, calendar, settings.end, rng);
      if (next !== null) {
        head.at = next;
        queue.push(head);
      }
    }
  }
}

/** The same orders as JSONL lines (no trailing newline), exactly as a bulk operation writes them. */
export function* syntheticJsonl(options: SyntheticHistoryOptions): Generator<string> {
  for (const order of syntheticOrders(options)) yield JSON.stringify(order);
}

// ---------------------------------------------------------------------------------------------
// Settings

interface Settings {
  customers: number;
  start: number;
  end: number;
  seed: number;
  currency: string;
  firstOrderNumber: number;
  guestShare: number;
  purchaseRateScale: number;
  profiles: boolean;
  idOffset: bigint;
  money: MoneyRules;
  /** Presentment currencies other than the shop's, for multi-currency web orders. */
  foreignCurrencies: string[];
}

interface MoneyRules {
  digits: number;
  /** Minor units per EUR (rough), for basket sizes and shipping fees. */
  minorPerEur: number;
  shippingFee: number;
  freeShippingFrom: number;
  basketMin: number;
}

function resolveSettings(options: SyntheticHistoryOptions): Settings {
  const { customers } = options;
  if (!Number.isInteger(customers) || customers < 0) throw new RangeError("customers must be a non-negative integer");
  // Whole seconds, because the export prints times without fractions.
  const start = Math.ceil(options.start.getTime() / SECOND) * SECOND;
  const end = Math.floor(options.end.getTime() / SECOND) * SECOND;
  if (!(start < end)) throw new RangeError("start must be before end");
  const guestShare = options.guestShare ?? 0.05;
  if (!(guestShare >= 0 && guestShare < 1)) throw new RangeError("guestShare must be in [0, 1)");
  const purchaseRateScale = options.purchaseRateScale ?? 1;
  if (!(purchaseRateScale > 0 && Number.isFinite(purchaseRateScale)))
    throw new RangeError("purchaseRateScale must be a positive number");
  const currency = (options.currency ?? "EUR").toUpperCase();
  return {
    customers,
    start,
    end,
    seed: options.seed ?? 1,
    currency,
    firstOrderNumber: options.firstOrderNumber ?? 1001,
    guestShare,
    purchaseRateScale,
    profiles: options.profiles ?? false,
    idOffset: options.idOffset ?? 0n,
    money: moneyRules(currency),
    foreignCurrencies: PRESENTMENT_CURRENCIES.filter((code) => code !== currency),
  };
}

function moneyRules(currency: string): MoneyRules {
  // Intl knows every ISO currency's minor digits and rejects unknown codes.
  const digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  const minorPerEur = (APPROX_UNITS_PER_EUR[currency] ?? 1) * 10 ** digits;
  return {
    digits,
    minorPerEur,
    shippingFee: Math.round(SHIPPING_FEE_EUR * minorPerEur),
    freeShippingFrom: Math.round(FREE_SHIPPING_FROM_EUR * minorPerEur),
    basketMin: Math.round(BASKET_MIN_EUR * minorPerEur),
  };
}

// ---------------------------------------------------------------------------------------------
// Calendar: hourly acquisition weights and seasonality over the window

interface Calendar {
  start: number;
  end: number;
  /** cumulative[i] = acquisition weight of buckets before bucket i (bucket i = hour i of the window). */
  cumulative: Float64Array;
  /** Seasonality of each hour bucket (mean ~1 over a year), used to thin repeat purchases. */
  seasonality: Float32Array;
  seasonalityMax: number;
}

function buildCalendar(start: number, end: number): Calendar {
  const buckets = Math.ceil((end - start) / HOUR);
  const cumulative = new Float64Array(buckets + 1);
  const seasonality = new Float32Array(buckets);
  let seasonalityMax = 0;
  for (let i = 0; i < buckets; i++) {
    const from = start + i * HOUR;
    const duration = Math.min(HOUR, end - from);
    const season = seasonalFactor(new Date(from));
    const growth = ACQUISITION_GROWTH ** ((from - start) / YEAR);
    seasonality[i] = season;
    seasonalityMax = Math.max(seasonalityMax, seasonality[i]);
    cumulative[i + 1] = cumulative[i] + season * growth * (duration / HOUR);
  }
  return { start, end, cumulative, seasonality, seasonalityMax };
}

function seasonalFactor(date: Date): number {
  return (
    MONTH_FACTORS[date.getUTCMonth()] * WEEKDAY_FACTORS[date.getUTCDay()] * HOUR_FACTORS[date.getUTCHours()] * holidayFactor(date)
  );
}

/** Black Friday week (Tuesday to Cyber Monday) spike and the Christmas lull. */
function holidayFactor(date: Date): number {
  if (date.getUTCMonth() === 11 && (date.getUTCDate() === 24 || date.getUTCDate() === 25)) return 0.5;
  const daysFromBlackFriday = Math.floor((date.getTime() - blackFriday(date.getUTCFullYear())) / DAY);
  return BLACK_FRIDAY_WEEK_FACTORS[daysFromBlackFriday + 3] ?? 1;
}

/** Midnight (UTC) of the day after the fourth Thursday of November. */
function blackFriday(year: number): number {
  const firstWeekday = new Date(Date.UTC(year, 10, 1)).getUTCDay();
  const firstThursday = 1 + ((4 - firstWeekday + 7) % 7);
  return Date.UTC(year, 10, firstThursday + 22);
}

// ---------------------------------------------------------------------------------------------
// Customers

interface CustomerState {
  gid: string;
  createdAt: string;
  profile: Pick<SyntheticCustomer, "firstName" | "lastName" | "defaultEmailAddress"> | null;
  purchaseRate: number; // per millisecond
  diesAt: number;
  taxRateBp: number;
}

/** A heap entry: the next order of a customer, or a one-off guest order (customer null). */
interface Shopper {
  at: number;
  customer: CustomerState | null;
}

/**
 * Acquisition times in ascending order without materialising them: the sorted uniforms are
 * drawn one by one (each the minimum of the remaining ones) and mapped through the inverse
 * cumulative acquisition weight.
 */
function* acquisitionTimes(calendar: Calendar, count: number, rng: Rng): Generator<number> {
  const { cumulative } = calendar;
  const total = cumulative[cumulative.length - 1];
  let aboveShare = 1; // share of the weight above the previous draw
  let bucket = 0;
  for (let remaining = count; remaining > 0; remaining--) {
    aboveShare *= (1 - rng.uniform()) ** (1 / remaining);
    const target = (1 - aboveShare) * total;
    while (bucket < cumulative.length - 2 && cumulative[bucket + 1] < target) bucket++;
    const within = (target - cumulative[bucket]) / (cumulative[bucket + 1] - cumulative[bucket]);
    const from = calendar.start + bucket * HOUR;
    const to = Math.min(from + HOUR, calendar.end);
    yield Math.min(from + Math.max(0, Math.min(1, within)) * (to - from), calendar.end);
  }
}

function newCustomer(firstOrderAt: number, index: number, settings: Settings, rng: Rng): Shopper {
  const purchaseRatePerYear =
    Math.min(PURCHASE_RATE_CAP, rng.gamma(PURCHASE_RATE_SHAPE, PURCHASE_RATE_SCALE)) * settings.purchaseRateScale;
  const dropoutRatePerYear = rng.gamma(DROPOUT_RATE_SHAPE, DROPOUT_RATE_SCALE);
  // Most accounts are created at checkout; some signed up days or weeks before buying. A lead
  // reaching before `start` is redrawn inside the window rather than piled up on `start`.
  const lead = rng.chance(0.7) ? rng.uniform() * 5 * MINUTE : rng.exponential(1 / (20 * DAY));
  const available = firstOrderAt - settings.start;
  const signupLead = lead <= available ? lead : rng.uniform() * available;
  const createdAt = Math.max(settings.start, Math.floor((firstOrderAt - signupLead) / SECOND) * SECOND);
  return {
    at: firstOrderAt,
    customer: {
      gid: `gid://shopify/Customer/${CUSTOMER_ID_BASE + settings.idOffset + BigInt(index)}`,
      createdAt: isoSeconds(createdAt),
      profile: settings.profiles ? profileOf(index) : null,
      purchaseRate: purchaseRatePerYear / YEAR,
      diesAt: firstOrderAt + rng.exponential(dropoutRatePerYear / YEAR),
      taxRateBp: rng.pick(TAX_RATES_BP),
    },
  };
}

const FIRST_NAMES = [
  "Anna",
  "Ben",
  "Chiara",
  "David",
  "Elif",
  "Finn",
  "Greta",
  "Hugo",
  "Ines",
  "Jonas",
  "Katarzyna",
  "Lars",
  "Mia",
  "Noah",
  "Olivia",
  "Pekka",
  "Quentin",
  "Rosa",
  "Sami",
  "Tereza",
  "Ugo",
  "Valentina",
  "Wiebke",
  "Yusuf",
  "Zoë",
  "Aino",
  "Björn",
  "Camille",
  "Dario",
  "Emma",
  "Felix",
  "Hanna",
  "Jürgen",
  "Léa",
  "Matteo",
  "Nora",
];
const LAST_NAMES = [
  "Müller",
  "Schmidt",
  "Rossi",
  "Dubois",
  "Virtanen",
  "García",
  "Nowak",
  "Jansen",
  "Andersson",
  "Novák",
  "Keller",
  "Lehmann",
  "Moreau",
  "Bianchi",
  "Korhonen",
  "López",
  "Kowalski",
  "de Vries",
  "Nielsen",
  "Weber",
  "Fischer",
  "Martin",
  "Ricci",
  "Laine",
  "Fernández",
  "Wójcik",
  "Bakker",
  "Larsen",
  "Schneider",
  "Yılmaz",
];

/**
 * A name and address from the customer's number alone (no random draws, so the rest of the
 * history is the same with or without profiles); every address is unique.
 */
function profileOf(index: number): NonNullable<CustomerState["profile"]> {
  const firstName = FIRST_NAMES[index % FIRST_NAMES.length]!;
  const lastName = LAST_NAMES[Math.floor(index / FIRST_NAMES.length) % LAST_NAMES.length]!;
  const local = `${firstName}.${lastName}`
    .normalize("NFD")
    .replace(/[^A-Za-z.]/g, "")
    .toLowerCase();
  return {
    firstName,
    lastName,
    defaultEmailAddress: {
      emailAddress: `${local}.${index + 1}@example.com`,
      marketingState: marketingStateOf(index),
      marketingUpdatedAt: null,
    },
  };
}

/** Two in five customers subscribed to e-mail marketing, one in ten who had unsubscribed (by number, as the names). */
export function marketingStateOf(index: number): SyntheticMarketingState {
  return index % 10 < 4 ? "SUBSCRIBED" : index % 10 === 9 ? "UNSUBSCRIBED" : "NOT_SUBSCRIBED";
}

/** The order's customer as the export writes it; a profile is as old as the account. */
function customerField(customer: CustomerState): SyntheticCustomer {
  const { gid: id, createdAt, profile } = customer;
  return profile ? { id, createdAt, updatedAt: createdAt, ...profile } : { id, createdAt };
}

/** Next purchase after `after`, or null once the customer has dropped out or the window ended. */
function nextRepeatPurchase(after: number, customer: CustomerState, calendar: Calendar, end: number, rng: Rng): number | null {
  // Thinning: candidates at the peak seasonal rate, kept in proportion to the hour's seasonality.
  const candidateRate = customer.purchaseRate * calendar.seasonalityMax;
  const horizon = Math.min(customer.diesAt, end);
  let at = after;
  for (;;) {
    at += rng.exponential(candidateRate);
    if (at > horizon) return null;
    const bucket = Math.min(Math.floor((at - calendar.start) / HOUR), calendar.seasonality.length - 1);
    const season = calendar.seasonality[bucket];
    if (rng.uniform() * calendar.seasonalityMax < season) return at;
  }
}

// ---------------------------------------------------------------------------------------------
// Orders

interface Outcome {
  cancelledAt: number | null;
  status: SyntheticFinancialStatus;
  refunds: Array<{ at: number; amount: number }>;
  currentSubtotal: number;
}

function composeOrder(
  shopper: Shopper,
  processedAt: number,
  index: number,
  refundsSoFar: number,
  settings: Settings,
  rng: Rng,
): SyntheticOrderLine {
  const { money } = settings;
  const sourceName = rng.weighted(SOURCES);
  const { subtotal, discounts } = basket(money, rng);
  const shipping = sourceName === "pos" || subtotal >= money.freeShippingFrom ? 0 : money.shippingFee;
  const taxRateBp = shopper.customer?.taxRateBp ?? rng.pick(TAX_RATES_BP);
  const tax = mulDivRound(subtotal + shipping, taxRateBp, 10_000);
  const total = subtotal + shipping + tax;
  const outcome = settle({ processedAt, subtotal, shipping, tax, total }, settings.end, rng);

  const refunds = outcome.refunds.map((refund, i) => ({
    id: `gid://shopify/Refund/${REFUND_ID_BASE + settings.idOffset + BigInt(refundsSoFar + i)}`,
    createdAt: isoSeconds(refund.at),
    totalRefundedSet: moneySet(refund.amount, money.digits),
  }));
  const refunded = outcome.refunds.reduce((sum, refund) => sum + refund.amount, 0);
  const updatedAt = Math.max(processedAt, outcome.cancelledAt ?? 0, ...outcome.refunds.map((refund) => refund.at));
  const presentment =
    sourceName === "web" && rng.chance(FOREIGN_PRESENTMENT_SHARE) ? rng.pick(settings.foreignCurrencies) : settings.currency;
  const processed = isoSeconds(processedAt);

  return {
    id: `gid://shopify/Order/${ORDER_ID_BASE + settings.idOffset + BigInt(index)}`,
    name: `#${settings.firstOrderNumber + index}`,
    createdAt: processed,
    updatedAt: isoSeconds(updatedAt),
    processedAt: processed,
    cancelledAt: outcome.cancelledAt === null ? null : isoSeconds(outcome.cancelledAt),
    test: rng.chance(TEST_SHARE),
    sourceName,
    currencyCode: settings.currency,
    presentmentCurrencyCode: presentment,
    displayFinancialStatus: outcome.status,
    customer: shopper.customer && customerField(shopper.customer),
    totalPriceSet: moneySet(total, money.digits),
    subtotalPriceSet: moneySet(subtotal, money.digits),
    currentSubtotalPriceSet: moneySet(outcome.currentSubtotal, money.digits),
    totalDiscountsSet: moneySet(discounts, money.digits),
    totalShippingPriceSet: moneySet(shipping, money.digits),
    totalTaxSet: moneySet(tax, money.digits),
    totalRefundedSet: moneySet(refunded, money.digits),
    refunds,
  };
}

/** Subtotal after discounts and the discount amount, in minor units. */
function basket(money: MoneyRules, rng: Rng): { subtotal: number; discounts: number } {
  const gross = Math.max(
    money.basketMin,
    Math.round(BASKET_MEDIAN_EUR * Math.exp(BASKET_SIGMA * rng.normal()) * money.minorPerEur),
  );
  let discounts = 0;
  if (rng.chance(DISCOUNT_SHARE)) {
    discounts = rng.chance(0.7)
      ? mulDivRound(gross, rng.pick([10, 15, 20]), 100)
      : Math.min(Math.round(rng.pick([5, 10]) * money.minorPerEur), Math.floor(gross / 2));
  }
  return { subtotal: gross - discounts, discounts };
}

interface Totals {
  processedAt: number;
  subtotal: number;
  shipping: number;
  tax: number;
  total: number;
}

/** Cancellation or refunds; events that would fall after `end` have not happened yet. */
function settle(totals: Totals, end: number, rng: Rng): Outcome {
  const paid: Outcome = { cancelledAt: null, status: "PAID", refunds: [], currentSubtotal: totals.subtotal };
  const roll = rng.uniform();

  if (roll < CANCEL_SHARE) {
    const cancelledAt = totals.processedAt + Math.round(Math.min(rng.exponential(1 / (10 * HOUR)), 4 * DAY) / SECOND) * SECOND;
    if (cancelledAt > end) return paid;
    // Cancelling removes every line item, so nothing is left of the subtotal either way.
    return rng.chance(CANCEL_VOIDED_SHARE)
      ? { cancelledAt, status: "VOIDED", refunds: [], currentSubtotal: 0 }
      : { cancelledAt, status: "REFUNDED", refunds: [{ at: cancelledAt, amount: totals.total }], currentSubtotal: 0 };
  }

  if (roll < CANCEL_SHARE + REFUND_SHARE) {
    const refundAt = totals.processedAt + Math.round((2 * DAY + rng.uniform() * 28 * DAY) / SECOND) * SECOND;
    if (refundAt > end) return paid;
    if (rng.chance(FULL_REFUND_SHARE)) {
      return { cancelledAt: null, status: "REFUNDED", refunds: [{ at: refundAt, amount: totals.total }], currentSubtotal: 0 };
    }
    // A returned part of the basket with its share of the tax; shipping stays paid.
    const subtotalPart = Math.max(1, mulDivRound(totals.subtotal, 20 + Math.floor(rng.uniform() * 51), 100));
    const taxPart = mulDivRound(totals.tax, subtotalPart, totals.subtotal + totals.shipping);
    return {
      cancelledAt: null,
      status: "PARTIALLY_REFUNDED",
      refunds: splitRefund(refundAt, subtotalPart + taxPart, end, rng),
      currentSubtotal: totals.subtotal - subtotalPart,
    };
  }
  return paid;
}

/** Some returns arrive in two parcels: two refund records adding up to the same amount. */
function splitRefund(at: number, amount: number, end: number, rng: Rng): Array<{ at: number; amount: number }> {
  if (amount < 2 || !rng.chance(SPLIT_REFUND_SHARE)) return [{ at, amount }];
  const secondAt = at + Math.round((1 * DAY + rng.uniform() * 9 * DAY) / SECOND) * SECOND;
  if (secondAt > end) return [{ at, amount }];
  const first = mulDivRound(amount, 30 + Math.floor(rng.uniform() * 41), 100);
  return [
    { at, amount: first },
    { at: secondAt, amount: amount - first },
  ];
}

// ---------------------------------------------------------------------------------------------
// Money and time formatting

/** round(a * b / c) half up, exact for non-negative integers whose product stays below 2^53. */
function mulDivRound(a: number, b: number, c: number): number {
  const product = a * b;
  const remainder = product % c;
  const quotient = (product - remainder) / c;
  return 2 * remainder >= c ? quotient + 1 : quotient;
}

function formatMinor(minor: number, digits: number): string {
  if (digits === 0) return String(minor);
  const unit = 10 ** digits;
  const fraction = minor % unit;
  return `${(minor - fraction) / unit}.${String(fraction).padStart(digits, "0")}`;
}

function moneySet(minor: number, digits: number): SyntheticMoneySet {
  return { shopMoney: { amount: formatMinor(minor, digits) } };
}

/** "2024-03-01T10:00:00Z": whole seconds, as Shopify prints them. */
function isoSeconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

function normalise(factors: number[]): number[] {
  const mean = factors.reduce((sum, factor) => sum + factor, 0) / factors.length;
  return factors.map((factor) => factor / mean);
}

// ---------------------------------------------------------------------------------------------
// Seeded randomness and the heap

/** mulberry32: tiny, fast and good enough for synthetic data; never Math.random. */
class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** In [0, 1). */
  uniform(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  chance(probability: number): boolean {
    return this.uniform() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.uniform() * items.length)];
  }

  weighted<T>(items: ReadonlyArray<readonly [T, number]>): T {
    let roll = this.uniform();
    for (const [item, weight] of items) {
      if (roll < weight) return item;
      roll -= weight;
    }
    return items[items.length - 1][0];
  }

  exponential(rate: number): number {
    return -Math.log(1 - this.uniform()) / rate;
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    return Math.sqrt(-2 * Math.log(1 - this.uniform())) * Math.cos(2 * Math.PI * this.uniform());
  }

  /** Gamma(shape, scale) by Marsaglia-Tsang; shapes below 1 via the U^(1/shape) boost. */
  gamma(shape: number, scale: number): number {
    if (shape < 1) return this.gamma(shape + 1, scale) * (1 - this.uniform()) ** (1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = this.normal();
      const v = (1 + c * x) ** 3;
      if (v <= 0) continue;
      const u = 1 - this.uniform();
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v * scale;
    }
  }
}

/** Binary min-heap on `at`. */
class MinHeap<T extends { at: number }> {
  private readonly items: T[] = [];

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    const items = this.items;
    let i = items.length;
    items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent].at <= item.at) break;
      items[i] = items[parent];
      i = parent;
    }
    items[i] = item;
  }

  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child = right < items.length && items[right].at < items[left].at ? right : left;
      if (items[child].at >= last.at) break;
      items[i] = items[child];
      i = child;
    }
    items[i] = last;
    return top;
  }
}
