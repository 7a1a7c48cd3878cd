-- AlterTable: the job system's columns for abandoned redemptions (decision 21). Redemption's own
-- "attempts" and "error" count and explain the shopper's tries.
ALTER TABLE "Redemption" ADD COLUMN     "leaseUntil" TIMESTAMP(3),
ADD COLUMN     "recoveryAttempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "recoveryError" TEXT;

-- CreateIndex
CREATE INDEX "Redemption_status_updatedAt_idx" ON "Redemption"("status", "updatedAt");

-- CreateIndex: the queues of one kind of task (reviews, metafield writes) find their shops without
-- reading the other kinds' rows.
CREATE INDEX "LoyaltyTask_kind_shopDomain_id_idx" ON "LoyaltyTask"("kind", "shopDomain", "id");

-- Members waiting for their metafields become tasks of the metafields queue.
INSERT INTO "LoyaltyTask" ("shopDomain", "kind", "key", "createdAt")
SELECT "shopDomain", 'metafields', "customerGid", CURRENT_TIMESTAMP FROM "LoyaltyMember" WHERE "needsSync"
ON CONFLICT ("shopDomain", "kind", "key") DO NOTHING;
