-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "lookbackDays" INTEGER NOT NULL DEFAULT 365;

-- CreateTable
CREATE TABLE "PurchaseModelFit" (
    "shopDomain" TEXT NOT NULL,
    "fittedAt" TIMESTAMP(3) NOT NULL,
    "asOfDay" INTEGER NOT NULL,
    "customers" INTEGER NOT NULL,
    "bgNbd" TEXT,
    "gammaGamma" TEXT,
    "stable" BOOLEAN NOT NULL,
    "reasons" TEXT NOT NULL,
    "summary" TEXT,
    "seconds" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "PurchaseModelFit_pkey" PRIMARY KEY ("shopDomain")
);

-- CreateTable
CREATE TABLE "MetricsSnapshot" (
    "shopDomain" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "seenUntil" TIMESTAMP(3) NOT NULL,
    "orders" INTEGER NOT NULL,
    "data" BYTEA NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MetricsSnapshot_pkey" PRIMARY KEY ("shopDomain")
);

-- CreateIndex
CREATE INDEX "Order_shopDomain_updatedAt_idx" ON "Order"("shopDomain", "updatedAt");

-- AddForeignKey
ALTER TABLE "PurchaseModelFit" ADD CONSTRAINT "PurchaseModelFit_shopDomain_fkey" FOREIGN KEY ("shopDomain") REFERENCES "Shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MetricsSnapshot" ADD CONSTRAINT "MetricsSnapshot_shopDomain_fkey" FOREIGN KEY ("shopDomain") REFERENCES "Shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

