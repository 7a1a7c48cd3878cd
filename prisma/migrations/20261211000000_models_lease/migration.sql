-- AlterTable: a shop's model refit and customer signals run on one instance at a time (issue 12).
ALTER TABLE "Shop" ADD COLUMN "modelsLeaseUntil" DATETIME;
