-- AlterTable
ALTER TABLE "Redemption" ADD COLUMN "creditAmount" BIGINT;
ALTER TABLE "Redemption" ADD COLUMN "creditExpiresAt" DATETIME;
ALTER TABLE "Redemption" ADD COLUMN "creditTransactionGid" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Redemption_shopDomain_creditTransactionGid_key" ON "Redemption"("shopDomain", "creditTransactionGid");

-- AlterTable
ALTER TABLE "LoyaltyTier" ADD COLUMN "cashbackBasisPoints" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "Cashback" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopDomain" TEXT NOT NULL,
    "memberGid" TEXT NOT NULL,
    "orderGid" TEXT NOT NULL,
    "basisPoints" INTEGER NOT NULL,
    "amount" BIGINT NOT NULL,
    "dueAt" DATETIME NOT NULL,
    "status" TEXT NOT NULL,
    "credited" BIGINT NOT NULL DEFAULT 0,
    "creditTransactionGid" TEXT,
    "accountGid" TEXT,
    "reversed" BIGINT NOT NULL DEFAULT 0,
    "forgone" BIGINT NOT NULL DEFAULT 0,
    "reversing" BIGINT,
    "reversingSince" DATETIME,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Cashback_shopDomain_fkey" FOREIGN KEY ("shopDomain") REFERENCES "Shop" ("domain") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "CashbackDebit" (
    "shopDomain" TEXT NOT NULL,
    "transactionGid" TEXT NOT NULL,
    "cashbackId" TEXT NOT NULL,
    "memberGid" TEXT NOT NULL,
    "amount" BIGINT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("shopDomain", "transactionGid"),
    CONSTRAINT "CashbackDebit_shopDomain_fkey" FOREIGN KEY ("shopDomain") REFERENCES "Shop" ("domain") ON DELETE CASCADE ON UPDATE CASCADE
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

