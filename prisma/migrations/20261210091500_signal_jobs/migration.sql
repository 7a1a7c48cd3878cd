-- RedefineTables: customer signal writes become jobs of the job system (decision 21, decision 30).
-- A row is a job: it gets a single key for the claim (the customer stays unique per shop) and the
-- job's lease, attempts and last error. The queue finds shops and claims rows in id order through
-- ("needsWrite", "shopDomain", "id"). Rows waiting for their write keep needsWrite and are claimed
-- as they are.
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_CustomerSignal" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shopDomain" TEXT NOT NULL,
    "customerGid" TEXT NOT NULL,
    "churnBand" TEXT,
    "metafields" TEXT,
    "offer" TEXT,
    "writtenMetafields" TEXT,
    "needsWrite" BOOLEAN NOT NULL DEFAULT false,
    "leaseUntil" DATETIME,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_CustomerSignal" ("churnBand", "customerGid", "metafields", "needsWrite", "offer", "shopDomain", "updatedAt", "writtenMetafields") SELECT "churnBand", "customerGid", "metafields", "needsWrite", "offer", "shopDomain", "updatedAt", "writtenMetafields" FROM "CustomerSignal";
DROP TABLE "CustomerSignal";
ALTER TABLE "new_CustomerSignal" RENAME TO "CustomerSignal";
CREATE INDEX "CustomerSignal_needsWrite_shopDomain_id_idx" ON "CustomerSignal"("needsWrite", "shopDomain", "id");
CREATE UNIQUE INDEX "CustomerSignal_shopDomain_customerGid_key" ON "CustomerSignal"("shopDomain", "customerGid");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
