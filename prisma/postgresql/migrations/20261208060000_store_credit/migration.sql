-- AlterTable
ALTER TABLE "Redemption" ADD COLUMN     "creditAmount" BIGINT,
ADD COLUMN     "creditExpiresAt" TIMESTAMP(3),
ADD COLUMN     "creditTransactionGid" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Redemption_shopDomain_creditTransactionGid_key" ON "Redemption"("shopDomain", "creditTransactionGid");


-- AlterTable
ALTER TABLE "LoyaltyTier" ADD COLUMN     "cashbackBasisPoints" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "Cashback" (
    "id" TEXT NOT NULL,
    "shopDomain" TEXT NOT NULL,
    "memberGid" TEXT NOT NULL,
    "orderGid" TEXT NOT NULL,
    "basisPoints" INTEGER NOT NULL,
    "amount" BIGINT NOT NULL,
    "dueAt" TIMESTAMP(3) NOT NULL,
    "status" TEXT NOT NULL,
    "credited" BIGINT NOT NULL DEFAULT 0,
    "creditTransactionGid" TEXT,
    "accountGid" TEXT,
    "reversed" BIGINT NOT NULL DEFAULT 0,
    "forgone" BIGINT NOT NULL DEFAULT 0,
    "reversing" BIGINT,
    "reversingSince" TIMESTAMP(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Cashback_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CashbackDebit" (
    "shopDomain" TEXT NOT NULL,
    "transactionGid" TEXT NOT NULL,
    "cashbackId" TEXT NOT NULL,
    "memberGid" TEXT NOT NULL,
    "amount" BIGINT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CashbackDebit_pkey" PRIMARY KEY ("shopDomain","transactionGid")
);

-- CreateIndex
CREATE INDEX "Cashback_status_dueAt_idx" ON "Cashback"("status", "dueAt");

-- CreateIndex
CREATE INDEX "Cashback_shopDomain_memberGid_idx" ON "Cashback"("shopDomain", "memberGid");

-- CreateIndex
CREATE UNIQUE INDEX "Cashback_shopDomain_orderGid_key" ON "Cashback"("shopDomain", "orderGid");

-- CreateIndex
CREATE UNIQUE INDEX "Cashback_shopDomain_creditTransactionGid_key" ON "Cashback"("shopDomain", "creditTransactionGid");

-- CreateIndex
CREATE INDEX "CashbackDebit_shopDomain_memberGid_idx" ON "CashbackDebit"("shopDomain", "memberGid");

-- AddForeignKey
ALTER TABLE "Cashback" ADD CONSTRAINT "Cashback_shopDomain_fkey" FOREIGN KEY ("shopDomain") REFERENCES "Shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CashbackDebit" ADD CONSTRAINT "CashbackDebit_shopDomain_fkey" FOREIGN KEY ("shopDomain") REFERENCES "Shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

