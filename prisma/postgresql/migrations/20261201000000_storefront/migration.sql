-- AlterTable
ALTER TABLE "LoyaltyProgram" ADD COLUMN     "metafieldAttempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "metafieldError" TEXT,
ADD COLUMN     "metafieldLeaseUntil" TIMESTAMP(3),
ADD COLUMN     "metafieldRevision" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "metafieldStale" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "metafieldSyncedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "ProxyRateLimit" (
    "shopDomain" TEXT NOT NULL,
    "customerGid" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "windowStart" TIMESTAMP(3) NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "ProxyRateLimit_pkey" PRIMARY KEY ("shopDomain","customerGid","action")
);

-- CreateIndex
CREATE INDEX "ProxyRateLimit_windowStart_idx" ON "ProxyRateLimit"("windowStart");

-- CreateIndex
CREATE INDEX "LoyaltyProgram_metafieldStale_idx" ON "LoyaltyProgram"("metafieldStale");

-- AddForeignKey
ALTER TABLE "ProxyRateLimit" ADD CONSTRAINT "ProxyRateLimit_shopDomain_fkey" FOREIGN KEY ("shopDomain") REFERENCES "Shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

