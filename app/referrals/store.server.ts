// The referral program's rows: its settings, and the shape a referral is shown in.
import type { Db, Tx } from "../platform/db/client.server";
import type { FraudRule } from "./fraud";
import { DEFAULT_REFERRAL_SETTINGS, settingsFromJson, type ReferralSettings } from "./settings";

type Client = Db | Tx;

export interface ReferralProgram {
  enabled: boolean;
  settings: ReferralSettings;
}

/** The shop's referral program; off with the default settings until saved. */
export async function loadReferralProgram(tx: Client, shopDomain: string): Promise<ReferralProgram> {
  const row = await tx.referralProgram.findUnique({ where: { shopDomain } });
  return row
    ? { enabled: row.enabled, settings: settingsFromJson(row.settings) }
    : { enabled: false, settings: DEFAULT_REFERRAL_SETTINGS };
}

export type ReferralStatus = "checking" | "review" | "approved" | "rejected" | "rewarded" | "completed" | "reversed";

export type ReferralRow = Awaited<ReturnType<Tx["referral"]["findUniqueOrThrow"]>>;

export const flagsOf = (row: { flags: string }) => JSON.parse(row.flags) as FraudRule[];

/** A referral as the admin API answers it: GIDs as strings, no digests. */
export const referralView = (row: ReferralRow) => ({
  id: row.id,
  orderGid: row.orderGid,
  referrerGid: row.referrerGid,
  friendGid: row.friendGid,
  status: row.status as ReferralStatus,
  flags: flagsOf(row),
  points: row.points,
  reviewedBy: row.reviewedBy,
  reviewReason: row.reviewReason,
  reviewedAt: row.reviewedAt?.toISOString() ?? null,
  rewardedAt: row.rewardedAt?.toISOString() ?? null,
  completedAt: row.completedAt?.toISOString() ?? null,
  createdAt: row.createdAt.toISOString(),
});
