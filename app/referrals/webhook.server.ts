// The order webhook's share of referrals, in the delivery's own SQL batch (decision 3): an order
// carrying a friend's code becomes a Referral row ("checking") for the worker's fraud rules and
// reward; an order of a member with a referral link leaves the digests of its address and phone
// for the rules' memory. Each is one statement that writes nothing when the code or link is
// unknown, with two text parameters (a JSON array of rows and the shop), as the PostgreSQL fast
// path's recorded statements must have.
import { dialect } from "../platform/sql/dialect.server";
import type { SqlRunner } from "../platform/sql/rows.server";
import type { ReferralFacts } from "./attribution";
import { referralDigest } from "./digests.server";

const field = (i: number) => `j.value ->> ${i}`;

export async function recordReferralFacts(
  runner: SqlRunner,
  shopDomain: string,
  order: { gid: string; customerGid: string | null },
  facts: ReferralFacts,
  now: Date,
): Promise<void> {
  const email = referralDigest(shopDomain, "email", facts.email);
  const address = referralDigest(shopDomain, "address", facts.address);
  const phone = referralDigest(shopDomain, "phone", facts.phone);
  if (facts.codes.length) {
    const at = dialect.cast(field(5), "time");
    const rows = facts.codes.map((code) => [order.gid, order.customerGid, email, address, phone, dialect.time(now), code]);
    // The oldest claim among the codes, should an order carry two friends' codes.
    await runner.$executeRawUnsafe(
      `INSERT INTO "Referral" ("shopDomain", "orderGid", "claimId", "referrerGid", "friendGid", "emailDigest", "addressDigest", "phoneDigest", "status", "flags", "createdAt", "updatedAt")
       SELECT c."shopDomain", ${field(0)}, c."id", c."referrerGid", ${field(1)}, ${field(2)}, ${field(3)}, ${field(4)}, 'checking', '[]', ${at}, ${at}
       FROM ${dialect.jsonRows(dialect.param(1))} JOIN "ReferralClaim" c ON c."code" = ${field(6)}
       WHERE c."shopDomain" = ${dialect.param(2)}
       ORDER BY c."createdAt" LIMIT 1
       ON CONFLICT ("shopDomain", "orderGid") DO NOTHING`,
      JSON.stringify(rows),
      shopDomain,
    );
  }
  const digests = [
    ["address", address],
    ["phone", phone],
  ].filter(([, digest]) => digest !== null);
  if (!order.customerGid || digests.length === 0) return;
  await runner.$executeRawUnsafe(
    `INSERT INTO "ReferralDigest" ("shopDomain", "memberGid", "kind", "digest")
     SELECT l."shopDomain", l."memberGid", ${field(0)}, ${field(1)}
     FROM ${dialect.jsonRows(dialect.param(1))} JOIN "ReferralLink" l ON l."memberGid" = ${field(2)}
     WHERE l."shopDomain" = ${dialect.param(2)}
     ON CONFLICT DO NOTHING`,
    JSON.stringify(digests.map(([kind, digest]) => [kind, digest, order.customerGid])),
    shopDomain,
  );
}
