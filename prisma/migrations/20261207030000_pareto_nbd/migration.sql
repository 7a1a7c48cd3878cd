-- AlterTable
ALTER TABLE "PurchaseModelFit" ADD COLUMN "model" TEXT NOT NULL DEFAULT 'bgnbd';
ALTER TABLE "PurchaseModelFit" ADD COLUMN "paretoNbd" TEXT;
ALTER TABLE "PurchaseModelFit" ADD COLUMN "backtest" TEXT;
