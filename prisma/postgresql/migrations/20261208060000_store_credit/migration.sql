-- AlterTable
ALTER TABLE "Redemption" ADD COLUMN     "creditAmount" BIGINT,
ADD COLUMN     "creditExpiresAt" TIMESTAMP(3),
ADD COLUMN     "creditTransactionGid" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Redemption_shopDomain_creditTransactionGid_key" ON "Redemption"("shopDomain", "creditTransactionGid");
