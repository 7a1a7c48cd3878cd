// The loyalty program's rows and the domain's types (program.ts, ledger.ts), both ways. Amounts in
// JSON columns travel as decimal text, since JSON has no 64-bit integers.
import { kindOf, type Db, type Tx } from "../db.server";
import { insertRows, param, type Column } from "../sync/sql.server";
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
  const row = await tx.loyaltyProgram.findUnique({ where: { shopDomain } });
  if (!row) return null;
  // Settings saved before a field existed get its default.
  return { enabled: row.enabled, settings: { ...DEFAULT_SETTINGS, ...JSON.parse(row.settings) }, salt: row.salt };
}

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
  const rows = await tx.earningRule.findMany({ where: { shopDomain }, orderBy: [{ ruleId: "asc" }, { version: "asc" }] });
  return rows.map(ruleFromRow);
}

export const purchaseRules = (rules: EarningRule[]) => rules.filter((rule): rule is PurchaseRule => rule.kind === "purchase");
export const bonusRules = (rules: EarningRule[], kind: BonusKind) =>
  rules.filter((rule): rule is BonusRule => rule.kind === kind);

export async function loadTiers(tx: Client, shopDomain: string): Promise<Tier[]> {
  const rows = await tx.loyaltyTier.findMany({ where: { shopDomain }, orderBy: { threshold: "asc" } });
  return rows.map(({ tierId, name, threshold, multiplierBasisPoints, cashbackBasisPoints }) => ({
    id: tierId,
    name,
    threshold,
    multiplierBasisPoints,
    ...(cashbackBasisPoints > 0 && { cashbackBasisPoints }),
  }));
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
  if (kindOf(tx) === "postgresql") {
    await tx.$queryRawUnsafe(
      `SELECT "id" FROM "LoyaltyMember" WHERE "shopDomain" = ${param(tx, 1)} AND "customerGid" = ${param(tx, 2)} FOR UPDATE`,
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
  return (await enrollMembers(tx, shopDomain, [customerGid], program, now)).get(customerGid)!;
}

/**
 * enrollMember for several customers in three statements (the worker's batches of loyalty tasks):
 * the members are locked in the order of their ids, so two transactions locking overlapping sets
 * wait for each other instead of deadlocking.
 */
export async function enrollMembers(
  tx: Tx,
  shopDomain: string,
  customerGids: readonly string[],
  program: Program,
  now: Date,
): Promise<Map<string, MemberRow>> {
  const gids = [...new Set(customerGids)];
  await insertRows(
    tx,
    "LoyaltyMember",
    [
      ["shopDomain", "text"],
      ["customerGid", "text"],
      ["enrolledAt", "time"],
      ["heldOut", "bool"],
    ],
    gids.map((gid) => [shopDomain, gid, now, isHeldOut(gid, program.salt, program.settings.holdoutPercent)]),
    `ON CONFLICT ("shopDomain", "customerGid") DO NOTHING`,
  );
  if (kindOf(tx) === "postgresql") {
    await tx.$queryRawUnsafe(
      `SELECT "id" FROM "LoyaltyMember" WHERE "shopDomain" = $1 AND "customerGid" = ANY($2::text[]) ORDER BY "id" FOR UPDATE`,
      shopDomain,
      gids,
    );
  }
  const rows = await tx.loyaltyMember.findMany({ where: { shopDomain, customerGid: { in: gids } } });
  return new Map(rows.map((row) => [row.customerGid, row]));
}

/** The worker looks at the members again now: their ledger changed. */
export function reviewSoon(tx: Client, memberIds: number | number[], now: Date) {
  return tx.loyaltyMember.updateMany({ where: { id: { in: [memberIds].flat() } }, data: { reviewAt: now } });
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

/** memberEntries of several members, in one query. */
export async function membersEntries(tx: Client, shopDomain: string, memberGids: string[]): Promise<Map<string, LedgerEntry[]>> {
  const rows = await tx.ledgerEntry.findMany({ where: { shopDomain, memberGid: { in: memberGids } }, orderBy: { id: "asc" } });
  const entries = new Map(memberGids.map((gid) => [gid, [] as LedgerEntry[]]));
  for (const row of rows) entries.get(row.memberGid)?.push(entryFromRow(row));
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
  return insertRows(
    tx,
    "LedgerEntry",
    ENTRY_COLUMNS,
    entries.map((e) => [
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
  };
}

export async function loadOrder(tx: Client, shopDomain: string, gid: string): Promise<OrderRecord | null> {
  const row = await loadOrderRow(tx, shopDomain, gid);
  return row && orderRecord(row);
}

/** The stored orders of these GIDs (those there are), in one query. */
export async function loadOrders(tx: Client, shopDomain: string, gids: string[]): Promise<OrderRecord[]> {
  const rows = await tx.order.findMany({
    where: { shopDomain, gid: { in: gids } },
    include: { customer: { select: { gid: true } }, refunds: true },
  });
  return rows.map(orderRecord);
}

/** The customer's stored orders (the spend tier metric). */
export async function customerOrders(tx: Client, shopDomain: string, customerGid: string): Promise<OrderRecord[]> {
  const rows = await tx.order.findMany({
    where: { shopDomain, customer: { gid: customerGid } },
    include: { customer: { select: { gid: true } }, refunds: true },
  });
  return rows.map(orderRecord);
}
