-- CreateTable
CREATE TABLE "LoyaltyProgram" (
    "shopDomain" TEXT NOT NULL PRIMARY KEY,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "settings" TEXT NOT NULL,
    "salt" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "LoyaltyProgram_shopDomain_fkey" FOREIGN KEY ("shopDomain") REFERENCES "Shop" ("domain") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "EarningRule" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shopDomain" TEXT NOT NULL,
    "ruleId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "definition" TEXT NOT NULL,
    "effectiveFrom" DATETIME NOT NULL,
    "retiredAt" DATETIME,
    CONSTRAINT "EarningRule_shopDomain_fkey" FOREIGN KEY ("shopDomain") REFERENCES "Shop" ("domain") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "LoyaltyTier" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shopDomain" TEXT NOT NULL,
    "tierId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "threshold" BIGINT NOT NULL,
    "multiplierBasisPoints" INTEGER NOT NULL,
    CONSTRAINT "LoyaltyTier_shopDomain_fkey" FOREIGN KEY ("shopDomain") REFERENCES "Shop" ("domain") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "LoyaltyReward" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shopDomain" TEXT NOT NULL,
    "rewardId" TEXT NOT NULL,
    "pointsCost" INTEGER NOT NULL,
    "definition" TEXT NOT NULL,
    CONSTRAINT "LoyaltyReward_shopDomain_fkey" FOREIGN KEY ("shopDomain") REFERENCES "Shop" ("domain") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "LoyaltyMember" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shopDomain" TEXT NOT NULL,
    "customerGid" TEXT NOT NULL,
    "enrolledAt" DATETIME NOT NULL,
    "heldOut" BOOLEAN NOT NULL DEFAULT false,
    "tierId" TEXT,
    "tierSince" DATETIME,
    "birthday" TEXT,
    "lastActivityAt" DATETIME,
    "reviewAt" DATETIME,
    "needsSync" BOOLEAN NOT NULL DEFAULT false,
    "syncedPoints" INTEGER,
    "syncedTier" TEXT,
    "syncedAt" DATETIME,
    CONSTRAINT "LoyaltyMember_shopDomain_fkey" FOREIGN KEY ("shopDomain") REFERENCES "Shop" ("domain") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "LedgerEntry" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shopDomain" TEXT NOT NULL,
    "sourceKey" TEXT NOT NULL,
    "memberGid" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "points" INTEGER NOT NULL,
    "shortfall" INTEGER NOT NULL DEFAULT 0,
    "reason" TEXT NOT NULL,
    "orderGid" TEXT,
    "ruleId" TEXT,
    "ruleVersion" INTEGER,
    "ratePoints" INTEGER,
    "ratePerAmount" BIGINT,
    "rateMultiplierBasisPoints" INTEGER,
    "actor" TEXT,
    "createdAt" DATETIME NOT NULL,
    "availableAt" DATETIME NOT NULL,
    "expiresAt" DATETIME,
    CONSTRAINT "LedgerEntry_shopDomain_fkey" FOREIGN KEY ("shopDomain") REFERENCES "Shop" ("domain") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "TierChange" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shopDomain" TEXT NOT NULL,
    "memberGid" TEXT NOT NULL,
    "fromTier" TEXT,
    "toTier" TEXT,
    "kind" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    CONSTRAINT "TierChange_shopDomain_fkey" FOREIGN KEY ("shopDomain") REFERENCES "Shop" ("domain") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Redemption" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopDomain" TEXT NOT NULL,
    "memberGid" TEXT NOT NULL,
    "rewardId" TEXT NOT NULL,
    "clientKey" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "discountGid" TEXT,
    "points" INTEGER NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "error" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 1,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Redemption_shopDomain_fkey" FOREIGN KEY ("shopDomain") REFERENCES "Shop" ("domain") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "LoyaltyTask" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shopDomain" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "requests" INTEGER NOT NULL DEFAULT 1,
    "createdAt" DATETIME NOT NULL,
    "leaseUntil" DATETIME,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    CONSTRAINT "LoyaltyTask_shopDomain_fkey" FOREIGN KEY ("shopDomain") REFERENCES "Shop" ("domain") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "EarningRule_shopDomain_ruleId_version_key" ON "EarningRule"("shopDomain", "ruleId", "version");

-- CreateIndex
CREATE UNIQUE INDEX "LoyaltyTier_shopDomain_tierId_key" ON "LoyaltyTier"("shopDomain", "tierId");

-- CreateIndex
CREATE UNIQUE INDEX "LoyaltyReward_shopDomain_rewardId_key" ON "LoyaltyReward"("shopDomain", "rewardId");

-- CreateIndex
CREATE INDEX "LoyaltyMember_reviewAt_idx" ON "LoyaltyMember"("reviewAt");

-- CreateIndex
CREATE INDEX "LoyaltyMember_needsSync_idx" ON "LoyaltyMember"("needsSync");

-- CreateIndex
CREATE UNIQUE INDEX "LoyaltyMember_shopDomain_customerGid_key" ON "LoyaltyMember"("shopDomain", "customerGid");

-- CreateIndex
CREATE INDEX "LedgerEntry_shopDomain_memberGid_idx" ON "LedgerEntry"("shopDomain", "memberGid");

-- CreateIndex
CREATE UNIQUE INDEX "LedgerEntry_shopDomain_sourceKey_key" ON "LedgerEntry"("shopDomain", "sourceKey");

-- CreateIndex
CREATE INDEX "TierChange_shopDomain_memberGid_idx" ON "TierChange"("shopDomain", "memberGid");

-- CreateIndex
CREATE INDEX "Redemption_shopDomain_memberGid_idx" ON "Redemption"("shopDomain", "memberGid");

-- CreateIndex
CREATE UNIQUE INDEX "Redemption_shopDomain_clientKey_key" ON "Redemption"("shopDomain", "clientKey");

-- CreateIndex
CREATE INDEX "LoyaltyTask_leaseUntil_idx" ON "LoyaltyTask"("leaseUntil");

-- CreateIndex
CREATE UNIQUE INDEX "LoyaltyTask_shopDomain_kind_key_key" ON "LoyaltyTask"("shopDomain", "kind", "key");

