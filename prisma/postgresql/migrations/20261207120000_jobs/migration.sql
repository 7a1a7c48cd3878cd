-- AlterTable
ALTER TABLE "HistoryImport" ADD COLUMN "attempts" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "HistoryImport" ADD COLUMN "lastError" TEXT;

-- DropIndex
DROP INDEX "LoyaltyTask_leaseUntil_idx";

-- CreateIndex
CREATE INDEX "LoyaltyTask_shopDomain_id_idx" ON "LoyaltyTask"("shopDomain", "id");
