-- CreateTable
CREATE TABLE "ProxyRateLimit" (
    "shopDomain" TEXT NOT NULL,
    "customerGid" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "windowStart" DATETIME NOT NULL,
    "count" INTEGER NOT NULL,

    PRIMARY KEY ("shopDomain", "customerGid", "action"),
    CONSTRAINT "ProxyRateLimit_shopDomain_fkey" FOREIGN KEY ("shopDomain") REFERENCES "Shop" ("domain") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_LoyaltyProgram" (
    "shopDomain" TEXT NOT NULL PRIMARY KEY,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "settings" TEXT NOT NULL,
    "salt" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "metafieldRevision" INTEGER NOT NULL DEFAULT 1,
    "metafieldStale" BOOLEAN NOT NULL DEFAULT true,
    "metafieldLeaseUntil" DATETIME,
    "metafieldAttempts" INTEGER NOT NULL DEFAULT 0,
    "metafieldError" TEXT,
    "metafieldSyncedAt" DATETIME,
    CONSTRAINT "LoyaltyProgram_shopDomain_fkey" FOREIGN KEY ("shopDomain") REFERENCES "Shop" ("domain") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_LoyaltyProgram" ("createdAt", "enabled", "salt", "settings", "shopDomain", "updatedAt") SELECT "createdAt", "enabled", "salt", "settings", "shopDomain", "updatedAt" FROM "LoyaltyProgram";
DROP TABLE "LoyaltyProgram";
ALTER TABLE "new_LoyaltyProgram" RENAME TO "LoyaltyProgram";
CREATE INDEX "LoyaltyProgram_metafieldStale_idx" ON "LoyaltyProgram"("metafieldStale");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "ProxyRateLimit_windowStart_idx" ON "ProxyRateLimit"("windowStart");

