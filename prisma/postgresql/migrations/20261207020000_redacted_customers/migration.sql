-- CreateTable
CREATE TABLE "RedactedCustomer" (
    "shopDomain" TEXT NOT NULL,
    "digest" TEXT NOT NULL,
    "pseudonym" TEXT NOT NULL,
    "redactedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RedactedCustomer_pkey" PRIMARY KEY ("shopDomain","digest")
);

-- AddForeignKey
ALTER TABLE "RedactedCustomer" ADD CONSTRAINT "RedactedCustomer_shopDomain_fkey" FOREIGN KEY ("shopDomain") REFERENCES "Shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;
