-- CreateTable
CREATE TABLE "ReferralProgram" (
    "shopDomain" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "settings" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ReferralProgram_pkey" PRIMARY KEY ("shopDomain")
);

-- CreateTable
CREATE TABLE "ReferralLink" (
    "shopDomain" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "memberGid" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ReferralLink_pkey" PRIMARY KEY ("shopDomain","code")
);

-- CreateTable
CREATE TABLE "ReferralClaim" (
    "id" TEXT NOT NULL,
    "shopDomain" TEXT NOT NULL,
    "linkCode" TEXT NOT NULL,
    "referrerGid" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "discountGid" TEXT,
    "status" TEXT NOT NULL,
    "error" TEXT,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ReferralClaim_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Referral" (
    "id" SERIAL NOT NULL,
    "shopDomain" TEXT NOT NULL,
    "orderGid" TEXT NOT NULL,
    "claimId" TEXT NOT NULL,
    "referrerGid" TEXT NOT NULL,
    "friendGid" TEXT,
    "emailDigest" TEXT,
    "addressDigest" TEXT,
    "phoneDigest" TEXT,
    "status" TEXT NOT NULL,
    "flags" TEXT NOT NULL DEFAULT '[]',
    "points" INTEGER NOT NULL DEFAULT 0,
    "orderBase" BIGINT,
    "reviewedBy" TEXT,
    "reviewReason" TEXT,
    "reviewedAt" TIMESTAMP(3),
    "rewardedAt" TIMESTAMP(3),
    "completedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Referral_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReferralDigest" (
    "shopDomain" TEXT NOT NULL,
    "memberGid" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "digest" TEXT NOT NULL,

    CONSTRAINT "ReferralDigest_pkey" PRIMARY KEY ("shopDomain","memberGid","kind","digest")
);

-- CreateIndex
CREATE UNIQUE INDEX "ReferralLink_shopDomain_memberGid_key" ON "ReferralLink"("shopDomain", "memberGid");

-- CreateIndex
CREATE INDEX "ReferralClaim_shopDomain_linkCode_createdAt_idx" ON "ReferralClaim"("shopDomain", "linkCode", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "ReferralClaim_shopDomain_code_key" ON "ReferralClaim"("shopDomain", "code");

-- CreateIndex
CREATE INDEX "Referral_shopDomain_referrerGid_idx" ON "Referral"("shopDomain", "referrerGid");

-- CreateIndex
CREATE INDEX "Referral_shopDomain_status_idx" ON "Referral"("shopDomain", "status");

-- CreateIndex
CREATE INDEX "Referral_shopDomain_claimId_idx" ON "Referral"("shopDomain", "claimId");

-- CreateIndex
CREATE UNIQUE INDEX "Referral_shopDomain_orderGid_key" ON "Referral"("shopDomain", "orderGid");

-- AddForeignKey
ALTER TABLE "ReferralProgram" ADD CONSTRAINT "ReferralProgram_shopDomain_fkey" FOREIGN KEY ("shopDomain") REFERENCES "Shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReferralLink" ADD CONSTRAINT "ReferralLink_shopDomain_fkey" FOREIGN KEY ("shopDomain") REFERENCES "Shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReferralClaim" ADD CONSTRAINT "ReferralClaim_shopDomain_fkey" FOREIGN KEY ("shopDomain") REFERENCES "Shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Referral" ADD CONSTRAINT "Referral_shopDomain_fkey" FOREIGN KEY ("shopDomain") REFERENCES "Shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReferralDigest" ADD CONSTRAINT "ReferralDigest_shopDomain_fkey" FOREIGN KEY ("shopDomain") REFERENCES "Shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

