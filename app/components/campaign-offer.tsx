// A campaign arm's offer in the merchant's words ("15 % off, code valid 14 days").
import { useTranslation } from "react-i18next";
import { useFormat } from "../i18n/use-format";

export function useOfferText(currency: string) {
  const { t } = useTranslation("campaigns");
  const format = useFormat();
  return (offer: Record<string, unknown>) =>
    t(`offer.${String(offer.kind)}`, {
      points: offer.points,
      percent: offer.percent,
      days: offer.validDays,
      amount: typeof offer.value === "string" ? format.money(offer.value, currency) : "",
    });
}

export const STATUS_TONES = { draft: undefined, running: "success", finished: "info" } as const;
