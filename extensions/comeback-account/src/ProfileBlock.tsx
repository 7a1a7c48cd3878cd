// customer-account.profile.block.render: points and tier at a glance, and the way to the page.
import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { loadPanel, type Panel } from "./api";
import { points, t } from "./text";

export default async () => {
  render(<ProfileBlock />, document.body);
};

function ProfileBlock() {
  const [panel, setPanel] = useState<Panel | null>(null);
  useEffect(() => {
    loadPanel()
      .then(({ status, body }) => status === 200 && setPanel(body))
      .catch(() => undefined);
  }, []);
  // Nothing to show before the answer, for a shop without the program, or a held-out customer.
  const member = panel?.member;
  if (!panel?.program.enabled || !member || member.heldOut) return null;
  return (
    <s-section heading={t("page_title")}>
      <s-stack gap="small-200">
        <s-text type="strong">{points(member.balance.available)}</s-text>
        {member.balance.pending > 0 && (
          <s-text color="subdued">{t("pending", { points: points(member.balance.pending) })}</s-text>
        )}
        {member.tier && <s-text>{t("tier", { name: member.tier.name })}</s-text>}
        <s-link href="extension://comeback-account">{t("profile_link")}</s-link>
      </s-stack>
    </s-section>
  );
}
