-- AlterTable: the job system's columns for friends' claims left pending (decision 21, decision 31).
ALTER TABLE "ReferralClaim" ADD COLUMN     "leaseUntil" TIMESTAMP(3),
ADD COLUMN     "recoveryAttempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "recoveryError" TEXT;

-- CreateIndex
CREATE INDEX "ReferralClaim_status_updatedAt_idx" ON "ReferralClaim"("status", "updatedAt");

-- AlterTable: a referrer's reward as a code or store credit, and when it is due (decision 31).
ALTER TABLE "Referral" ADD COLUMN     "reward" TEXT,
ADD COLUMN     "rewardDueAt" TIMESTAMP(3);
