// The sections of the program settings page. Each edits its part of the ProgramForm (text as the
// merchant types it) and shows the messages for its fields next to them.
import {
  BlockStack,
  Button,
  Card,
  Checkbox,
  FormLayout,
  InlineGrid,
  InlineStack,
  Select,
  Tag,
  Text,
  TextField,
} from "@shopify/polaris";
import { useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { useFormat } from "../i18n/use-format";
import { parseMoney } from "../loyalty/decimal-input";
import { localeKey } from "../loyalty/reward-texts";
import {
  FIXED_BONUSES,
  REWARD_KINDS,
  newCustomRule,
  newReward,
  newTier,
  type ProgramForm,
  type RewardForm,
  type TierForm,
} from "../loyalty/program-form";

export interface SectionProps {
  form: ProgramForm;
  onChange: (next: ProgramForm) => void;
  /** The translated message for a field of the form, if it has one. */
  errorOf: (field: string) => string | undefined;
  currency: string;
}

const replaceAt = <T,>(list: readonly T[], index: number, item: T) => list.map((old, i) => (i === index ? item : old));
const removeAt = <T,>(list: readonly T[], index: number) => list.filter((_, i) => i !== index);

function Section({ id, title, help, children }: { id: string; title: string; help?: string; children: ReactNode }) {
  return (
    <Card>
      <BlockStack gap="400" id={id}>
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            {title}
          </Text>
          {help && (
            <Text as="p" tone="subdued">
              {help}
            </Text>
          )}
        </BlockStack>
        {children}
      </BlockStack>
    </Card>
  );
}

/** A whole number of points, days or months. */
function CountField({
  label,
  value,
  onChange,
  error,
  helpText,
  suffix,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string;
  helpText?: string;
  suffix?: string;
}) {
  return (
    <TextField
      label={label}
      value={value}
      onChange={onChange}
      error={error}
      helpText={helpText}
      suffix={suffix}
      autoComplete="off"
      inputMode="numeric"
    />
  );
}

/** An amount of the shop currency as typed, shown back formatted once it reads. */
function MoneyField({
  label,
  value,
  onChange,
  error,
  currency,
  helpText,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string;
  currency: string;
  helpText?: string;
}) {
  const { t } = useTranslation("loyalty");
  const format = useFormat();
  const read = parseMoney(value, currency, format.locale);
  const shown = read.ok ? t("settings.moneyReadsAs", { amount: format.money(read.value, currency) }) : undefined;
  return (
    <TextField
      label={label}
      value={value}
      onChange={onChange}
      error={error}
      suffix={currency}
      helpText={[shown, helpText].filter(Boolean).join(" · ") || undefined}
      autoComplete="off"
      inputMode="decimal"
    />
  );
}

export function StatusSection({ form, onChange }: SectionProps) {
  const { t } = useTranslation("loyalty");
  return (
    <Section id="section-status" title={t("settings.status.title")}>
      <Checkbox
        label={t("settings.status.enabled")}
        helpText={t("settings.status.enabledHelp")}
        checked={form.enabled}
        onChange={(enabled) => onChange({ ...form, enabled })}
      />
    </Section>
  );
}

export function EarningSection({ form, onChange, errorOf, currency }: SectionProps) {
  const { t } = useTranslation("loyalty");
  const { purchase } = form;
  const base = form.settings.purchaseBase;
  const setPurchase = (patch: Partial<ProgramForm["purchase"]>) => onChange({ ...form, purchase: { ...purchase, ...patch } });
  const setBase = (patch: Partial<typeof base>) =>
    onChange({ ...form, settings: { ...form.settings, purchaseBase: { ...base, ...patch } } });
  return (
    <Section id="section-earning" title={t("settings.earning.title")} help={t("settings.earning.help")}>
      <Checkbox label={t("settings.earning.purchaseOn")} checked={purchase.on} onChange={(on) => setPurchase({ on })} />
      {purchase.on && (
        <FormLayout>
          <FormLayout.Group>
            <CountField
              label={t("fields.purchase.points")}
              value={purchase.points}
              onChange={(points) => setPurchase({ points })}
              error={errorOf("purchase.points")}
            />
            <MoneyField
              label={t("fields.purchase.perAmount")}
              value={purchase.perAmount}
              onChange={(perAmount) => setPurchase({ perAmount })}
              error={errorOf("purchase.perAmount")}
              currency={currency}
            />
          </FormLayout.Group>
          <BlockStack gap="100">
            <Text as="h3" variant="headingSm">
              {t("settings.earning.baseTitle")}
            </Text>
            <Checkbox
              label={t("settings.earning.includeShipping")}
              checked={base.includeShipping}
              onChange={(includeShipping) => setBase({ includeShipping })}
            />
            <Checkbox
              label={t("settings.earning.includeTax")}
              checked={base.includeTax}
              onChange={(includeTax) => setBase({ includeTax })}
            />
            <Checkbox
              label={t("settings.earning.beforeDiscounts")}
              helpText={t("settings.earning.beforeDiscountsHelp")}
              checked={!base.discountsReduce}
              onChange={(beforeDiscounts) => setBase({ discountsReduce: !beforeDiscounts })}
            />
          </BlockStack>
        </FormLayout>
      )}
    </Section>
  );
}

export function BonusSection({ form, onChange, errorOf }: SectionProps) {
  const { t } = useTranslation("loyalty");
  const setBonus = (kind: (typeof FIXED_BONUSES)[number], patch: Partial<ProgramForm["bonuses"][typeof kind]>) =>
    onChange({ ...form, bonuses: { ...form.bonuses, [kind]: { ...form.bonuses[kind], ...patch } } });
  const setCustom = (index: number, patch: Partial<ProgramForm["custom"][number]>) =>
    onChange({ ...form, custom: replaceAt(form.custom, index, { ...form.custom[index]!, ...patch }) });
  return (
    <Section id="section-bonuses" title={t("settings.bonuses.title")} help={t("settings.bonuses.help")}>
      {FIXED_BONUSES.map((kind) => (
        <InlineGrid key={kind} columns={{ xs: 1, sm: "2fr 1fr" }} gap="300" alignItems="center">
          <Checkbox
            label={t(`settings.bonuses.${kind}`)}
            checked={form.bonuses[kind].on}
            onChange={(on) => setBonus(kind, { on })}
          />
          {form.bonuses[kind].on && (
            <CountField
              label={t(`fields.bonuses.${kind}.points`)}
              value={form.bonuses[kind].points}
              onChange={(points) => setBonus(kind, { points })}
              error={errorOf(`bonuses.${kind}.points`)}
              suffix={t("settings.pointsUnit")}
            />
          )}
        </InlineGrid>
      ))}
      <Text as="h3" variant="headingSm">
        {t("settings.bonuses.customTitle")}
      </Text>
      {form.custom.map((rule, index) => (
        <InlineGrid key={rule.id} columns={{ xs: 1, sm: "2fr 1fr auto" }} gap="300" alignItems="start">
          <TextField
            label={t("fields.custom.name")}
            value={rule.name}
            onChange={(name) => setCustom(index, { name })}
            error={errorOf(`custom[${index}].name`)}
            placeholder={t("settings.bonuses.customPlaceholder")}
            autoComplete="off"
          />
          <CountField
            label={t("fields.custom.points")}
            value={rule.points}
            onChange={(points) => setCustom(index, { points })}
            error={errorOf(`custom[${index}].points`)}
            suffix={t("settings.pointsUnit")}
          />
          <div style={{ paddingTop: 24 }}>
            <Button
              variant="tertiary"
              tone="critical"
              onClick={() => onChange({ ...form, custom: removeAt(form.custom, index) })}
            >
              {t("settings.remove")}
            </Button>
          </div>
        </InlineGrid>
      ))}
      <InlineStack>
        <Button onClick={() => onChange({ ...form, custom: [...form.custom, newCustomRule()] })}>
          {t("settings.bonuses.addCustom")}
        </Button>
      </InlineStack>
    </Section>
  );
}

export function PointsLifeSection({ form, onChange, errorOf }: SectionProps) {
  const { t } = useTranslation("loyalty");
  const { settings } = form;
  const setSettings = (patch: Partial<ProgramForm["settings"]>) => onChange({ ...form, settings: { ...settings, ...patch } });
  return (
    <Section id="section-points" title={t("settings.points.title")}>
      <FormLayout>
        <CountField
          label={t("fields.settings.pendingDays")}
          value={settings.pendingDays}
          onChange={(pendingDays) => setSettings({ pendingDays })}
          error={errorOf("settings.pendingDays")}
          helpText={t("settings.points.pendingHelp")}
          suffix={t("settings.daysUnit")}
        />
        <FormLayout.Group>
          <Select
            label={t("fields.settings.expiry.mode")}
            options={(["never", "inactivity", "batch"] as const).map((mode) => ({
              value: mode,
              label: t(`settings.points.expiry.${mode}`),
            }))}
            value={settings.expiry.mode}
            onChange={(mode) =>
              setSettings({ expiry: { ...settings.expiry, mode: mode as ProgramForm["settings"]["expiry"]["mode"] } })
            }
            error={errorOf("settings.expiry.mode")}
          />
          {settings.expiry.mode !== "never" && (
            <CountField
              label={t("fields.settings.expiry.months")}
              value={settings.expiry.months}
              onChange={(months) => setSettings({ expiry: { ...settings.expiry, months } })}
              error={errorOf("settings.expiry.months")}
              helpText={t(`settings.points.expiryHelp.${settings.expiry.mode}`)}
              suffix={t("settings.monthsUnit")}
            />
          )}
        </FormLayout.Group>
      </FormLayout>
    </Section>
  );
}

export function TiersSection({ form, onChange, errorOf, currency }: SectionProps) {
  const { t } = useTranslation("loyalty");
  const { settings } = form;
  const spend = settings.tierBasis.metric === "spend";
  const setTier = (index: number, patch: Partial<TierForm>) =>
    onChange({ ...form, tiers: replaceAt(form.tiers, index, { ...form.tiers[index]!, ...patch }) });
  const setSettings = (patch: Partial<ProgramForm["settings"]>) => onChange({ ...form, settings: { ...settings, ...patch } });
  return (
    <Section id="section-tiers" title={t("settings.tiers.title")} help={t("settings.tiers.help")}>
      <FormLayout>
        <FormLayout.Group>
          <Select
            label={t("fields.settings.tierBasis.metric")}
            options={(["points", "spend"] as const).map((metric) => ({
              value: metric,
              label: t(`settings.tiers.metric.${metric}`),
            }))}
            value={settings.tierBasis.metric}
            onChange={(metric) => setSettings({ tierBasis: { ...settings.tierBasis, metric: metric as "points" | "spend" } })}
          />
          <Select
            label={t("fields.settings.tierBasis.window")}
            options={(["lifetime", "calendar_year", "rolling_12_months"] as const).map((window) => ({
              value: window,
              label: t(`settings.tiers.window.${window}`),
            }))}
            value={settings.tierBasis.window}
            onChange={(window) =>
              setSettings({
                tierBasis: { ...settings.tierBasis, window: window as ProgramForm["settings"]["tierBasis"]["window"] },
              })
            }
          />
        </FormLayout.Group>
        <CountField
          label={t("fields.settings.tierRetentionMonths")}
          value={settings.tierRetentionMonths}
          onChange={(tierRetentionMonths) => setSettings({ tierRetentionMonths })}
          error={errorOf("settings.tierRetentionMonths")}
          helpText={t("settings.tiers.retentionHelp")}
          suffix={t("settings.monthsUnit")}
        />
        <Checkbox
          label={t("fields.settings.tierTag")}
          helpText={t("settings.tiers.tagHelp")}
          checked={settings.tierTag}
          onChange={(tierTag) => setSettings({ tierTag })}
        />
      </FormLayout>
      {form.tiers.map((tier, index) => (
        <BlockStack key={tier.id} gap="200" id={`tier-${index}`}>
          <InlineStack align="space-between" blockAlign="center">
            <Text as="h3" variant="headingSm">
              {t("fields.item.tiers", { n: index + 1 })}
            </Text>
            <Button variant="tertiary" tone="critical" onClick={() => onChange({ ...form, tiers: removeAt(form.tiers, index) })}>
              {t("settings.remove")}
            </Button>
          </InlineStack>
          <InlineGrid columns={{ xs: 1, sm: 4 }} gap="300">
            <TextField
              label={t("fields.tiers.name")}
              value={tier.name}
              onChange={(name) => setTier(index, { name })}
              error={errorOf(`tiers[${index}].name`)}
              autoComplete="off"
            />
            {spend ? (
              <MoneyField
                label={t("fields.tiers.thresholdSpend")}
                value={tier.threshold}
                onChange={(threshold) => setTier(index, { threshold })}
                error={errorOf(`tiers[${index}].threshold`)}
                currency={currency}
              />
            ) : (
              <CountField
                label={t("fields.tiers.threshold")}
                value={tier.threshold}
                onChange={(threshold) => setTier(index, { threshold })}
                error={errorOf(`tiers[${index}].threshold`)}
                suffix={t("settings.pointsUnit")}
              />
            )}
            <TextField
              label={t("fields.tiers.multiplierBasisPoints")}
              value={tier.multiplier}
              onChange={(multiplier) => setTier(index, { multiplier })}
              error={errorOf(`tiers[${index}].multiplierBasisPoints`)}
              prefix="×"
              helpText={t("settings.tiers.multiplierHelp")}
              autoComplete="off"
              inputMode="decimal"
            />
            <TextField
              label={t("fields.tiers.cashbackBasisPoints")}
              value={tier.cashback}
              onChange={(cashback) => setTier(index, { cashback })}
              error={errorOf(`tiers[${index}].cashbackBasisPoints`)}
              suffix="%"
              helpText={t("settings.tiers.cashbackHelp")}
              autoComplete="off"
              inputMode="decimal"
            />
          </InlineGrid>
        </BlockStack>
      ))}
      <InlineStack>
        <Button onClick={() => onChange({ ...form, tiers: [...form.tiers, newTier()] })}>{t("settings.tiers.add")}</Button>
      </InlineStack>
    </Section>
  );
}

/** A language's name in the admin's language ("fr" reads "French"); the code itself when Intl does not know it. */
export function useLanguageName() {
  const { i18n } = useTranslation();
  return (code: string) => {
    try {
      return new Intl.DisplayNames([i18n.language], { type: "language" }).of(code) ?? code;
    } catch {
      return code;
    }
  };
}

/** The languages besides the primary one that rewards have texts in: one list for all rewards. */
function RewardLanguages({ form, onChange, errorOf }: Omit<SectionProps, "currency">) {
  const { t } = useTranslation("loyalty");
  const languageName = useLanguageName();
  const [typed, setTyped] = useState("");
  const [problem, setProblem] = useState<string | undefined>();
  const key = localeKey(typed);
  const add = () => {
    if (key === null) return setProblem(t("errors.locale"));
    if (form.languages.includes(key)) return setProblem(t("errors.duplicateId"));
    onChange({ ...form, languages: [...form.languages, key] });
    setTyped("");
    setProblem(undefined);
  };
  const remove = (language: string) =>
    onChange({
      ...form,
      languages: form.languages.filter((other) => other !== language),
      rewards: form.rewards.map((reward) => {
        const { [language]: _removed, ...translations } = reward.translations;
        return { ...reward, translations };
      }),
    });
  const listErrors = [errorOf("languages"), ...form.languages.map((_, index) => errorOf(`languages[${index}]`))].filter(Boolean);
  return (
    <BlockStack gap="200">
      <BlockStack gap="100">
        <Text as="h3" variant="headingSm">
          {t("settings.rewards.languages.title")}
        </Text>
        <Text as="p" tone="subdued">
          {t("settings.rewards.languages.help")}
        </Text>
      </BlockStack>
      {form.languages.length > 0 && (
        <InlineStack gap="200">
          {form.languages.map((language) => (
            <Tag
              key={language}
              onRemove={() => remove(language)}
              accessibilityLabel={t("settings.rewards.languages.remove", { language: languageName(language) })}
            >
              {`${languageName(language)} (${language})`}
            </Tag>
          ))}
        </InlineStack>
      )}
      {listErrors.length > 0 && (
        <Text as="p" tone="critical">
          {listErrors.join(" ")}
        </Text>
      )}
      <InlineStack gap="200" blockAlign="end">
        <TextField
          label={t("settings.rewards.languages.code")}
          value={typed}
          onChange={(value) => {
            setTyped(value);
            setProblem(undefined);
          }}
          error={problem}
          helpText={
            key
              ? t("settings.rewards.languages.reads", { language: languageName(key) })
              : t("settings.rewards.languages.codeHelp")
          }
          autoComplete="off"
          connectedRight={<Button onClick={add}>{t("settings.rewards.languages.add")}</Button>}
        />
      </InlineStack>
    </BlockStack>
  );
}

export function RewardsSection({ form, onChange, errorOf, currency }: SectionProps) {
  const { t } = useTranslation("loyalty");
  const languageName = useLanguageName();
  const setReward = (index: number, patch: Partial<RewardForm>) =>
    onChange({ ...form, rewards: replaceAt(form.rewards, index, { ...form.rewards[index]!, ...patch }) });
  const setTranslation = (index: number, language: string, patch: Partial<RewardForm["translations"][string]>) => {
    const reward = form.rewards[index]!;
    const current = reward.translations[language] ?? { name: "", description: "" };
    setReward(index, { translations: { ...reward.translations, [language]: { ...current, ...patch } } });
  };
  return (
    <Section id="section-rewards" title={t("settings.rewards.title")} help={t("settings.rewards.help")}>
      {form.rewards.map((reward, index) => {
        const at = `rewards[${index}]`;
        return (
          <BlockStack key={reward.id} gap="200" id={`reward-${index}`}>
            <InlineStack align="space-between" blockAlign="center">
              <Text as="h3" variant="headingSm">
                {t("fields.item.rewards", { n: index + 1 })}
              </Text>
              <Button
                variant="tertiary"
                tone="critical"
                onClick={() => onChange({ ...form, rewards: removeAt(form.rewards, index) })}
              >
                {t("settings.remove")}
              </Button>
            </InlineStack>
            <InlineGrid columns={{ xs: 1, sm: 4 }} gap="300">
              <TextField
                label={t("fields.rewards.name")}
                value={reward.name}
                onChange={(name) => setReward(index, { name })}
                error={errorOf(`${at}.name`)}
                autoComplete="off"
              />
              <Select
                label={t("fields.rewards.kind")}
                options={REWARD_KINDS.map((kind) => ({ value: kind, label: t(`settings.rewards.kind.${kind}`) }))}
                value={reward.kind}
                onChange={(kind) => setReward(index, { kind: kind as RewardForm["kind"] })}
              />
              {(reward.kind === "fixed_amount" || reward.kind === "store_credit") && (
                <MoneyField
                  label={t(reward.kind === "store_credit" ? "settings.rewards.creditValue" : "fields.rewards.value")}
                  value={reward.value}
                  onChange={(value) => setReward(index, { value })}
                  error={errorOf(`${at}.value`)}
                  currency={currency}
                />
              )}
              {reward.kind === "percentage" && (
                <CountField
                  label={t("fields.rewards.percent")}
                  value={reward.percent}
                  onChange={(percent) => setReward(index, { percent })}
                  error={errorOf(`${at}.percent`)}
                  suffix="%"
                />
              )}
              {reward.kind === "free_shipping" && <span />}
              <CountField
                label={t("fields.rewards.pointsCost")}
                value={reward.pointsCost}
                onChange={(pointsCost) => setReward(index, { pointsCost })}
                error={errorOf(`${at}.pointsCost`)}
                suffix={t("settings.pointsUnit")}
              />
              {/* Store credit is spent at checkout like money: no minimum order. */}
              {reward.kind !== "store_credit" && (
                <MoneyField
                  label={t("fields.rewards.minimumOrder")}
                  value={reward.minimumOrder}
                  onChange={(minimumOrder) => setReward(index, { minimumOrder })}
                  error={errorOf(`${at}.minimumOrder`)}
                  currency={currency}
                  helpText={reward.minimumOrder.trim() === "" ? t("settings.rewards.noMinimum") : undefined}
                />
              )}
              <CountField
                label={t(reward.kind === "store_credit" ? "settings.rewards.creditDays" : "fields.rewards.validDays")}
                value={reward.validDays}
                onChange={(validDays) => setReward(index, { validDays })}
                error={errorOf(`${at}.validDays`)}
                suffix={t("settings.daysUnit")}
                helpText={reward.kind === "store_credit" ? t("settings.rewards.creditDaysHelp") : undefined}
              />
            </InlineGrid>
            <TextField
              label={t("fields.rewards.description")}
              value={reward.description}
              onChange={(description) => setReward(index, { description })}
              error={errorOf(`${at}.description`)}
              helpText={t("settings.rewards.descriptionHelp")}
              autoComplete="off"
            />
            {form.languages.map((language) => {
              const translated = reward.translations[language] ?? { name: "", description: "" };
              const field = `${at}.translations.${language}`;
              const named = { language: languageName(language) };
              return (
                <InlineGrid key={language} columns={{ xs: 1, sm: 2 }} gap="300">
                  <TextField
                    label={t("fields.rewards.translations.name", named)}
                    value={translated.name}
                    onChange={(name) => setTranslation(index, language, { name })}
                    error={errorOf(`${field}.name`) ?? errorOf(field)}
                    placeholder={reward.name}
                    autoComplete="off"
                  />
                  <TextField
                    label={t("fields.rewards.translations.description", named)}
                    value={translated.description}
                    onChange={(description) => setTranslation(index, language, { description })}
                    error={errorOf(`${field}.description`)}
                    placeholder={reward.description}
                    autoComplete="off"
                  />
                </InlineGrid>
              );
            })}
          </BlockStack>
        );
      })}
      <InlineStack>
        <Button onClick={() => onChange({ ...form, rewards: [...form.rewards, newReward()] })}>
          {t("settings.rewards.add")}
        </Button>
      </InlineStack>
      <RewardLanguages form={form} onChange={onChange} errorOf={errorOf} />
    </Section>
  );
}

export function HoldoutSection({ form, onChange, errorOf }: SectionProps) {
  const { t } = useTranslation("loyalty");
  return (
    <Section id="section-holdout" title={t("settings.holdout.title")} help={t("settings.holdout.help")}>
      <TextField
        label={t("fields.settings.holdoutPercent")}
        value={form.settings.holdoutPercent}
        onChange={(holdoutPercent) => onChange({ ...form, settings: { ...form.settings, holdoutPercent } })}
        error={errorOf("settings.holdoutPercent")}
        suffix="%"
        helpText={t("settings.holdout.fieldHelp")}
        autoComplete="off"
        inputMode="decimal"
      />
    </Section>
  );
}
