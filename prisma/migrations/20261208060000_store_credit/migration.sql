-- AlterTable
ALTER TABLE "Redemption" ADD COLUMN "creditAmount" BIGINT;
ALTER TABLE "Redemption" ADD COLUMN "creditExpiresAt" DATETIME;
ALTER TABLE "Redemption" ADD COLUMN "creditTransactionGid" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Redemption_shopDomain_creditTransactionGid_key" ON "Redemption"("shopDomain", "creditTransactionGid");
