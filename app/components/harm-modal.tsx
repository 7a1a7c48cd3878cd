// The question before a save that takes something away from shoppers (app/loyalty/harm.ts): what
// each change takes, in the shop's numbers, and what stays. Cancel saves nothing.
import { BlockStack, List, Modal, Text } from "@shopify/polaris";
import { useTranslation } from "react-i18next";
import { useFormat } from "../i18n/use-format";
import type { HarmImpact } from "../loyalty/harm";

export function HarmModal({
  impact,
  saving,
  confirmLabel,
  onConfirm,
  onCancel,
}: {
  /** null: closed. */
  impact: HarmImpact[] | null;
  saving: boolean;
  /** What the confirm button does; "Save anyway" unless given. */
  confirmLabel?: string;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation("loyalty");
  return (
    <Modal
      open={impact !== null}
      onClose={onCancel}
      title={t("harm.title")}
      primaryAction={{ content: confirmLabel ?? t("harm.confirm"), destructive: true, loading: saving, onAction: onConfirm }}
      secondaryActions={[{ content: t("harm.cancel"), onAction: onCancel, disabled: saving }]}
    >
      {impact?.map((harm) => (
        <Modal.Section key={harm.key}>
          <div id={`harm-${harm.kind}`} data-key={harm.key}>
            <HarmSection harm={harm} />
          </div>
        </Modal.Section>
      ))}
    </Modal>
  );
}

function HarmSection({ harm }: { harm: HarmImpact }) {
  const { t } = useTranslation("loyalty");
  const format = useFormat();
  const members = (count: number) => t("harm.members", { count, n: format.number(count) });
  const points = (count: number) => t("harm.points", { count, n: format.number(count) });
  const codes = (count: number, lastOn: string | null) =>
    t("harm.codes", { count, n: format.number(count), day: lastOn ? format.day(lastOn) : "" });

  if (harm.kind === "programOff") {
    return (
      <BlockStack gap="200">
        <Text as="h3" variant="headingSm">
          {t("harm.programOff.title")}
        </Text>
        <Text as="p">
          {harm.members === 0
            ? t("harm.programOff.noPoints")
            : t("harm.programOff.held", {
                count: harm.members,
                members: members(harm.members),
                points: points(harm.points),
              })}{" "}
          {harm.pendingPoints > 0 && t("harm.programOff.pending", { points: points(harm.pendingPoints) })}
        </Text>
        <List>
          <List.Item>{t("harm.programOff.noRedeeming")}</List.Item>
          <List.Item>{t("harm.programOff.noEarning")}</List.Item>
          <List.Item>{t(`harm.programOff.expiry.${harm.expiryMode}`)}</List.Item>
          <List.Item>{t("harm.programOff.tiers")}</List.Item>
          <List.Item>{codes(harm.validCodes, harm.lastCodeEndsOn)}</List.Item>
        </List>
      </BlockStack>
    );
  }
  if (harm.kind === "tierRemoved") {
    return (
      <BlockStack gap="200">
        <Text as="h3" variant="headingSm">
          {t("harm.tier.title", { name: harm.name })}
        </Text>
        <Text as="p">
          {harm.members === 0
            ? t("harm.tier.nobody")
            : t("harm.tier.members", { count: harm.members, members: members(harm.members) })}
        </Text>
        {harm.members > 0 && (
          <List>
            {harm.moves.map((move) => (
              <List.Item key={move.tier ?? ""}>
                {move.tier === null
                  ? t("harm.tier.toNone", { members: members(move.members) })
                  : t("harm.tier.to", { members: members(move.members), tier: move.tier })}
              </List.Item>
            ))}
          </List>
        )}
      </BlockStack>
    );
  }
  return (
    <BlockStack gap="200">
      <Text as="h3" variant="headingSm">
        {t("harm.reward.title", { name: harm.name })}
      </Text>
      <Text as="p">{t("harm.reward.gone")}</Text>
      <Text as="p">{codes(harm.validCodes, harm.lastCodeEndsOn)}</Text>
    </BlockStack>
  );
}
