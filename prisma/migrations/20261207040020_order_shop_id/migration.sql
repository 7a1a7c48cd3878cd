-- CreateIndex
CREATE INDEX "Order_shopDomain_id_idx" ON "Order"("shopDomain", "id");
