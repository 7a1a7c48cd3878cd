// The customer's referral link on their account page: what a friend gets, what they get, and ways
// to share it. Shown once the app answers with a link (referrals on, the customer not held out).
import { useEffect, useState } from "preact/hooks";
import { call, type Share } from "./api";
import { money, t } from "./text";
import { host } from "./host";

export function Referral() {
  const [share, setShare] = useState<Share | null>(null);
  useEffect(() => {
    call<Share>("referral")
      .then(({ status, body }) => status === 200 && setShare(body))
      .catch(() => {});
  }, []);
  if (!share) return null;
  const { friend } = share;
  const discount =
    friend.kind === "percentage"
      ? host().i18n.formatNumber(friend.percent / 100, { style: "percent" })
      : money(friend.value, share);
  const message = t("referral_message", { discount, url: share.url });
  const reward = share.referrerReward;
  const intro =
    reward.kind === "points"
      ? t("referral_intro", { discount, points: reward.points })
      : t(reward.kind === "store_credit" ? "referral_intro_credit" : "referral_intro_code", {
          discount,
          amount: money(reward.value, share),
        });
  return (
    <s-section heading={t("referral_heading")}>
      <s-stack gap="small-200">
        <s-text>{intro}</s-text>
        <s-text color="subdued">{t("referral_link")}</s-text>
        <s-text type="strong">{share.url}</s-text>
        <s-stack direction="inline" gap="base">
          <s-link href={`mailto:?subject=${encodeURIComponent(t("referral_subject"))}&body=${encodeURIComponent(message)}`}>
            {t("referral_email")}
          </s-link>
          <s-link href={`https://wa.me/?text=${encodeURIComponent(message)}`}>{t("referral_whatsapp")}</s-link>
        </s-stack>
        {(share.referred > 0 || share.waiting > 0) && (
          <s-text color="subdued">{t("referral_stats", { referred: share.referred, waiting: share.waiting })}</s-text>
        )}
      </s-stack>
    </s-section>
  );
}
