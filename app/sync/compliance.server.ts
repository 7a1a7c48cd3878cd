// The mandatory compliance webhooks. What is erased and what the data export contains is
// documented in docs/compliance.md.
import { randomUUID } from "node:crypto";
import { customerAnswers } from "../feedback/answers.server";
import type { Tx } from "../platform/db/client.server";
import { memberDataExport } from "../loyalty/members.server";
import { redactReferralCustomer, redactReferralShop, referralDataExport } from "../referrals/compliance.server";
import { formatMinorUnits } from "../platform/money";
import { toGid } from "../platform/shopify-json";
import { customerDigest } from "./redaction.server";
import { forgetShop } from "./shops.server";
import { insertRows } from "../platform/sql/rows.server";
import { dialect } from "../platform/sql/dialect.server";

export const DATA_EXPORT_FORMAT = "comeback.customer-data/v1";

/** Starts every pseudonym; the customers list counts members carrying one to notice an erasure. */
export const PSEUDONYM_PREFIX = "redacted:";

/** customers/data_request: everything the app holds about one customer, as one JSON document. */
export async function exportCustomerData(tx: Tx, shopDomain: string, customerId: string, requestId: string) {
  const customerGid = toGid("Customer", customerId);
  const customer = await tx.customer.findUnique({
    where: { shopDomain_gid: { shopDomain, gid: customerGid } },
    include: { orders: { include: { refunds: true }, orderBy: { processedAt: "asc" } } },
  });
  const now = new Date();
  const loyalty = await memberDataExport(tx, shopDomain, customerGid, now);
  // The storefront's rate-limit counters name the customer (kept an hour at most).
  const storefrontRequests = await tx.proxyRateLimit.findMany({ where: { shopDomain, customerGid }, orderBy: { action: "asc" } });
  const campaigns = await tx.campaignMember.findMany({ where: { shopDomain, customerGid }, orderBy: { enteredAt: "asc" } });
  const feedback = await customerAnswers(shopDomain, customerGid, tx);
  const referrals = await referralDataExport(tx, shopDomain, customerGid);
  const document = {
    format: DATA_EXPORT_FORMAT,
    shop: shopDomain,
    customer: customerGid,
    generatedAt: now.toISOString(),
    found: Boolean(customer || loyalty || storefrontRequests.length || campaigns.length || feedback.length || referrals),
    profile: customer
      ? {
          email: customer.email,
          firstName: customer.firstName,
          lastName: customer.lastName,
          marketingConsent: customer.marketingConsent,
          marketingConsentAt: customer.marketingConsentAt?.toISOString() ?? null,
          firstSeenAt: customer.firstSeenAt?.toISOString() ?? null,
          deletedAt: customer.deletedAt?.toISOString() ?? null,
        }
      : null,
    orders: (customer?.orders ?? []).map((order) => ({
      order: order.gid,
      name: order.name,
      processedAt: order.processedAt?.toISOString() ?? null,
      cancelledAt: order.cancelledAt?.toISOString() ?? null,
      currency: order.currency,
      total: formatMinorUnits(order.totalAmount, order.currency),
      subtotal: formatMinorUnits(order.subtotalAmount, order.currency),
      refunded: formatMinorUnits(order.refundedAmount, order.currency),
      refunds: order.refunds.map((refund) => ({
        refund: refund.gid,
        processedAt: refund.processedAt.toISOString(),
        amount: formatMinorUnits(refund.amount, order.currency),
      })),
    })),
    loyalty,
    referrals,
    storefrontRequests: storefrontRequests.map((row) => ({
      action: row.action,
      windowStart: row.windowStart.toISOString(),
      requests: row.count,
    })),
    campaigns: campaigns.map((member) => ({
      campaign: member.campaignId,
      group: member.armId,
      enteredAt: member.enteredAt.toISOString(),
      offer: member.offerStatus,
      code: member.code,
      convertedOrder: member.convertedOrderGid,
    })),
    feedback: feedback.map((answer) => ({
      order: answer.orderGid,
      nps: answer.nps,
      csat: answer.csat,
      ces: answer.ces,
      comment: answer.comment,
      surface: answer.surface,
      locale: answer.locale,
      firstAnsweredAt: answer.firstAnsweredAt.toISOString(),
      answeredAt: answer.answeredAt.toISOString(),
      points: answer.points,
    })),
  };
  await tx.customerDataExport.upsert({
    where: { shopDomain_requestId: { shopDomain, requestId } },
    create: { shopDomain, customerGid, requestId, document: JSON.stringify(document) },
    update: {},
  });
}

/**
 * customers/redact: the customer row loses its personal fields and its Shopify id, replaced by a
 * random pseudonym, so that orders still count in aggregate metrics but lead back to nobody. A
 * keyed digest of the GID is kept (redaction.server.ts) so that no late delivery or import line
 * brings the customer back (store.server.ts). Data exports about the customer and stored delivery
 * bodies that name them are deleted. The loyalty member, ledger, redemptions, tier changes and campaign memberships take
 * the same pseudonym (the ledger stays, anonymous, for the program's totals); the birthday, staff
 * reasons and caller-chosen keys are erased; the storefront's rate-limit counters of the customer
 * are deleted, and so are their feedback answers, scores and free text alike; their referral link and
 * digests go, their referrals take the pseudonym (app/referrals/compliance.server.ts).
 * docs/compliance.md lists it all.
 */
export async function redactCustomer(tx: Tx, shopDomain: string, customerId: string, at: Date, currentEventId: number) {
  const gid = toGid("Customer", customerId);
  const pseudonym = `${PSEUDONYM_PREFIX}${randomUUID()}`;
  // The first redaction's pseudonym stays the one late orders join.
  await insertRows(
    tx,
    "RedactedCustomer",
    [
      ["shopDomain", "text"],
      ["digest", "text"],
      ["pseudonym", "text"],
      ["redactedAt", "time"],
    ],
    [[shopDomain, customerDigest(shopDomain, gid), pseudonym, at]],
    `ON CONFLICT ("shopDomain", "digest") DO NOTHING`,
  );
  const stored = await tx.customer.findUnique({ where: { shopDomain_gid: { shopDomain, gid } }, select: { email: true } });
  await tx.customer.updateMany({
    where: { shopDomain, gid },
    data: {
      gid: pseudonym,
      email: null,
      firstName: null,
      lastName: null,
      marketingConsent: null,
      marketingConsentAt: null,
      redactedAt: at,
    },
  });
  await tx.customerDataExport.deleteMany({ where: { shopDomain, customerGid: gid } });
  await tx.proxyRateLimit.deleteMany({ where: { shopDomain, customerGid: gid } });
  await tx.feedbackAnswer.deleteMany({ where: { shopDomain, customerGid: gid } });
  await pseudonymiseMember(tx, shopDomain, gid, pseudonym);
  await redactReferralCustomer(tx, shopDomain, gid, pseudonym);
  // Stored bodies naming the customer: unprocessed ones would bring them back, rejected ones are
  // kept only for the merchant to look at. The GID contains the numeric id.
  const naming = [customerId, ...(stored?.email ? [stored.email] : [])].map((text) => ({ payload: { contains: text } }));
  await tx.webhookEvent.deleteMany({ where: { shopDomain, OR: naming, NOT: { id: currentEventId } } });
}

async function pseudonymiseMember(tx: Tx, shopDomain: string, gid: string, pseudonym: string) {
  const p = (i: number) => dialect.param(i);
  // The metafields of a customer who no longer exists are not written.
  await tx.loyaltyMember.updateMany({
    where: { shopDomain, customerGid: gid },
    data: { customerGid: pseudonym, birthday: null, needsSync: false, syncedPoints: null, syncedTier: null, syncedAt: null },
  });
  // Ledger keys name the member (signup bonus, manual changes, expiry); a manual change's reason is
  // staff free text, and its request id, like a custom action's id, was chosen by the caller: both
  // give way to the entry's own id (the keys only had to be unique).
  await tx.$executeRawUnsafe(
    `UPDATE "LedgerEntry" SET "memberGid" = ${p(1)},
       "sourceKey" = CASE
         WHEN "source" = 'manual' THEN 'manual:' || ${p(2)} || ':' || CAST("id" AS TEXT)
         WHEN "sourceKey" LIKE 'rule:custom:%' THEN 'rule:custom:' || COALESCE("ruleId", '') || ':' || ${p(3)} || ':' || CAST("id" AS TEXT)
         ELSE REPLACE("sourceKey", ${p(4)}, ${p(5)}) END,
       "reason" = CASE WHEN "source" = 'manual' THEN 'redacted' ELSE "reason" END
     WHERE "shopDomain" = ${p(6)} AND "memberGid" = ${p(7)}`,
    pseudonym,
    pseudonym,
    pseudonym,
    gid,
    pseudonym,
    shopDomain,
    gid,
  );
  // A redemption's clientKey is the caller's (the storefront's embeds the GID); errors may quote it.
  await tx.$executeRawUnsafe(
    `UPDATE "Redemption" SET "memberGid" = ${p(1)}, "clientKey" = ${p(2)} || ':' || "id", "error" = REPLACE("error", ${p(3)}, ${p(4)})
     WHERE "shopDomain" = ${p(5)} AND "memberGid" = ${p(6)}`,
    pseudonym,
    pseudonym,
    gid,
    pseudonym,
    shopDomain,
    gid,
  );
  await tx.tierChange.updateMany({ where: { shopDomain, memberGid: gid }, data: { memberGid: pseudonym } });
  await tx.cashback.updateMany({ where: { shopDomain, memberGid: gid }, data: { memberGid: pseudonym } });
  await tx.cashbackDebit.updateMany({ where: { shopDomain, memberGid: gid }, data: { memberGid: pseudonym } });
  // Campaign results keep counting them, anonymously; a pseudonym holds no campaign's place, and an
  // offer not yet issued is never issued to nobody.
  await tx.campaignMember.updateMany({
    where: { shopDomain, customerGid: gid, offerStatus: { in: ["due", "pending"] } },
    data: { offerStatus: "failed", error: "customer redacted" },
  });
  await tx.campaignMember.updateMany({
    where: { shopDomain, customerGid: gid },
    data: { customerGid: pseudonym, activeCustomerGid: null },
  });
  await tx.loyaltyTask.deleteMany({
    where: { shopDomain, key: gid, kind: { in: ["signup", "newsletter", "review", "metafields"] } },
  });
  // Flow events name the customer, and may carry their code or survey link; signals are about them.
  await tx.flowTriggerEvent.deleteMany({ where: { shopDomain, customerGid: gid } });
  await tx.customerSignal.deleteMany({ where: { shopDomain, customerGid: gid } });
}

/** shop/redact: everything of the shop goes; a bare row remains so late deliveries are ignored. */
export async function redactShop(tx: Tx, shopDomain: string, at: Date) {
  forgetShop(shopDomain);
  await tx.shop.upsert({ where: { domain: shopDomain }, create: { domain: shopDomain }, update: {} });
  await tx.customerDataExport.deleteMany({ where: { shopDomain } });
  await tx.historyImport.deleteMany({ where: { shopDomain } });
  await tx.metricsSnapshot.deleteMany({ where: { shopDomain } });
  await tx.purchaseModelFit.deleteMany({ where: { shopDomain } });
  await tx.loyaltyTask.deleteMany({ where: { shopDomain } });
  await tx.proxyRateLimit.deleteMany({ where: { shopDomain } });
  await tx.flowTriggerEvent.deleteMany({ where: { shopDomain } });
  await tx.flowTriggerUse.deleteMany({ where: { shopDomain } });
  await tx.customerSignal.deleteMany({ where: { shopDomain } });
  await tx.shopSegmentation.deleteMany({ where: { shopDomain } });
  await tx.feedbackAnswer.deleteMany({ where: { shopDomain } });
  await tx.orderFulfillment.deleteMany({ where: { shopDomain } });
  await tx.feedbackSettings.deleteMany({ where: { shopDomain } });
  await redactReferralShop(tx, shopDomain);
  await tx.redemption.deleteMany({ where: { shopDomain } });
  await tx.campaignMember.deleteMany({ where: { shopDomain } });
  await tx.campaignArm.deleteMany({ where: { shopDomain } });
  await tx.campaign.deleteMany({ where: { shopDomain } });
  await tx.cashbackDebit.deleteMany({ where: { shopDomain } });
  await tx.cashback.deleteMany({ where: { shopDomain } });
  await tx.tierChange.deleteMany({ where: { shopDomain } });
  await tx.ledgerEntry.deleteMany({ where: { shopDomain } });
  await tx.loyaltyMember.deleteMany({ where: { shopDomain } });
  await tx.loyaltyReward.deleteMany({ where: { shopDomain } });
  await tx.loyaltyTier.deleteMany({ where: { shopDomain } });
  await tx.earningRule.deleteMany({ where: { shopDomain } });
  await tx.loyaltyProgram.deleteMany({ where: { shopDomain } });
  await tx.refund.deleteMany({ where: { shopDomain } });
  await tx.order.deleteMany({ where: { shopDomain } });
  await tx.customer.deleteMany({ where: { shopDomain } });
  await tx.session.deleteMany({ where: { shop: shopDomain } });
  await tx.redactedCustomer.deleteMany({ where: { shopDomain } });
  // The shop/redact deliveries themselves stay as the record of this, without their bodies.
  await tx.webhookEvent.deleteMany({ where: { shopDomain, NOT: { topic: "SHOP_REDACT" } } });
  await tx.webhookEvent.updateMany({ where: { shopDomain, payload: { not: null } }, data: { payload: null } });
  await tx.shop.update({
    where: { domain: shopDomain },
    data: { installState: "redacted", uninstalledAt: at, name: null },
  });
}
