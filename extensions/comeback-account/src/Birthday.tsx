// The birthday a member gives once, for the birthday bonus: month and day only.
import { useState } from "preact/hooks";
import { call } from "./api";
import { host } from "./host";
import { t } from "./text";

const MONTH_DAY = /^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export function Birthday({ birthday, onSaved }: { birthday: string | null; onSaved: () => Promise<void> }) {
  const [value, setValue] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (birthday) {
    // A leap year, so that 29 February is a date; only month and day are shown.
    const day = new Date(`2000-${birthday}T12:00:00Z`);
    return <s-text>{t("birthday_set", { date: host().i18n.formatDate(day, { month: "long", day: "numeric" }) })}</s-text>;
  }
  const save = async () => {
    const text = value.trim();
    if (!MONTH_DAY.test(text)) return setError(t("birthday_invalid"));
    setBusy(true);
    const answer = await call("birthday", { birthday: text }).catch(() => null);
    setBusy(false);
    if (answer?.status !== 200) return setError(t(answer?.status === 400 ? "birthday_invalid" : "error_generic"));
    setError(null);
    await onSaved();
  };
  return (
    <s-stack gap="small-200">
      <s-text-field
        label={`${t("birthday_label")} (${t("birthday_placeholder")})`}
        value={value}
        error={error ?? undefined}
        onInput={(event) => setValue((event.currentTarget as HTMLInputElement).value)}
      />
      <s-text color="subdued">{t("birthday_hint")}</s-text>
      <s-button variant="secondary" loading={busy} onClick={() => void save()}>
        {t("birthday_save")}
      </s-button>
    </s-stack>
  );
}
