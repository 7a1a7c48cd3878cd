// The loyalty program's rows and the domain's types (program.ts, ledger.ts), both ways. Amounts in
// JSON columns travel as decimal text, since JSON has no 64-bit integers.
import type { Db, Tx } from "../platform/db/client.server";
import { dialect } from "../platform/sql/dialect.server";
import { insertRows, type Column } from "../platform/sql/rows.server";
import type { OrderRecord } from "../sync/records";
import { isHeldOut } from "./holdout";
import type { LedgerEntry } from "./ledger";
import {
  DEFAULT_SETTINGS,
  NO_MULTIPLIER,
  type BonusKind,
  type BonusRule,
  type EarningRule,
  type ProgramSettings,
  type PurchaseRule,
  type Reward,
  type Tier,
} from "./program";

type Client = Db | Tx;

export interface Program {
  enabled: boolean;
  settings: ProgramSettings;
  salt: string;
}

export async function loadProgram(tx: Client, shopDomain: string): Promise<Program | null> {
  return (await loadPrograms(tx, [shopDomain])).get(shopDomain) ?? null;
}

/** The programs of these shops (those that have one), in one query. */
export async function loadPrograms(tx: Client, shopDomains: readonly string[]): Promise<Map<string, Program>> {
  const rows = await tx.loyaltyProgram.findMany({ where: { shopDomain: { in: [...new Set(shopDomains)] } } });
  // Settings saved before a field existed get its default.
  return new Map(
    rows.map((row) => [
      row.shopDomain,
      { enabled: row.enabled, settings: { ...DEFAULT_SETTINGS, ...JSON.parse(row.settings) }, salt: row.salt },
    ]),
  );
}

/** `[shopDomain, key]` pairs grouped by shop: one `{ shopDomain, key: { in } }` condition per shop in a query. */
function perShop(pairs: readonly (readonly [string, string])[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const [shopDomain, key] of pairs) {
    const keys = groups.get(shopDomain);
    if (keys) keys.push(key);
    else groups.set(shopDomain, [key]);
  }
  return groups;
}

/** The key of a member (or any customer's row) across shops, for maps of several shops' rows. */
export const memberKey = (shopDomain: string, customerGid: string) => `${shopDomain}\n${customerGid}`;

type RuleRow = Awaited<ReturnType<Tx["earningRule"]["findFirstOrThrow"]>>;

export function ruleFromRow(row: RuleRow): EarningRule {
  const definition = JSON.parse(row.definition) as { points: number; perAmount?: string; name?: string };
  const version = { id: row.ruleId, version: row.version, effectiveFrom: row.effectiveFrom, retiredAt: row.retiredAt };
  if (row.kind === "purchase")
    return { ...version, kind: "purchase", points: definition.points, perAmount: BigInt(definition.perAmount!) };
  return {
    ...version,
    kind: row.kind as BonusKind,
    points: definition.points,
    ...(definition.name !== undefined && { name: definition.name }),
  };
}

export function ruleDefinition(rule: EarningRule): string {
  if (rule.kind === "purchase") return JSON.stringify({ points: rule.points, perAmount: String(rule.perAmount) });
  return JSON.stringify({ points: rule.points, ...(rule.name !== undefined && { name: rule.name }) });
}

/** Every version of the shop's rules, oldest first. */
export async function loadRules(tx: Client, shopDomain: string): Promise<EarningRule[]> {
  return (await loadShopsRules(tx, [shopDomain])).get(shopDomain) ?? [];
}

/** loadRules of several shops, in one query. */
export async function loadShopsRules(tx: Client, shopDomains: readonly string[]): Promise<Map<string, EarningRule[]>> {
  const rows = await tx.earningRule.findMany({
    where: { shopDomain: { in: [...new Set(shopDomains)] } },
    orderBy: [{ ruleId: "asc" }, { version: "asc" }],
  });
  const rules = new Map<string, EarningRule[]>(shopDomains.map((shop) => [shop, []]));
  for (const row of rows) rules.get(row.shopDomain)!.push(ruleFromRow(row));
  return rules;
}

export const purchaseRules = (rules: EarningRule[]) => rules.filter((rule): rule is PurchaseRule => rule.kind === "purchase");
export const bonusRules = (rules: EarningRule[], kind: BonusKind) =>
  rules.filter((rule): rule is BonusRule => rule.kind === kind);

export async function loadTiers(tx: Client, shopDomain: string): Promise<Tier[]> {
  return (await loadShopsTiers(tx, [shopDomain])).get(shopDomain) ?? [];
}

/** loadTiers of several shops, in one query. */
export async function loadShopsTiers(tx: Client, shopDomains: readonly string[]): Promise<Map<string, Tier[]>> {
  const rows = await tx.loyaltyTier.findMany({
    where: { shopDomain: { in: [...new Set(shopDomains)] } },
    orderBy: { threshold: "asc" },
  });
  const tiers = new Map<string, Tier[]>(shopDomains.map((shop) => [shop, []]));
  for (const { shopDomain, tierId, name, threshold, multiplierBasisPoints, cashbackBasisPoints } of rows)
    tiers.get(shopDomain)!.push({
      id: tierId,
      name,
      threshold,
      multiplierBasisPoints,
      ...(cashbackBasisPoints > 0 && { cashbackBasisPoints }),
    });
  return tiers;
}

export function multiplierOf(tiers: readonly Tier[], tierId: string | null): number {
  return tiers.find((tier) => tier.id === tierId)?.multiplierBasisPoints ?? NO_MULTIPLIER;
}

export function rewardFromJson(text: string): Reward {
  const raw = JSON.parse(text);
  return {
    ...raw,
    ...(raw.minimumOrder !== undefined && { minimumOrder: BigInt(raw.minimumOrder) }),
    ...(raw.value !== undefined && { value: BigInt(raw.value) }),
  };
}

export const rewardToJson = (reward: Reward) =>
  JSON.stringify(reward, (_key, value) => (typeof value === "bigint" ? String(value) : value));

export async function loadRewards(tx: Client, shopDomain: string): Promise<Reward[]> {
  const rows = await tx.loyaltyReward.findMany({ where: { shopDomain }, orderBy: { pointsCost: "asc" } });
  return rows.map((row) => rewardFromJson(row.definition));
}

// Members.

export type MemberRow = Awaited<ReturnType<Tx["loyaltyMember"]["findUniqueOrThrow"]>>;

/**
 * The member row, locked until the transaction ends on PostgreSQL, so that concurrent work on one
 * member (an order, a redemption, the worker's review) runs one after the other. SQLite needs no
 * lock: the app's one connection runs one transaction at a time.
 */
export async function lockMember(tx: Tx, shopDomain: string, customerGid: string): Promise<MemberRow | null> {
  if (dialect.locksRows) {
    await tx.$queryRawUnsafe(
      `SELECT "id" FROM "LoyaltyMember" WHERE "shopDomain" = ${dialect.param(1)} AND "customerGid" = ${dialect.param(2)} FOR UPDATE`,
      shopDomain,
      customerGid,
    );
  }
  return tx.loyaltyMember.findUnique({ where: { shopDomain_customerGid: { shopDomain, customerGid } } });
}

/** Enrolls the customer on first sight (in or out of the holdout, for good) and locks the member. */
export async function enrollMember(
  tx: Tx,
  shopDomain: string,
  customerGid: string,
  program: Program,
  now: Date,
): Promise<MemberRow> {
  const members = await enrollMembers(tx, [{ shopDomain, customerGid, program }], now);
  return members.get(memberKey(shopDomain, customerGid))!;
}

/**
 * enrollMember for several customers, of one shop or many, in three statements (the worker's
 * batches of loyalty tasks), keyed by memberKey: the members are locked in the order of their
 * ids, so two transactions locking overlapping sets wait for each other instead of deadlocking.
 */
export async function enrollMembers(
  tx: Tx,
  customers: readonly { shopDomain: string; customerGid: string; program: Program }[],
  now: Date,
): Promise<Map<string, MemberRow>> {
  const unique = new Map(customers.map((customer) => [memberKey(customer.shopDomain, customer.customerGid), customer]));
  // Inserted in one order everywhere, so that concurrent batches take the index's locks alike.
  const rows = [...unique.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, customer]) => customer);
  await insertRows(
    tx,
    "LoyaltyMember",
    [
      ["shopDomain", "text"],
      ["customerGid", "text"],
      ["enrolledAt", "time"],
      ["heldOut", "bool"],
    ],
    rows.map(({ shopDomain, customerGid, program }) => [
      shopDomain,
      customerGid,
      now,
      isHeldOut(customerGid, program.salt, program.settings.holdoutPercent),
    ]),
    `ON CONFLICT ("shopDomain", "customerGid") DO NOTHING`,
  );
  return lockMembers(
    tx,
    rows.map((row) => [row.shopDomain, row.customerGid]),
  );
}

/**
 * lockMember for several members (`[shopDomain, customerGid]`, of one shop or many), keyed by
 * memberKey; those not enrolled are left out. They are locked in the order of their ids, so two
 * transactions locking overlapping sets wait for each other instead of deadlocking.
 */
export async function lockMembers(tx: Tx, members: readonly (readonly [string, string])[]): Promise<Map<string, MemberRow>> {
  if (members.length === 0) return new Map();
  if (dialect.locksRows) {
    await tx.$queryRawUnsafe(
      `SELECT "id" FROM "LoyaltyMember" WHERE ("shopDomain", "customerGid") IN (SELECT * FROM unnest($1::text[], $2::text[]))
        ORDER BY "id" FOR UPDATE`,
      members.map(([shopDomain]) => shopDomain),
      members.map(([, customerGid]) => customerGid),
    );
  }
  const rows = await tx.loyaltyMember.findMany({
    where: { OR: [...perShop(members)].map(([shopDomain, gids]) => ({ shopDomain, customerGid: { in: gids } })) },
  });
  return new Map(rows.map((member) => [memberKey(member.shopDomain, member.customerGid), member]));
}

// The ledger.

type EntryRow = Awaited<ReturnType<Tx["ledgerEntry"]["findFirstOrThrow"]>>;

export function entryFromRow(row: EntryRow): LedgerEntry {
  return {
    sourceKey: row.sourceKey,
    memberGid: row.memberGid,
    type: row.type as LedgerEntry["type"],
    source: row.source as LedgerEntry["source"],
    points: row.points,
    shortfall: row.shortfall,
    reason: row.reason,
    orderGid: row.orderGid,
    rule: row.ruleId !== null && row.ruleVersion !== null ? { id: row.ruleId, version: row.ruleVersion } : null,
    rate:
      row.ratePoints !== null && row.ratePerAmount !== null && row.rateMultiplierBasisPoints !== null
        ? { points: row.ratePoints, perAmount: row.ratePerAmount, multiplierBasisPoints: row.rateMultiplierBasisPoints }
        : null,
    actor: row.actor,
    createdAt: row.createdAt,
    availableAt: row.availableAt,
    expiresAt: row.expiresAt,
  };
}

export async function memberEntries(tx: Client, shopDomain: string, memberGid: string): Promise<LedgerEntry[]> {
  const rows = await tx.ledgerEntry.findMany({ where: { shopDomain, memberGid }, orderBy: { id: "asc" } });
  return rows.map(entryFromRow);
}

/** memberEntries of several members (`[shopDomain, memberGid]`, of one shop or many), in one query, keyed by memberKey. */
export async function membersEntries(
  tx: Client,
  members: readonly (readonly [string, string])[],
): Promise<Map<string, LedgerEntry[]>> {
  const entries = new Map(members.map(([shop, gid]) => [memberKey(shop, gid), [] as LedgerEntry[]]));
  if (members.length === 0) return entries;
  const rows = await tx.ledgerEntry.findMany({
    where: { OR: [...perShop(members)].map(([shopDomain, gids]) => ({ shopDomain, memberGid: { in: gids } })) },
    orderBy: { id: "asc" },
  });
  for (const row of rows) entries.get(memberKey(row.shopDomain, row.memberGid))?.push(entryFromRow(row));
  return entries;
}

const ENTRY_COLUMNS: Column[] = [
  ["shopDomain", "text"],
  ["sourceKey", "text"],
  ["memberGid", "text"],
  ["type", "text"],
  ["source", "text"],
  ["points", "int"],
  ["shortfall", "int"],
  ["reason", "text"],
  ["orderGid", "text"],
  ["ruleId", "text"],
  ["ruleVersion", "int"],
  ["ratePoints", "int"],
  ["ratePerAmount", "bigint"],
  ["rateMultiplierBasisPoints", "int"],
  ["actor", "text"],
  ["createdAt", "time"],
  ["availableAt", "time"],
  ["expiresAt", "time"],
];

/** Appends entries; one whose sourceKey is already recorded is left out (a retry, a double click). Returns how many were new. */
export function insertEntries(tx: Client, shopDomain: string, entries: readonly LedgerEntry[]): Promise<number> {
  return insertShopsEntries(
    tx,
    entries.map((entry) => ({ shopDomain, entry })),
  );
}

/** insertEntries for entries of several shops, in one statement. */
export function insertShopsEntries(tx: Client, entries: readonly { shopDomain: string; entry: LedgerEntry }[]): Promise<number> {
  return insertRows(
    tx,
    "LedgerEntry",
    ENTRY_COLUMNS,
    entries.map(({ shopDomain, entry: e }) => [
      shopDomain,
      e.sourceKey,
      e.memberGid,
      e.type,
      e.source,
      e.points,
      e.shortfall,
      e.reason,
      e.orderGid,
      e.rule?.id ?? null,
      e.rule?.version ?? null,
      e.rate?.points ?? null,
      e.rate?.perAmount ?? null,
      e.rate?.multiplierBasisPoints ?? null,
      e.actor,
      e.createdAt,
      e.availableAt,
      e.expiresAt,
    ]),
    `ON CONFLICT ("shopDomain", "sourceKey") DO NOTHING`,
  );
}

// Orders, as the sync stored them.

type OrderRow = Awaited<ReturnType<typeof loadOrderRow>>;

function loadOrderRow(tx: Client, shopDomain: string, gid: string) {
  return tx.order.findUnique({
    where: { shopDomain_gid: { shopDomain, gid } },
    include: { customer: { select: { gid: true } }, refunds: true },
  });
}

/** The stored order in the sync's shape; a deleted order counts as cancelled. */
export function orderRecord(row: NonNullable<OrderRow>): OrderRecord {
  return {
    ...row,
    createdAt: row.shopifyCreatedAt,
    updatedAt: row.shopifyUpdatedAt ?? row.updatedAt,
    cancelledAt: row.cancelledAt ?? row.deletedAt,
    customer: row.customer && { gid: row.customer.gid, createdAt: null },
    refunds: row.refunds.map((refund) => ({ ...refund, orderGid: row.gid })),
    // Campaigns read the codes themselves (app/campaigns); points do not depend on them.
    discountCodes: null,
  };
}

export async function loadOrder(tx: Client, shopDomain: string, gid: string): Promise<OrderRecord | null> {
  const row = await loadOrderRow(tx, shopDomain, gid);
  return row && orderRecord(row);
}

/** The stored orders of these `[shopDomain, gid]` (those there are, of one shop or many), in one query. */
export async function loadOrders(
  tx: Client,
  orders: readonly (readonly [string, string])[],
): Promise<{ shopDomain: string; order: OrderRecord }[]> {
  if (orders.length === 0) return [];
  const rows = await tx.order.findMany({
    where: { OR: [...perShop(orders)].map(([shopDomain, gids]) => ({ shopDomain, gid: { in: gids } })) },
    include: { customer: { select: { gid: true } }, refunds: true },
  });
  return rows.map((row) => ({ shopDomain: row.shopDomain, order: orderRecord(row) }));
}

/** The customer's stored orders (the spend tier metric). */
export async function customerOrders(tx: Client, shopDomain: string, customerGid: string): Promise<OrderRecord[]> {
  const rows = await tx.order.findMany({
    where: { shopDomain, customer: { gid: customerGid } },
    include: { customer: { select: { gid: true } }, refunds: true },
  });
  return rows.map(orderRecord);
}
