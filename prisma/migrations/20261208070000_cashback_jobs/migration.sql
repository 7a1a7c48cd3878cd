-- AlterTable
ALTER TABLE "Cashback" ADD COLUMN "leaseUntil" DATETIME;
