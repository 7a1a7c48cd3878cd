// How the storefront widget will describe the program to shoppers, from the settings being edited.
import { BlockStack, Card, List, Select, Text } from "@shopify/polaris";
import { useTranslation } from "react-i18next";
import type { PreviewText, StorefrontPreview } from "../loyalty/storefront-preview";
import { useLanguageName } from "./loyalty-settings";

/**
 * `languages`: the languages rewards have texts in besides the primary one; `language` the one the
 * rewards' names and descriptions are previewed in (null: the primary language).
 */
export function LoyaltyPreview({
  preview,
  languages,
  language,
  onLanguage,
}: {
  preview: StorefrontPreview;
  languages: readonly string[];
  language: string | null;
  onLanguage: (language: string | null) => void;
}) {
  const { t } = useTranslation("loyalty");
  const languageName = useLanguageName();
  const text = ({ key, values }: PreviewText) => t(key, values);
  return (
    <Card>
      <BlockStack gap="400" id="storefront-preview">
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            {t("preview.title")}
          </Text>
          <Text as="p" variant="bodySm" tone="subdued">
            {t("preview.help")}
          </Text>
        </BlockStack>
        <BlockStack gap="200">
          <Text as="h3" variant="headingSm">
            {t("preview.earnTitle")}
          </Text>
          {preview.earn.length ? (
            <List>
              {preview.earn.map((item) => (
                <List.Item key={item.key + text(item)}>{text(item)}</List.Item>
              ))}
            </List>
          ) : (
            <Text as="p" tone="subdued">
              {t("preview.earnNone")}
            </Text>
          )}
        </BlockStack>
        <BlockStack gap="200">
          <Text as="h3" variant="headingSm">
            {t("preview.rewardsTitle")}
          </Text>
          {languages.length > 0 && (
            <Select
              label={t("preview.language")}
              options={[
                { value: "", label: t("preview.primaryLanguage") },
                ...languages.map((code) => ({ value: code, label: languageName(code) })),
              ]}
              value={language ?? ""}
              onChange={(value) => onLanguage(value || null)}
            />
          )}
          {preview.rewards.length ? (
            <List>
              {preview.rewards.map((reward, index) => (
                <List.Item key={index}>
                  <Text as="span" fontWeight="semibold">
                    {t("preview.reward.title", { name: reward.name, cost: text(reward.cost) })}
                  </Text>
                  {reward.description && (
                    <>
                      <br />
                      {reward.description}
                    </>
                  )}
                  <br />
                  {[text(reward.offer), ...reward.conditions.map(text)].join(" · ")}
                </List.Item>
              ))}
            </List>
          ) : (
            <Text as="p" tone="subdued">
              {t("preview.rewardsNone")}
            </Text>
          )}
        </BlockStack>
        {preview.tiers.length > 0 && preview.tierWindow && (
          <BlockStack gap="200">
            <Text as="h3" variant="headingSm">
              {t("preview.tiersTitle")}
            </Text>
            <List>
              {preview.tiers.map((tier, index) => (
                <List.Item key={index}>
                  {[
                    t("preview.tier.title", { name: tier.name, threshold: text(tier.threshold) }),
                    tier.multiplier && text(tier.multiplier),
                  ]
                    .filter(Boolean)
                    .join(" · ")}
                </List.Item>
              ))}
            </List>
            <Text as="p" variant="bodySm">
              {text(preview.tierWindow)}
            </Text>
          </BlockStack>
        )}
        {preview.notes.length > 0 && (
          <BlockStack gap="100">
            {preview.notes.map((note) => (
              <Text as="p" variant="bodySm" key={note.key}>
                {text(note)}
              </Text>
            ))}
          </BlockStack>
        )}
      </BlockStack>
    </Card>
  );
}
