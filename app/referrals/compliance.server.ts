// Referrals in the compliance webhooks (docs/compliance.md). The data request lists the customer's
// link, the referrals they made and the one they came through, and how many digests of their
// addresses and phones the fraud rules remember. customers/redact deletes their link and digests,
// gives their referrals (made or received) the customer's pseudonym and drops the friend's digests
// on them; the referrals stay, anonymous, for the program's counts and costs. shop/redact deletes all.
import type { Tx } from "../platform/db/client.server";

export async function referralDataExport(tx: Tx, shopDomain: string, customerGid: string) {
  const [link, made, received, digests] = await Promise.all([
    tx.referralLink.findUnique({ where: { shopDomain_memberGid: { shopDomain, memberGid: customerGid } } }),
    tx.referral.findMany({ where: { shopDomain, referrerGid: customerGid }, orderBy: { id: "asc" } }),
    tx.referral.findMany({ where: { shopDomain, friendGid: customerGid }, orderBy: { id: "asc" } }),
    tx.referralDigest.count({ where: { shopDomain, memberGid: customerGid } }),
  ]);
  if (!link && made.length === 0 && received.length === 0 && digests === 0) return null;
  const dates = (row: (typeof made)[number]) => ({
    createdAt: row.createdAt.toISOString(),
    rewardedAt: row.rewardedAt?.toISOString() ?? null,
    completedAt: row.completedAt?.toISOString() ?? null,
  });
  return {
    link: link && { code: link.code, createdAt: link.createdAt.toISOString() },
    referralsMade: made.map((row) => ({ referral: row.id, status: row.status, points: row.points, ...dates(row) })),
    referredBy: received.map((row) => ({ referral: row.id, order: row.orderGid, status: row.status, ...dates(row) })),
    // Keyed digests (not the values) of shipping addresses and phones on their orders, compared with friends' orders.
    fraudRuleDigests: digests,
  };
}

export async function redactReferralCustomer(tx: Tx, shopDomain: string, gid: string, pseudonym: string): Promise<void> {
  await tx.referralLink.deleteMany({ where: { shopDomain, memberGid: gid } });
  await tx.referralDigest.deleteMany({ where: { shopDomain, memberGid: gid } });
  await tx.referralClaim.updateMany({ where: { shopDomain, referrerGid: gid }, data: { referrerGid: pseudonym } });
  await tx.referral.updateMany({ where: { shopDomain, referrerGid: gid }, data: { referrerGid: pseudonym } });
  await tx.referral.updateMany({
    where: { shopDomain, friendGid: gid },
    data: { friendGid: pseudonym, emailDigest: null, addressDigest: null, phoneDigest: null },
  });
}

export async function redactReferralShop(tx: Tx, shopDomain: string): Promise<void> {
  await tx.referral.deleteMany({ where: { shopDomain } });
  await tx.referralClaim.deleteMany({ where: { shopDomain } });
  await tx.referralDigest.deleteMany({ where: { shopDomain } });
  await tx.referralLink.deleteMany({ where: { shopDomain } });
  await tx.referralProgram.deleteMany({ where: { shopDomain } });
}
