-- CreateTable
CREATE TABLE "PurchaseModelFit" (
    "shopDomain" TEXT NOT NULL PRIMARY KEY,
    "fittedAt" DATETIME NOT NULL,
    "asOfDay" INTEGER NOT NULL,
    "customers" INTEGER NOT NULL,
    "bgNbd" TEXT,
    "gammaGamma" TEXT,
    "stable" BOOLEAN NOT NULL,
    "reasons" TEXT NOT NULL,
    "summary" TEXT,
    "seconds" REAL NOT NULL,
    CONSTRAINT "PurchaseModelFit_shopDomain_fkey" FOREIGN KEY ("shopDomain") REFERENCES "Shop" ("domain") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "MetricsSnapshot" (
    "shopDomain" TEXT NOT NULL PRIMARY KEY,
    "key" TEXT NOT NULL,
    "seenUntil" DATETIME NOT NULL,
    "orders" INTEGER NOT NULL,
    "data" BLOB NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "MetricsSnapshot_shopDomain_fkey" FOREIGN KEY ("shopDomain") REFERENCES "Shop" ("domain") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Shop" (
    "domain" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT,
    "currency" TEXT NOT NULL DEFAULT 'USD',
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "installState" TEXT NOT NULL DEFAULT 'installed',
    "installedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uninstalledAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "lookbackDays" INTEGER NOT NULL DEFAULT 365
);
INSERT INTO "new_Shop" ("createdAt", "currency", "domain", "installState", "installedAt", "name", "timezone", "uninstalledAt", "updatedAt") SELECT "createdAt", "currency", "domain", "installState", "installedAt", "name", "timezone", "uninstalledAt", "updatedAt" FROM "Shop";
DROP TABLE "Shop";
ALTER TABLE "new_Shop" RENAME TO "Shop";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "Order_shopDomain_updatedAt_idx" ON "Order"("shopDomain", "updatedAt");

