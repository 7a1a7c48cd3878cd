-- CreateTable
CREATE TABLE "FlowTriggerUse" (
    "shopDomain" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL,
    "changedAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "FlowTriggerUse_pkey" PRIMARY KEY ("shopDomain","trigger")
);

-- CreateTable
CREATE TABLE "FlowTriggerEvent" (
    "id" SERIAL NOT NULL,
    "shopDomain" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "customerGid" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'waiting',
    "sentAt" TIMESTAMP(3),
    "leaseUntil" TIMESTAMP(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FlowTriggerEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CustomerSignal" (
    "shopDomain" TEXT NOT NULL,
    "customerGid" TEXT NOT NULL,
    "churnBand" TEXT,
    "metafields" TEXT,
    "offer" TEXT,
    "writtenMetafields" TEXT,
    "needsWrite" BOOLEAN NOT NULL DEFAULT false,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CustomerSignal_pkey" PRIMARY KEY ("shopDomain","customerGid")
);

-- CreateTable
CREATE TABLE "ShopSegmentation" (
    "shopDomain" TEXT NOT NULL,
    "definitionsVersion" INTEGER NOT NULL DEFAULT 0,
    "signalsFittedAt" TIMESTAMP(3),
    "segments" TEXT NOT NULL DEFAULT '{}',
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ShopSegmentation_pkey" PRIMARY KEY ("shopDomain")
);

-- CreateIndex
CREATE INDEX "FlowTriggerEvent_status_shopDomain_idx" ON "FlowTriggerEvent"("status", "shopDomain");

-- CreateIndex
CREATE INDEX "FlowTriggerEvent_shopDomain_customerGid_idx" ON "FlowTriggerEvent"("shopDomain", "customerGid");

-- CreateIndex
CREATE UNIQUE INDEX "FlowTriggerEvent_shopDomain_idempotencyKey_key" ON "FlowTriggerEvent"("shopDomain", "idempotencyKey");

-- CreateIndex
CREATE INDEX "CustomerSignal_needsWrite_shopDomain_idx" ON "CustomerSignal"("needsWrite", "shopDomain");

