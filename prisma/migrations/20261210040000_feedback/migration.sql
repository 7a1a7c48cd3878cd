-- CreateTable
CREATE TABLE "FeedbackSettings" (
    "shopDomain" TEXT NOT NULL PRIMARY KEY,
    "settings" TEXT NOT NULL,
    "enabledAt" DATETIME,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "FeedbackSettings_shopDomain_fkey" FOREIGN KEY ("shopDomain") REFERENCES "Shop" ("domain") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "OrderFulfillment" (
    "shopDomain" TEXT NOT NULL,
    "orderGid" TEXT NOT NULL,
    "fulfilledAt" DATETIME NOT NULL,

    PRIMARY KEY ("shopDomain", "orderGid"),
    CONSTRAINT "OrderFulfillment_shopDomain_fkey" FOREIGN KEY ("shopDomain") REFERENCES "Shop" ("domain") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "FeedbackAnswer" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shopDomain" TEXT NOT NULL,
    "orderGid" TEXT NOT NULL,
    "customerGid" TEXT NOT NULL,
    "nps" INTEGER,
    "csat" INTEGER,
    "ces" INTEGER,
    "comment" TEXT,
    "surface" TEXT NOT NULL,
    "locale" TEXT NOT NULL,
    "firstAnsweredAt" DATETIME NOT NULL,
    "answeredAt" DATETIME NOT NULL,
    "points" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "FeedbackAnswer_shopDomain_fkey" FOREIGN KEY ("shopDomain") REFERENCES "Shop" ("domain") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "FeedbackAnswer_shopDomain_customerGid_idx" ON "FeedbackAnswer"("shopDomain", "customerGid");

-- CreateIndex
CREATE INDEX "FeedbackAnswer_shopDomain_firstAnsweredAt_idx" ON "FeedbackAnswer"("shopDomain", "firstAnsweredAt");

-- CreateIndex
CREATE UNIQUE INDEX "FeedbackAnswer_shopDomain_orderGid_key" ON "FeedbackAnswer"("shopDomain", "orderGid");

