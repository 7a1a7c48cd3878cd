// customer-account.order-status.block.render: what this order earned, pending until when, or
// taken back after a refund or cancellation.
import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { host } from "./host";
import { call, type OrderPoints } from "./api";
import { date, t } from "./text";

export default async () => {
  render(<OrderBlock />, document.body);
};

function OrderBlock() {
  const orderGid = host().order?.value?.id;
  const [points, setPoints] = useState<OrderPoints | null>(null);
  useEffect(() => {
    if (!orderGid) return;
    call<OrderPoints>(`order?id=${encodeURIComponent(orderGid)}`)
      .then(({ status, body }) => status === 200 && setPoints(body))
      .catch(() => undefined);
  }, [orderGid]);
  if (!points || points.status === "none") return null;
  const kept = points.earned - points.reversed;
  return (
    <s-section heading={t("page_title")}>
      <s-stack gap="small-200">
        {points.status === "reversed" ? (
          <s-text>{t("order_reversed")}</s-text>
        ) : (
          <>
            <s-text type="strong">{t("order_earned", { count: points.earned })}</s-text>
            {points.reversed > 0 && <s-text>{t("order_partly_reversed", { count: points.reversed })}</s-text>}
            {points.pendingUntil && kept > 0 && (
              <s-text color="subdued">{t("order_pending", { date: date(points.pendingUntil) })}</s-text>
            )}
          </>
        )}
      </s-stack>
    </s-section>
  );
}
