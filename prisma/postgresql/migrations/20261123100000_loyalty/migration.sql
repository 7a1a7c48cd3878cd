-- CreateTable
CREATE TABLE "LoyaltyProgram" (
    "shopDomain" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "settings" TEXT NOT NULL,
    "salt" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LoyaltyProgram_pkey" PRIMARY KEY ("shopDomain")
);

-- CreateTable
CREATE TABLE "EarningRule" (
    "id" SERIAL NOT NULL,
    "shopDomain" TEXT NOT NULL,
    "ruleId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "definition" TEXT NOT NULL,
    "effectiveFrom" TIMESTAMP(3) NOT NULL,
    "retiredAt" TIMESTAMP(3),

    CONSTRAINT "EarningRule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LoyaltyTier" (
    "id" SERIAL NOT NULL,
    "shopDomain" TEXT NOT NULL,
    "tierId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "threshold" BIGINT NOT NULL,
    "multiplierBasisPoints" INTEGER NOT NULL,

    CONSTRAINT "LoyaltyTier_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LoyaltyReward" (
    "id" SERIAL NOT NULL,
    "shopDomain" TEXT NOT NULL,
    "rewardId" TEXT NOT NULL,
    "pointsCost" INTEGER NOT NULL,
    "definition" TEXT NOT NULL,

    CONSTRAINT "LoyaltyReward_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LoyaltyMember" (
    "id" SERIAL NOT NULL,
    "shopDomain" TEXT NOT NULL,
    "customerGid" TEXT NOT NULL,
    "enrolledAt" TIMESTAMP(3) NOT NULL,
    "heldOut" BOOLEAN NOT NULL DEFAULT false,
    "tierId" TEXT,
    "tierSince" TIMESTAMP(3),
    "birthday" TEXT,
    "lastActivityAt" TIMESTAMP(3),
    "reviewAt" TIMESTAMP(3),
    "needsSync" BOOLEAN NOT NULL DEFAULT false,
    "syncedPoints" INTEGER,
    "syncedTier" TEXT,
    "syncedAt" TIMESTAMP(3),

    CONSTRAINT "LoyaltyMember_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LedgerEntry" (
    "id" SERIAL NOT NULL,
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
    "createdAt" TIMESTAMP(3) NOT NULL,
    "availableAt" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3),

    CONSTRAINT "LedgerEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TierChange" (
    "id" SERIAL NOT NULL,
    "shopDomain" TEXT NOT NULL,
    "memberGid" TEXT NOT NULL,
    "fromTier" TEXT,
    "toTier" TEXT,
    "kind" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TierChange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Redemption" (
    "id" TEXT NOT NULL,
    "shopDomain" TEXT NOT NULL,
    "memberGid" TEXT NOT NULL,
    "rewardId" TEXT NOT NULL,
    "clientKey" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "discountGid" TEXT,
    "points" INTEGER NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "error" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Redemption_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LoyaltyTask" (
    "id" SERIAL NOT NULL,
    "shopDomain" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "requests" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "leaseUntil" TIMESTAMP(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,

    CONSTRAINT "LoyaltyTask_pkey" PRIMARY KEY ("id")
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

-- AddForeignKey
ALTER TABLE "LoyaltyProgram" ADD CONSTRAINT "LoyaltyProgram_shopDomain_fkey" FOREIGN KEY ("shopDomain") REFERENCES "Shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EarningRule" ADD CONSTRAINT "EarningRule_shopDomain_fkey" FOREIGN KEY ("shopDomain") REFERENCES "Shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LoyaltyTier" ADD CONSTRAINT "LoyaltyTier_shopDomain_fkey" FOREIGN KEY ("shopDomain") REFERENCES "Shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LoyaltyReward" ADD CONSTRAINT "LoyaltyReward_shopDomain_fkey" FOREIGN KEY ("shopDomain") REFERENCES "Shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LoyaltyMember" ADD CONSTRAINT "LoyaltyMember_shopDomain_fkey" FOREIGN KEY ("shopDomain") REFERENCES "Shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LedgerEntry" ADD CONSTRAINT "LedgerEntry_shopDomain_fkey" FOREIGN KEY ("shopDomain") REFERENCES "Shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TierChange" ADD CONSTRAINT "TierChange_shopDomain_fkey" FOREIGN KEY ("shopDomain") REFERENCES "Shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Redemption" ADD CONSTRAINT "Redemption_shopDomain_fkey" FOREIGN KEY ("shopDomain") REFERENCES "Shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LoyaltyTask" ADD CONSTRAINT "LoyaltyTask_shopDomain_fkey" FOREIGN KEY ("shopDomain") REFERENCES "Shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

