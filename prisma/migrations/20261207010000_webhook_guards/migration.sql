-- AlterTable
ALTER TABLE "Shop" ADD COLUMN "shopifyId" TEXT;

-- CreateIndex
CREATE INDEX "Customer_gid_idx" ON "Customer"("gid");

-- CreateIndex
CREATE INDEX "Order_gid_idx" ON "Order"("gid");

-- CreateIndex
CREATE INDEX "Refund_gid_idx" ON "Refund"("gid");
