-- AlterTable
ALTER TABLE "Cashback" ADD COLUMN     "leaseUntil" TIMESTAMP(3);
