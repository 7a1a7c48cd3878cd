// customer-account.page.render: the loyalty program's own page in the customer's account.
import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { host } from "./host";
import { call, loadPanel, type Entry, type HistoryPage, type Member, type Panel, type Program, type ShopperOffer } from "./api";
import { Birthday } from "./Birthday";
import { SurveyPrompt } from "./Survey";
import { Referral } from "./Referral";
import { date, money, points, saysOffer, t } from "./text";

export default async () => {
  render(<LoyaltyPage />, document.body);
};

type Load = { state: "loading" } | { state: "failed" } | { state: "loaded"; panel: Panel };

function LoyaltyPage() {
  const [load, setLoad] = useState<Load>({ state: "loading" });
  const reload = async () => {
    const { status, body } = await loadPanel().catch(() => ({ status: 0, body: null }));
    setLoad(status === 200 && body ? { state: "loaded", panel: body } : { state: "failed" });
  };
  useEffect(() => void reload(), []);

  if (load.state === "loading") {
    return (
      <s-page heading={t("page_title")}>
        <s-section>
          <s-spinner accessibilityLabel={t("loading")} />
        </s-section>
      </s-page>
    );
  }
  if (load.state === "failed") {
    return (
      <s-page heading={t("page_title")}>
        <s-banner tone="critical" heading={t("load_error")}>
          <s-button onClick={() => void reload()}>{t("retry")}</s-button>
        </s-banner>
      </s-page>
    );
  }
  const { program, member, offer, survey } = load.panel;
  if (!member) return <s-page heading={t("page_title")}>{offer && <Offer offer={offer} program={program} />}</s-page>;
  return (
    <s-page heading={t("page_title")}>
      <s-stack gap="base">
        {!program.enabled && <s-banner tone="info" heading={t("program_paused")} />}
        {member.heldOut && <s-banner tone="info" heading={t("held_out")} />}
        {offer && <Offer offer={offer} program={program} />}
        <SurveyPrompt survey={survey} />
        <Balance program={program} member={member} />
        <TierProgress program={program} member={member} />
        <Codes member={member} />
        {program.enabled && !member.heldOut && <Rewards program={program} member={member} onRedeemed={reload} />}
        <WaysToEarn program={program} member={member} onChanged={reload} />
        {load.panel.referrals && !member.heldOut && <Referral />}
        <Activity member={member} />
      </s-stack>
    </s-page>
  );
}

interface Standing {
  program: Program;
  member: Member;
}

function Balance({ program, member }: Standing) {
  const { available, pending } = member.balance;
  return (
    <s-section heading={points(available)}>
      <s-stack gap="small-200">
        <s-text>{t("available")}</s-text>
        {pending > 0 && <s-text color="subdued">{t("pending", { points: points(pending) })}</s-text>}
        {program.pendingDays > 0 && <s-text color="subdued">{t("pending_note", { days: program.pendingDays })}</s-text>}
      </s-stack>
    </s-section>
  );
}

function TierProgress({ program, member }: Standing) {
  if (program.tiers.length === 0) return null;
  const { nextTier } = member;
  const { metric, window } = program.tierBasis;
  const missing = (remaining: string) => (metric === "points" ? points(Number(remaining)) : money(remaining, program));
  return (
    <s-section heading={t("tier_heading")}>
      <s-stack gap="small-200">
        <s-text type="strong">{member.tier ? t("tier", { name: member.tier.name }) : t("tier_none")}</s-text>
        {nextTier ? (
          <>
            <s-progress value={nextTier.progressPercent} max={100} accessibilityLabel={t("progress", { name: nextTier.name })} />
            <s-text>{t("next_tier", { missing: missing(nextTier.remaining), name: nextTier.name })}</s-text>
          </>
        ) : (
          <s-text>{t("tier_top")}</s-text>
        )}
        <s-text color="subdued">{t(`basis_${metric}_${window}`)}</s-text>
      </s-stack>
    </s-section>
  );
}

/** A win-back campaign's offer, while it lasts. */
function Offer({ offer, program }: { offer: ShopperOffer; program: Program }) {
  const what =
    offer.kind === "points"
      ? points(offer.points ?? 0)
      : offer.kind === "message"
        ? offer.name
        : rewardDetails({ ...offer, id: "", pointsCost: 0, validDays: 0 } as unknown as Program["rewards"][number], program);
  return (
    <s-section heading={t("offer_heading")}>
      <s-stack gap="small-300">
        <s-text>{what}</s-text>
        {offer.code && <s-text type="strong">{offer.code}</s-text>}
        <s-text color="subdued">{t("code_expires", { date: date(offer.expiresAt) })}</s-text>
      </s-stack>
    </s-section>
  );
}

function Codes({ member }: { member: Member }) {
  if (member.codes.length === 0) return null;
  return (
    <s-section heading={t("codes_heading")}>
      <s-stack gap="base">
        {member.codes.map((code) => (
          <s-stack key={code.code} gap="small-300">
            {code.rewardName && <s-text>{code.rewardName}</s-text>}
            <s-text type="strong">{code.code}</s-text>
            <s-text color="subdued">{t("code_expires", { date: date(code.expiresAt) })}</s-text>
          </s-stack>
        ))}
      </s-stack>
    </s-section>
  );
}

function rewardDetails(reward: Program["rewards"][number], program: Program): string {
  const what =
    reward.kind === "fixed_amount" && reward.value
      ? t("reward_fixed_amount", { amount: money(reward.value, program) })
      : reward.kind === "percentage" && reward.percent
        ? t("reward_percentage", { percent: host().i18n.formatNumber(reward.percent / 100, { style: "percent" }) })
        : reward.kind === "free_shipping"
          ? t("reward_free_shipping")
          : // Store credit rewards (the store-credit work): an amount credited to the customer's account.
            (reward.kind as string) === "store_credit" && reward.value
            ? t("reward_store_credit", { amount: money(reward.value, program) })
            : "";
  const minimum = reward.minimumOrder ? t("reward_minimum", { amount: money(reward.minimumOrder, program) }) : "";
  // A name that already says the offer ("$10 off") is not followed by it again, as on the storefront.
  return [saysOffer(reward.name, what) ? "" : what, minimum].filter(Boolean).join(", ");
}

type Outcome = { tone: "success" | "info" | "critical"; text: string };

const REDEEM_ERRORS: Record<string, string> = {
  not_enough_points: "error_not_enough",
  unknown_reward: "error_gone",
  shopify_refused: "error_refused",
  rate_limited: "error_busy",
  held_out: "held_out",
  program_not_running: "program_paused",
};

function Rewards({ program, member, onRedeemed }: Standing & { onRedeemed: () => Promise<void> }) {
  const [busy, setBusy] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  if (program.rewards.length === 0) return null;

  const redeem = async (rewardId: string) => {
    setBusy(rewardId);
    setOutcome(null);
    // One key per click: a retried request is the same redemption (app/storefront/answers.ts).
    const answer = await call<{ status: string; code: string | null; creditAmount?: string | null }>("redeem", {
      rewardId,
      clientKey: crypto.randomUUID(),
    }).catch(() => null);
    setBusy(null);
    if (answer?.status === 200 && answer.body.creditAmount) {
      setOutcome({ tone: "success", text: t("credited") });
    } else if (answer?.status === 200 && answer.body.code) {
      setOutcome({ tone: "success", text: t("issued", { code: answer.body.code }) });
    } else if (answer?.status === 202) {
      setOutcome({ tone: "info", text: t("pending_code") });
    } else {
      setOutcome({ tone: "critical", text: t(REDEEM_ERRORS[answer?.body.error ?? ""] ?? "error_generic") });
    }
    await onRedeemed();
  };

  return (
    <s-section heading={t("rewards_heading")}>
      <s-stack gap="base">
        {outcome && <s-banner tone={outcome.tone} heading={outcome.text} />}
        {program.rewards.map((reward) => {
          const short = reward.pointsCost - member.balance.available;
          const details = rewardDetails(reward, program);
          return (
            <s-stack key={reward.id} direction="inline" gap="base" justifyContent="space-between" alignItems="center">
              <s-stack gap="small-300">
                <s-text type="strong">{reward.name}</s-text>
                {reward.description && <s-text>{reward.description}</s-text>}
                {details && <s-text>{details}</s-text>}
                <s-text color="subdued">{points(reward.pointsCost)}</s-text>
              </s-stack>
              {short > 0 ? (
                <s-text color="subdued">{t("need_more", { points: points(short) })}</s-text>
              ) : (
                <s-button
                  loading={busy === reward.id}
                  disabled={busy !== null}
                  accessibilityLabel={`${t("redeem")}: ${reward.name}`}
                  onClick={() => void redeem(reward.id)}
                >
                  {t("redeem")}
                </s-button>
              )}
            </s-stack>
          );
        })}
      </s-stack>
    </s-section>
  );
}

const BONUS_TEXT: Record<string, string> = {
  first_order: "bonus_first_order",
  signup: "bonus_signup",
  newsletter: "bonus_newsletter",
  birthday: "bonus_birthday",
};

function WaysToEarn({ program, member, onChanged }: Standing & { onChanged: () => Promise<void> }) {
  const { purchase, bonuses } = program;
  if (!purchase && bonuses.length === 0) return null;
  return (
    <s-section heading={t("earn_heading")}>
      <s-stack gap="base">
        <s-unordered-list>
          {purchase && (
            <s-list-item>
              {t("earn_purchase", { points: points(purchase.points), amount: money(purchase.perAmount, program) })}
            </s-list-item>
          )}
          {bonuses.map((bonus) => (
            <s-list-item key={bonus.ruleId}>
              {`${bonus.name ?? (BONUS_TEXT[bonus.kind] ? t(BONUS_TEXT[bonus.kind]) : bonus.kind)}: ${points(bonus.points)}`}
            </s-list-item>
          ))}
        </s-unordered-list>
        {bonuses.some((bonus) => bonus.kind === "birthday") && program.enabled && (
          <Birthday birthday={member.birthday} onSaved={onChanged} />
        )}
      </s-stack>
    </s-section>
  );
}

const ENTRY_TEXT: Record<Entry["type"], string> = {
  earn: "type_earn",
  redeem: "type_redeem",
  expire: "type_expire",
  adjust: "type_adjust",
  void: "type_void",
  deduct: "type_deduct",
};

function Activity({ member }: { member: Member }) {
  const [entries, setEntries] = useState<Entry[]>(member.activity);
  // null: the panel's first entries are shown and the history's first page is next.
  const [cursor, setCursor] = useState<string | null>(null);
  const [more, setMore] = useState(member.activity.length > 0);
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    setEntries(member.activity);
    setCursor(null);
    setMore(member.activity.length > 0);
  }, [member]);

  const showMore = async () => {
    setBusy(true);
    const answer = await call<HistoryPage>(cursor ? `history?before=${encodeURIComponent(cursor)}` : "history").catch(() => null);
    setBusy(false);
    setFailed(answer?.status !== 200);
    if (answer?.status !== 200) return;
    // The first page starts where the panel's entries start: it replaces them.
    setEntries((shown) => (cursor ? [...shown, ...answer.body.entries] : answer.body.entries));
    setCursor(answer.body.nextCursor);
    setMore(answer.body.nextCursor !== null);
  };

  const now = Date.now();
  return (
    <s-section heading={t("activity_heading")}>
      <s-stack gap="base">
        {entries.length === 0 && <s-text color="subdued">{t("activity_empty")}</s-text>}
        {entries.map((entry, index) => (
          <s-stack key={`${entry.createdAt}-${index}`} direction="inline" gap="base" justifyContent="space-between">
            <s-stack gap="small-300">
              <s-text>{entry.reason && entry.type === "adjust" ? entry.reason : t(ENTRY_TEXT[entry.type])}</s-text>
              <s-text color="subdued">
                {date(entry.createdAt)}
                {new Date(entry.availableAt).getTime() > now && ` · ${t("pending_until", { date: date(entry.availableAt) })}`}
              </s-text>
            </s-stack>
            <s-text type="strong">{`${entry.points > 0 ? "+" : ""}${host().i18n.formatNumber(entry.points)}`}</s-text>
          </s-stack>
        ))}
        {failed && <s-text tone="critical">{t("error_generic")}</s-text>}
        {more && (
          <s-button variant="secondary" loading={busy} onClick={() => void showMore()}>
            {t("activity_more")}
          </s-button>
        )}
      </s-stack>
    </s-section>
  );
}
