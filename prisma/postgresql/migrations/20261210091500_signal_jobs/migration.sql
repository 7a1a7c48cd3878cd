-- Customer signal writes become jobs of the job system (decision 21, decision 30). A row is a job:
-- it gets a single key for the claim (the customer stays unique per shop) and the job's lease,
-- attempts and last error. The queue finds shops and claims rows in id order through
-- ("needsWrite", "shopDomain", "id"). Rows waiting for their write keep needsWrite and are claimed
-- as they are.

-- DropIndex
DROP INDEX "CustomerSignal_needsWrite_shopDomain_idx";

-- AlterTable
ALTER TABLE "CustomerSignal" DROP CONSTRAINT "CustomerSignal_pkey",
ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "id" SERIAL NOT NULL,
ADD COLUMN     "lastError" TEXT,
ADD COLUMN     "leaseUntil" TIMESTAMP(3),
ADD CONSTRAINT "CustomerSignal_pkey" PRIMARY KEY ("id");

-- CreateIndex
CREATE INDEX "CustomerSignal_needsWrite_shopDomain_id_idx" ON "CustomerSignal"("needsWrite", "shopDomain", "id");

-- CreateIndex
CREATE UNIQUE INDEX "CustomerSignal_shopDomain_customerGid_key" ON "CustomerSignal"("shopDomain", "customerGid");
