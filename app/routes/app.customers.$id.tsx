// One customer: profile and predictions, orders, points, ledger, tier history, active codes, and a
// manual points adjustment with a reason.
import { randomUUID } from "node:crypto";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData, useNavigation } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  DataTable,
  InlineStack,
  Layout,
  Link,
  Page,
  Pagination,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { requireShop } from "../auth.server";
import { readFormData } from "../platform/http/body.server";
import { NextOrder, SegmentBadge } from "../components/customers-common";
import { useToast } from "../components/toast";
import { parseAdjustment } from "../customers/adjustment";
import { adjustCustomerPoints, customerPage, type AdjustResult } from "../customers/customer.server";
import { customerGidParam } from "../loyalty/admin.server";
import { campaignsOfCustomer } from "../campaigns/campaigns.server";
import { useFormat } from "../i18n/use-format";
import { pageTitle } from "../i18n/meta";
import { customerAnswers } from "../feedback/answers.server";
import { CustomerFeedback } from "../components/customer-feedback";
export { PageErrorBoundary as ErrorBoundary } from "../components/page-error";

/** The ledger shows its newest entries; the member API has all of them. */
const LEDGER_SHOWN = 50;

const pageParam = (value: string | null) => (value && /^[1-9]\d{0,5}$/.test(value) ? Number(value) : 1);

export const meta = pageTitle((t, data) => {
  const { customer } = data as { customer: { name: string | null; number: string } };
  return `${customer.name ?? t("customers:customerNumber", { number: customer.number })} · ${t("nav.customers")}`;
});

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const gid = customerGidParam(params.id);
  const page = gid && (await customerPage(shop, gid, pageParam(new URL(request.url).searchParams.get("orders"))));
  if (!page) throw new Response("No such customer", { status: 404 });
  const [campaigns, feedback] = await Promise.all([campaignsOfCustomer(shop, gid), customerAnswers(shop, gid)]);
  // A fresh id per load: a double submit of one form posts the same id and is recorded once.
  return { ...page, campaigns, feedback, requestId: randomUUID() };
};

export const action = async ({ request, params }: ActionFunctionArgs): Promise<AdjustResult> => {
  const { shop, user } = await requireShop(request);
  const gid = customerGidParam(params.id);
  if (!gid) throw new Response("No such customer", { status: 404 });
  const form = await readFormData(request);
  const parsed = parseAdjustment({ points: form.get("points"), reason: form.get("reason"), requestId: form.get("requestId") });
  if (!parsed.ok) return { ok: false, errors: parsed.errors };
  if (!user) return { ok: false, errors: { form: "noStaff" } };
  const confirmShortfall = form.get("confirmShortfall") === "yes";
  const result = await adjustCustomerPoints(shop, user, {
    customerGid: gid,
    points: parsed.points,
    reason: parsed.reason,
    requestId: parsed.requestId,
    confirmShortfall,
  });
  if (!result) throw new Response("No such customer", { status: 404 });
  return result;
};

type Data = ReturnType<typeof useLoaderData<typeof loader>>;

export default function CustomerPage() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation("customers");
  const { customer } = data;
  return (
    <Page
      title={customer.name ?? t("customerNumber", { number: customer.number })}
      subtitle={customer.email && customer.email !== customer.name ? customer.email : undefined}
      backAction={{ content: t("title"), url: "/app/customers" }}
      secondaryActions={
        customer.adminUrl
          ? [{ content: t("customer.openInAdmin"), url: customer.adminUrl, target: "_top", id: "customer-admin-link" }]
          : []
      }
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Orders data={data} />
            <Ledger data={data} />
            <TierHistory data={data} />
            <CustomerFeedback answers={data.feedback} timezone={data.shop.timezone} />
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <Profile data={data} />
            <Points data={data} />
            <Campaigns data={data} />
            <Adjustment data={data} />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

function Campaigns({ data }: { data: Data }) {
  const { t } = useTranslation("campaigns");
  const format = useFormat();
  const { campaigns, shop } = data;
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          {t("customer.title")}
        </Text>
        {campaigns.length === 0 ? (
          <Text as="p" tone="subdued">
            {t("customer.none")}
          </Text>
        ) : (
          <BlockStack as="ul" gap="200">
            {campaigns.map((campaign) => (
              <li key={campaign.campaignId} className="campaign-of-customer">
                <BlockStack gap="050">
                  <Link url={`/app/campaigns/${campaign.campaignId}`}>{campaign.name}</Link>
                  <Text as="span" tone="subdued">
                    {t("customer.group", { group: campaign.arm ?? t("detail.control") })} ·{" "}
                    {t("customer.entered", { date: format.dateTime(campaign.enteredAt, shop.timezone) })}
                  </Text>
                  <Text as="span">
                    {campaign.converted
                      ? `${t("customer.converted")} · ${format.money(campaign.netRevenue, shop.currency)}`
                      : t("customer.notConverted")}
                  </Text>
                </BlockStack>
              </li>
            ))}
          </BlockStack>
        )}
      </BlockStack>
    </Card>
  );
}

function Field({ label, children, id }: { label: string; children: React.ReactNode; id?: string }) {
  return (
    <InlineStack align="space-between" gap="200" wrap={false}>
      <Text as="span" tone="subdued">
        {label}
      </Text>
      <Text as="span" alignment="end" id={id}>
        {children}
      </Text>
    </InlineStack>
  );
}

function Profile({ data }: { data: Data }) {
  const { t } = useTranslation("customers");
  const format = useFormat();
  const { customer, shop } = data;
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          {t("customer.profile")}
        </Text>
        <Field label={t("customer.email")}>{customer.email ?? t("customer.noEmail")}</Field>
        <Field label={t("customer.firstSeen")}>
          {customer.firstSeenAt ? format.dateTime(customer.firstSeenAt, shop.timezone) : t("noValue")}
        </Field>
        <Field label={t("customer.lastOrder")}>{customer.lastOrder ? format.day(customer.lastOrder) : t("noValue")}</Field>
        <Field label={t("customer.orders")} id="customer-orders-count">
          {format.number(customer.orders)}
        </Field>
        <Field label={t("customer.nextOrder")} id="customer-next-order">
          <NextOrder due={customer.nextOrderDue} overdueDays={customer.overdueDays} />
        </Field>
        <Field label={t("customer.netSpend")} id="customer-net-spend">
          {format.money(customer.netSpend, shop.currency)}
        </Field>
        <Field label={t("customer.segment")}>
          <SegmentBadge segment={customer.segment} />
        </Field>
        <Field label={t("customer.pAlive")} id="customer-p-alive">
          {customer.pAlive === null ? t("noValue") : format.percent(customer.pAlive * 100, 0)}
        </Field>
        <Field label={t("customer.predictedClv")} id="customer-clv">
          {customer.predictedClv === null ? t("noValue") : format.money(customer.predictedClv, shop.currency)}
        </Field>
        {customer.orders > 0 && customer.pAlive === null && (
          <Text as="p" variant="bodySm" tone="subdued">
            {t("customer.noPrediction")}
          </Text>
        )}
      </BlockStack>
    </Card>
  );
}

const STATUS_TONES: Record<string, "critical" | "warning" | "success" | undefined> = {
  cancelled: "critical",
  refunded: "warning",
  partially_refunded: "warning",
  paid: "success",
};

function Orders({ data }: { data: Data }) {
  const { t } = useTranslation("customers");
  const format = useFormat();
  const navigation = useNavigation();
  const { customer, orders, shop } = data;
  const loading = navigation.state === "loading" && navigation.location.search.includes("orders=");
  const pageUrl = (page: number) => `?orders=${page}`;
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between">
          <Text as="h2" variant="headingMd">
            {t("customer.ordersTitle")}
          </Text>
          <Text as="span" tone="subdued" id="customer-orders-summary">
            {t("customer.ordersCount", { count: customer.orders, total: format.number(customer.orders) })}
            {orders.uncounted > 0 &&
              ` ${t("customer.ordersUncounted", { count: orders.uncounted, total: format.number(orders.uncounted) })}`}
          </Text>
        </InlineStack>
        {orders.total === 0 ? (
          <Text as="p" tone="subdued">
            {t("customer.noOrders")}
          </Text>
        ) : (
          <div id="customer-orders" style={{ opacity: loading ? 0.5 : 1 }}>
            <DataTable
              columnContentTypes={["text", "text", "text", "numeric", "numeric"]}
              headings={[t("customer.order"), t("customer.date"), t("customer.status"), t("customer.total"), t("customer.net")]}
              rows={orders.rows.map((order) => [
                order.adminUrl ? (
                  <Link
                    key="order"
                    url={order.adminUrl}
                    target="_top"
                    accessibilityLabel={t("customer.orderInAdmin", { name: order.name })}
                  >
                    {order.name}
                  </Link>
                ) : (
                  order.name
                ),
                order.processedAt ? format.dateTime(order.processedAt, shop.timezone) : t("noValue"),
                <InlineStack gap="100" key="status">
                  <Badge tone={STATUS_TONES[order.status]}>
                    {t(`orderStatus.${order.status}`, { defaultValue: order.status })}
                  </Badge>
                  {order.test && <Badge>{t("customer.test")}</Badge>}
                </InlineStack>,
                format.money(order.total, shop.currency),
                format.money(order.net, shop.currency),
              ])}
            />
          </div>
        )}
        {orders.pages > 1 && (
          <InlineStack align="center">
            <Pagination
              hasPrevious={orders.page > 1}
              // Polaris renders a link without href (an axe violation) for a disabled URL; give one only when the page exists.
              previousURL={orders.page > 1 ? pageUrl(orders.page - 1) : undefined}
              hasNext={orders.page < orders.pages}
              nextURL={orders.page < orders.pages ? pageUrl(orders.page + 1) : undefined}
              label={t("page", { page: format.number(orders.page), pages: format.number(orders.pages) })}
            />
          </InlineStack>
        )}
      </BlockStack>
    </Card>
  );
}

function Points({ data }: { data: Data }) {
  const { t } = useTranslation("customers");
  const format = useFormat();
  const { member, program, shop } = data;
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          {t("customer.points")}
        </Text>
        {!program ? (
          <Text as="p" tone="subdued">
            {t("customer.noProgram")}
          </Text>
        ) : !member ? (
          <Text as="p" tone="subdued">
            {t("customer.notMember")}
          </Text>
        ) : member.heldOut ? (
          <Banner tone="info">{t("customer.heldOutBody")}</Banner>
        ) : (
          <>
            <Field label={t("customer.available")} id="points-available">
              {format.number(member.balance.available)}
            </Field>
            <Field label={t("customer.pending")} id="points-pending">
              {format.number(member.balance.pending)}
            </Field>
            <Field label={t("customer.tier")} id="points-tier">
              {member.tier
                ? `${member.tier.name}${member.tier.since ? ` · ${t("customer.tierSince", { date: format.dateTime(member.tier.since, shop.timezone) })}` : ""}`
                : t("customer.noTier")}
            </Field>
            <Text as="p" variant="bodySm" tone="subdued">
              {t("customer.enrolled", { date: format.dateTime(member.enrolledAt, shop.timezone) })}
            </Text>
            <Text as="h3" variant="headingSm">
              {t("customer.codes")}
            </Text>
            {member.codes.length === 0 ? (
              <Text as="p" tone="subdued">
                {t("customer.codesEmpty")}
              </Text>
            ) : (
              member.codes.map((code) => (
                <Text as="p" key={code.code}>
                  {t("customer.codeLine", {
                    count: code.points,
                    code: code.code,
                    points: format.number(code.points),
                    date: format.dateTime(code.expiresAt, shop.timezone),
                  })}
                </Text>
              ))
            )}
          </>
        )}
      </BlockStack>
    </Card>
  );
}

function Ledger({ data }: { data: Data }) {
  const { t } = useTranslation("customers");
  const format = useFormat();
  const { member, shop } = data;
  if (!member || member.heldOut) return null;
  const shown = member.ledger.slice(0, LEDGER_SHOWN);
  const signed = (points: number) => (points > 0 ? `+${format.number(points)}` : format.number(points));
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between">
          <Text as="h2" variant="headingMd">
            {t("customer.ledger")}
          </Text>
          {member.ledger.length > LEDGER_SHOWN && (
            <Text as="span" tone="subdued">
              {t("customer.ledgerShown", { shown: format.number(LEDGER_SHOWN), total: format.number(member.ledger.length) })}
            </Text>
          )}
        </InlineStack>
        {shown.length === 0 ? (
          <Text as="p" tone="subdued">
            {t("customer.ledgerEmpty")}
          </Text>
        ) : (
          <div id="customer-ledger">
            <DataTable
              columnContentTypes={["text", "text", "numeric", "text", "text"]}
              headings={[
                t("customer.entryDate"),
                t("customer.entryType"),
                t("customer.entryPoints"),
                t("customer.entryReason"),
                t("customer.entryAvailable"),
              ]}
              rows={shown.map((entry) => [
                format.dateTime(entry.createdAt, shop.timezone),
                t(`entryTypes.${entry.type}`),
                signed(entry.points),
                <BlockStack key="reason" gap="050">
                  <Text as="span">{reasonText(entry, t)}</Text>
                  {entry.actor && (
                    <Text as="span" variant="bodySm" tone="subdued">
                      {t("customer.by", { actor: entry.actor })}
                    </Text>
                  )}
                  {entry.shortfall > 0 && (
                    <Text as="span" variant="bodySm" tone="subdued">
                      {t("customer.shortfall", { total: format.number(entry.shortfall) })}
                    </Text>
                  )}
                </BlockStack>,
                entry.pending ? (
                  <InlineStack key="available" gap="100">
                    <Badge tone="attention">{t("customer.pendingBadge")}</Badge>
                    <Text as="span">{format.dateTime(entry.availableAt, shop.timezone)}</Text>
                  </InlineStack>
                ) : (
                  format.dateTime(entry.availableAt, shop.timezone)
                ),
              ])}
            />
          </div>
        )}
      </BlockStack>
    </Card>
  );
}

function TierHistory({ data }: { data: Data }) {
  const { t } = useTranslation("customers");
  const format = useFormat();
  const { member, shop } = data;
  if (!member || member.heldOut) return null;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {t("customer.tierHistory")}
        </Text>
        {member.tierChanges.length === 0 ? (
          <Text as="p" tone="subdued">
            {t("customer.tierHistoryEmpty")}
          </Text>
        ) : (
          <div id="customer-tier-history">
            <DataTable
              columnContentTypes={["text", "text", "text"]}
              headings={[t("customer.entryDate"), t("customer.entryType"), t("customer.tier")]}
              rows={member.tierChanges.map((change) => [
                format.dateTime(change.at, shop.timezone),
                t(`tierKinds.${change.kind}`, { defaultValue: change.kind }),
                t("customer.tierChange", { from: change.from ?? t("customer.none"), to: change.to ?? t("customer.none") }),
              ])}
            />
          </div>
        )}
      </BlockStack>
    </Card>
  );
}

function Adjustment({ data }: { data: Data }) {
  const { t } = useTranslation("customers");
  const format = useFormat();
  const toast = useToast();
  const fetcher = useFetcher<typeof action>();
  const [points, setPoints] = useState("");
  const [reason, setReason] = useState("");
  const [cancelled, setCancelled] = useState<unknown>(null);
  const result = fetcher.data;
  useEffect(() => {
    if (fetcher.state !== "idle" || !result?.ok) return;
    toast(t("adjust.done", { count: result.points, points: format.number(result.points) }));
    setPoints("");
    setReason("");
  }, [fetcher.state, result]); // eslint-disable-line react-hooks/exhaustive-deps
  if (!data.program || data.member?.heldOut) return null;
  const errors = result && !result.ok && "errors" in result ? result.errors : {};
  // A deduction beyond the available balance, refused until the merchant confirms it (the same request id).
  // Editing the points withdraws the question.
  const confirm = result && !result.ok && "confirm" in result && result !== cancelled ? result.confirm : null;
  const confirmDeduction = () =>
    fetcher.submit(
      { points: String(confirm!.points), reason, requestId: data.requestId, confirmShortfall: "yes" },
      { method: "post" },
    );
  const message = (code: string | undefined) => (code ? t(`adjust.errors.${code}`) : undefined);
  return (
    <Card>
      <fetcher.Form method="post">
        <BlockStack gap="300">
          <Text as="h2" variant="headingMd">
            {t("adjust.title")}
          </Text>
          {(errors.form || errors.requestId) && <Banner tone="critical">{message(errors.form ?? errors.requestId)}</Banner>}
          {confirm && (
            <Banner
              tone="warning"
              title={t("adjust.confirmTitle", { count: confirm.available, available: format.number(confirm.available) })}
              action={{ content: t("adjust.confirm"), onAction: confirmDeduction, loading: fetcher.state !== "idle" }}
              secondaryAction={{ content: t("common:actions.cancel"), onAction: () => setCancelled(result) }}
            >
              {t("adjust.confirmBody", {
                count: -confirm.points,
                points: format.number(-confirm.points),
                available: format.number(confirm.available),
                shortfall: format.number(-confirm.points - confirm.available),
              })}
            </Banner>
          )}
          <input type="hidden" name="requestId" value={data.requestId} />
          <TextField
            label={t("adjust.points")}
            name="points"
            type="number"
            value={points}
            autoComplete="off"
            onChange={(value) => {
              setPoints(value);
              setCancelled(result);
            }}
            helpText={t("adjust.pointsHelp")}
            error={message(errors.points)}
          />
          <TextField
            label={t("adjust.reason")}
            name="reason"
            value={reason}
            onChange={setReason}
            autoComplete="off"
            maxLength={200}
            helpText={t("adjust.reasonHelp")}
            error={message(errors.reason)}
          />
          <Box>
            <Button submit variant="primary" loading={fetcher.state !== "idle"}>
              {t("adjust.submit")}
            </Button>
          </Box>
        </BlockStack>
      </fetcher.Form>
    </Card>
  );
}

/**
 * The app's own ledger reasons are English words stored with the entry; they are shown in the
 * merchant's language. A staff member's reason and a reward's name are shown as written.
 */
function reasonText(
  entry: { source: string; reason: string },
  t: (key: string, options?: Record<string, unknown>) => string,
): string {
  if (entry.source === "manual" || entry.source === "reward" || entry.source === "campaign") return entry.reason;
  const inactive = /^no activity for (\d+) months$/.exec(entry.reason);
  if (inactive) return t("systemReasons.inactivity", { count: Number(inactive[1]), months: inactive[1] });
  return t(`systemReasons.${entry.reason}`, { defaultValue: entry.reason });
}
