-- CreateTable
CREATE TABLE "FlowTriggerUse" (
    "shopDomain" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL,
    "changedAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shopDomain", "trigger")
);

-- CreateTable
CREATE TABLE "FlowTriggerEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shopDomain" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "customerGid" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'waiting',
    "sentAt" DATETIME,
    "leaseUntil" DATETIME,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
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
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shopDomain", "customerGid")
);

-- CreateTable
CREATE TABLE "ShopSegmentation" (
    "shopDomain" TEXT NOT NULL PRIMARY KEY,
    "definitionsVersion" INTEGER NOT NULL DEFAULT 0,
    "signalsFittedAt" DATETIME,
    "segments" TEXT NOT NULL DEFAULT '{}',
    "updatedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "FlowTriggerEvent_status_shopDomain_idx" ON "FlowTriggerEvent"("status", "shopDomain");

-- CreateIndex
CREATE INDEX "FlowTriggerEvent_shopDomain_customerGid_idx" ON "FlowTriggerEvent"("shopDomain", "customerGid");

-- CreateIndex
CREATE UNIQUE INDEX "FlowTriggerEvent_shopDomain_idempotencyKey_key" ON "FlowTriggerEvent"("shopDomain", "idempotencyKey");

-- CreateIndex
CREATE INDEX "CustomerSignal_needsWrite_shopDomain_idx" ON "CustomerSignal"("needsWrite", "shopDomain");

