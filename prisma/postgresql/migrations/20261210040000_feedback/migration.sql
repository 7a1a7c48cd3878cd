-- CreateTable
CREATE TABLE "FeedbackSettings" (
    "shopDomain" TEXT NOT NULL,
    "settings" TEXT NOT NULL,
    "enabledAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "FeedbackSettings_pkey" PRIMARY KEY ("shopDomain")
);

-- CreateTable
CREATE TABLE "OrderFulfillment" (
    "shopDomain" TEXT NOT NULL,
    "orderGid" TEXT NOT NULL,
    "fulfilledAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OrderFulfillment_pkey" PRIMARY KEY ("shopDomain","orderGid")
);

-- CreateTable
CREATE TABLE "FeedbackAnswer" (
    "id" SERIAL NOT NULL,
    "shopDomain" TEXT NOT NULL,
    "orderGid" TEXT NOT NULL,
    "customerGid" TEXT NOT NULL,
    "nps" INTEGER,
    "csat" INTEGER,
    "ces" INTEGER,
    "comment" TEXT,
    "surface" TEXT NOT NULL,
    "locale" TEXT NOT NULL,
    "firstAnsweredAt" TIMESTAMP(3) NOT NULL,
    "answeredAt" TIMESTAMP(3) NOT NULL,
    "points" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "FeedbackAnswer_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "FeedbackAnswer_shopDomain_customerGid_idx" ON "FeedbackAnswer"("shopDomain", "customerGid");

-- CreateIndex
CREATE INDEX "FeedbackAnswer_shopDomain_firstAnsweredAt_idx" ON "FeedbackAnswer"("shopDomain", "firstAnsweredAt");

-- CreateIndex
CREATE UNIQUE INDEX "FeedbackAnswer_shopDomain_orderGid_key" ON "FeedbackAnswer"("shopDomain", "orderGid");

-- AddForeignKey
ALTER TABLE "FeedbackSettings" ADD CONSTRAINT "FeedbackSettings_shopDomain_fkey" FOREIGN KEY ("shopDomain") REFERENCES "Shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrderFulfillment" ADD CONSTRAINT "OrderFulfillment_shopDomain_fkey" FOREIGN KEY ("shopDomain") REFERENCES "Shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FeedbackAnswer" ADD CONSTRAINT "FeedbackAnswer_shopDomain_fkey" FOREIGN KEY ("shopDomain") REFERENCES "Shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

