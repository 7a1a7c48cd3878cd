-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "discountCodes" TEXT;

-- CreateTable
CREATE TABLE "Campaign" (
    "id" TEXT NOT NULL,
    "shopDomain" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "audience" TEXT NOT NULL,
    "entryMode" TEXT NOT NULL,
    "attributionDays" INTEGER NOT NULL DEFAULT 30,
    "cooldownDays" INTEGER NOT NULL DEFAULT 90,
    "controlPercent" INTEGER NOT NULL DEFAULT 20,
    "salt" TEXT NOT NULL,
    "shopifySegment" BOOLEAN NOT NULL DEFAULT false,
    "segmentGid" TEXT,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "entryDueAt" TIMESTAMP(3),
    "enteredDay" TEXT,
    "settledThrough" TIMESTAMP(3),
    "leaseUntil" TIMESTAMP(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Campaign_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CampaignArm" (
    "id" SERIAL NOT NULL,
    "shopDomain" TEXT NOT NULL,
    "campaignId" TEXT NOT NULL,
    "armId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "offer" TEXT NOT NULL,

    CONSTRAINT "CampaignArm_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CampaignMember" (
    "id" SERIAL NOT NULL,
    "shopDomain" TEXT NOT NULL,
    "campaignId" TEXT NOT NULL,
    "customerGid" TEXT NOT NULL,
    "armId" TEXT NOT NULL,
    "enteredAt" TIMESTAMP(3) NOT NULL,
    "windowEndsAt" TIMESTAMP(3) NOT NULL,
    "activeCustomerGid" TEXT,
    "offerStatus" TEXT NOT NULL,
    "code" TEXT,
    "discountGid" TEXT,
    "creditTransactionGid" TEXT,
    "offerExpiresAt" TIMESTAMP(3),
    "leaseUntil" TIMESTAMP(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "convertedOrderGid" TEXT,
    "convertedAt" TIMESTAMP(3),
    "netRevenue" BIGINT NOT NULL DEFAULT 0,
    "offerRedeemed" BOOLEAN NOT NULL DEFAULT false,
    "offerCost" BIGINT NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CampaignMember_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Campaign_shopDomain_createdAt_idx" ON "Campaign"("shopDomain", "createdAt");

-- CreateIndex
CREATE INDEX "Campaign_status_idx" ON "Campaign"("status");

-- CreateIndex
CREATE INDEX "CampaignArm_shopDomain_idx" ON "CampaignArm"("shopDomain");

-- CreateIndex
CREATE UNIQUE INDEX "CampaignArm_campaignId_armId_key" ON "CampaignArm"("campaignId", "armId");

-- CreateIndex
CREATE INDEX "CampaignMember_shopDomain_customerGid_idx" ON "CampaignMember"("shopDomain", "customerGid");

-- CreateIndex
CREATE INDEX "CampaignMember_campaignId_armId_idx" ON "CampaignMember"("campaignId", "armId");

-- CreateIndex
CREATE INDEX "CampaignMember_offerStatus_idx" ON "CampaignMember"("offerStatus");

-- CreateIndex
CREATE UNIQUE INDEX "CampaignMember_campaignId_customerGid_key" ON "CampaignMember"("campaignId", "customerGid");

-- CreateIndex
CREATE UNIQUE INDEX "CampaignMember_shopDomain_activeCustomerGid_key" ON "CampaignMember"("shopDomain", "activeCustomerGid");

-- AddForeignKey
ALTER TABLE "Campaign" ADD CONSTRAINT "Campaign_shopDomain_fkey" FOREIGN KEY ("shopDomain") REFERENCES "Shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CampaignArm" ADD CONSTRAINT "CampaignArm_shopDomain_fkey" FOREIGN KEY ("shopDomain") REFERENCES "Shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CampaignMember" ADD CONSTRAINT "CampaignMember_shopDomain_fkey" FOREIGN KEY ("shopDomain") REFERENCES "Shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

