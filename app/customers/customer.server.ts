// One customer's page: profile and figures, orders (a page at a time, newest first), points
// balance, ledger, tier history and active codes; and the manual adjustment.
import db from "../platform/db/client.server";
import { adjustPoints, memberView } from "../loyalty/admin.server";
import { loadTiers } from "../loyalty/store.server";
import type { AdjustmentErrors } from "./adjustment";
import { customerIndex } from "./list.server";
import { adminUrl, displayName, gidNumber } from "./list";

export const ORDERS_PAGE_SIZE = 20;

/** null when the shop has no such customer, or only a deleted or redacted one. */
export async function customerPage(shopDomain: string, gid: string, ordersPage: number, now = new Date()) {
  const customer = await db.customer.findUnique({
    where: { shopDomain_gid: { shopDomain, gid } },
    select: { id: true, firstName: true, lastName: true, email: true, firstSeenAt: true, deletedAt: true, redactedAt: true },
  });
  if (!customer || customer.deletedAt || customer.redactedAt) return null;
  const ordersWhere = { shopDomain, customerId: customer.id, deletedAt: null };
  // The page's one order count is the metrics' (docs/metrics.md, order-facts.ts isCounted), read
  // here with the table's rows rather than from the list's rows, which may be one rebuild behind.
  const countedWhere = { ...ordersWhere, test: false, cancelledAt: null, processedAt: { not: null } };
  const [index, orders, orderCount, countedCount, member, program, tiers, codes] = await Promise.all([
    customerIndex(shopDomain),
    db.order.findMany({
      where: ordersWhere,
      orderBy: [{ processedAt: "desc" }, { id: "desc" }],
      skip: (ordersPage - 1) * ORDERS_PAGE_SIZE,
      take: ORDERS_PAGE_SIZE,
      select: {
        gid: true,
        name: true,
        processedAt: true,
        cancelledAt: true,
        financialStatus: true,
        test: true,
        totalAmount: true,
        currentSubtotalAmount: true,
      },
    }),
    db.order.count({ where: ordersWhere }),
    db.order.count({ where: countedWhere }),
    memberView(shopDomain, gid, now),
    db.loyaltyProgram.findUnique({ where: { shopDomain }, select: { enabled: true } }),
    loadTiers(db, shopDomain),
    db.redemption.findMany({
      where: { shopDomain, memberGid: gid, status: "issued", expiresAt: { gt: now } },
      orderBy: { createdAt: "desc" },
      select: { code: true, rewardId: true, points: true, expiresAt: true },
    }),
  ]);
  const tierName = (id: string | null) => (id === null ? null : (tiers.find((tier) => tier.id === id)?.name ?? id));
  const iso = (at: Date | null) => at?.toISOString() ?? null;
  const figures = index.byGid.get(gid) ?? null;
  return {
    shop: index.shop,
    customer: {
      gid,
      number: gidNumber(gid),
      adminUrl: adminUrl(gid),
      name: displayName(customer),
      email: customer.email,
      firstSeenAt: iso(customer.firstSeenAt),
      orders: countedCount,
      netSpend: String(figures?.netSpend ?? 0),
      lastOrder: figures?.lastOrder ?? null,
      segment: figures?.segment ?? null,
      pAlive: figures?.pAlive ?? null,
      predictedClv: figures?.predictedClv === null || figures?.predictedClv === undefined ? null : String(figures.predictedClv),
      nextOrderDue: figures?.nextOrderDue ?? null,
      overdueDays: figures?.overdueDays ?? null,
    },
    orders: {
      page: ordersPage,
      pages: Math.max(1, Math.ceil(orderCount / ORDERS_PAGE_SIZE)),
      total: orderCount,
      /** Listed but not in the order count: test and cancelled orders (and stubs without processed_at). */
      uncounted: orderCount - countedCount,
      rows: orders.map((order) => ({
        gid: order.gid,
        adminUrl: adminUrl(order.gid),
        name: order.name ?? gidNumber(order.gid),
        processedAt: iso(order.processedAt),
        status: order.cancelledAt ? "cancelled" : (order.financialStatus ?? "unknown"),
        test: order.test,
        total: String(order.totalAmount),
        net: String(order.currentSubtotalAmount),
      })),
    },
    program: program && { enabled: program.enabled },
    member: member && {
      enrolledAt: member.enrolledAt.toISOString(),
      heldOut: member.heldOut,
      balance: member.balance,
      tier: member.tier && { name: member.tier.name, since: iso(member.tier.since) },
      ledger: member.ledger.map((entry) => ({
        key: entry.sourceKey,
        type: entry.type,
        source: entry.source,
        points: entry.points,
        shortfall: entry.shortfall,
        reason: entry.reason,
        actor: entry.actor,
        createdAt: entry.createdAt.toISOString(),
        availableAt: entry.availableAt.toISOString(),
        pending: entry.availableAt > now,
      })),
      tierChanges: member.tierChanges.reverse().map((change) => ({
        kind: change.kind,
        from: tierName(change.from),
        to: tierName(change.to),
        at: change.at.toISOString(),
      })),
      codes: codes.map((code) => ({ ...code, expiresAt: code.expiresAt.toISOString() })),
    },
  };
}

/** Recorded; refused with a code per field; or a deduction beyond the available balance, to confirm. */
export type AdjustResult =
  | { ok: true; points: number }
  | { ok: false; errors: AdjustmentErrors }
  | { ok: false; confirm: { available: number; points: number } };

/** A staff member's change; the same requestId records it once. null: the shop has no such customer. */
export async function adjustCustomerPoints(
  shopDomain: string,
  actor: string,
  input: { customerGid: string; points: number; reason: string; requestId: string; confirmShortfall: boolean },
): Promise<AdjustResult | null> {
  const result = await adjustPoints(shopDomain, actor, input);
  if (result.ok) return { ok: true, points: result.entry.points };
  if (result.code === "unknownCustomer") return null;
  if (result.code === "shortfallUnconfirmed")
    return { ok: false, confirm: { available: result.params.available, points: input.points } };
  return { ok: false, errors: { form: result.code } };
}
