// The formatters of app/i18n/format.ts bound to the merchant's language, for components.
import { useMemo } from "react";
import { useAppLocale } from "../root";
import { formatApproximateMoney, formatDateTime, formatDay, formatMoney, formatNumber, formatPercent } from "./format";

export function useFormat() {
  const locale = useAppLocale();
  return useMemo(
    () => ({
      locale,
      money: (minor: bigint | string | number, currency: string) => formatMoney(minor, currency, locale),
      /** A forecast's amount, to three significant digits. */
      approximateMoney: (minor: number, currency: string) => formatApproximateMoney(minor, currency, locale),
      number: (value: number | bigint, fractionDigits = 0) => formatNumber(value, locale, fractionDigits),
      /** Always `fractionDigits` decimals: 1.30, not 1.3, so figures of one kind line up. */
      decimal: (value: number, fractionDigits: number) => formatNumber(value, locale, fractionDigits, fractionDigits),
      percent: (percent: number, fractionDigits = 1) => formatPercent(percent, locale, fractionDigits),
      dateTime: (iso: string | Date, timeZone: string) => formatDateTime(iso, timeZone, locale),
      day: (day: string) => formatDay(day, locale),
    }),
    [locale],
  );
}
