-- CreateIndex
CREATE INDEX "LedgerEntry_shopDomain_id_idx" ON "LedgerEntry"("shopDomain", "id");

