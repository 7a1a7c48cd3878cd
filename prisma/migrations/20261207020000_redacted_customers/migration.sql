-- CreateTable
CREATE TABLE "RedactedCustomer" (
    "shopDomain" TEXT NOT NULL,
    "digest" TEXT NOT NULL,
    "pseudonym" TEXT NOT NULL,
    "redactedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shopDomain", "digest"),
    CONSTRAINT "RedactedCustomer_shopDomain_fkey" FOREIGN KEY ("shopDomain") REFERENCES "Shop" ("domain") ON DELETE CASCADE ON UPDATE CASCADE
);
