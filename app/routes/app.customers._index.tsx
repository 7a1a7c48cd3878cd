// Customers: searchable, filterable, sortable and paged on the server; the URL carries the query.
import { data, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useNavigate, useNavigation } from "@remix-run/react";
import {
  Banner,
  Card,
  ChoiceList,
  EmptySearchResult,
  EmptyState,
  IndexFilters,
  IndexFiltersMode,
  IndexTable,
  Link,
  Page,
  Text,
  useSetIndexFiltersMode,
  type IndexFiltersProps,
} from "@shopify/polaris";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { requireShop } from "../auth.server";
import { downloadFile } from "../components/browser";
import { useKeptSearch } from "../components/kept-params";
import { CustomerSkeleton, NextOrder, SegmentBadge } from "../components/customers-common";
import { useToast } from "../components/toast";
import { listCustomers } from "../customers/list.server";
import {
  gidNumber,
  listQueryParams,
  ListQueryError,
  MEMBERSHIPS,
  parseListQuery,
  RISKS,
  SORT_KEYS,
  type ListQuery,
  type SortKey,
} from "../customers/list";
import { useFormat } from "../i18n/use-format";
import { SEGMENTS } from "../metrics/segments";
import { pageTitle } from "../i18n/meta";
export { PageErrorBoundary as ErrorBoundary } from "../components/page-error";

export const meta = pageTitle("nav.customers");

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  let query: ListQuery;
  try {
    query = parseListQuery(new URL(request.url).searchParams);
  } catch (error) {
    if (error instanceof ListQueryError)
      return data({ invalid: { parameter: error.parameter, value: error.value }, query: null, list: null }, { status: 400 });
    throw error;
  }
  return { invalid: null, query, list: await listCustomers(shop, query) };
};

/** The columns, in order; the sortable ones name their sort key. */
const COLUMNS: { key: string; sort?: SortKey; numeric?: boolean }[] = [
  { key: "customer" },
  { key: "segment" },
  { key: "orders", sort: "orders", numeric: true },
  { key: "netSpend", sort: "netSpend", numeric: true },
  { key: "lastOrder", sort: "lastOrder" },
  { key: "nextOrder" },
  { key: "pAlive", sort: "pAlive", numeric: true },
  { key: "predictedClv", sort: "predictedClv", numeric: true },
  { key: "points", sort: "points", numeric: true },
  { key: "tier" },
];

const SEARCH_DELAY_MS = 300;

export default function CustomersPage() {
  const data = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const { t } = useTranslation("customers");
  if (navigation.state === "loading" && navigation.location.pathname.startsWith("/app/customers/")) return <CustomerSkeleton />;
  if (!data.query || !data.list) {
    return (
      <Page title={t("title")}>
        <Banner
          tone="warning"
          title={t("invalidQuery.title")}
          action={{ content: t("invalidQuery.reset"), url: "/app/customers" }}
        >
          <p>{t("invalidQuery.body", { parameter: data.invalid!.parameter, value: data.invalid!.value })}</p>
        </Banner>
      </Page>
    );
  }
  return <CustomerList query={data.query} list={data.list} />;
}

type List = Awaited<ReturnType<typeof listCustomers>>;

function CustomerList({ query, list }: { query: ListQuery; list: List }) {
  const { t } = useTranslation("customers");
  const format = useFormat();
  const navigate = useNavigate();
  const keep = useKeptSearch();
  const navigation = useNavigation();
  const toast = useToast();
  // A link with a search or filters opens with them in view.
  const filtered = Boolean(query.search || query.segments.length || query.tiers.length || query.membership || query.risks.length);
  const { mode, setMode } = useSetIndexFiltersMode(filtered ? IndexFiltersMode.Filtering : IndexFiltersMode.Default);
  const [search, setSearch] = useState(query.search);
  const [exporting, setExporting] = useState<"analysis" | "marketing" | null>(null);
  const loading = navigation.state === "loading" && navigation.location.pathname === "/app/customers";

  const go = (changes: Partial<ListQuery>) => {
    const params = keep(listQueryParams(query, { page: 1, ...changes }));
    navigate({ search: params.size ? `?${params}` : "" }, { preventScrollReset: true });
  };
  // The search reaches the server once typing pauses; a reload or a link keeps it.
  const timer = useRef<ReturnType<typeof setTimeout>>();
  useEffect(() => setSearch(query.search), [query.search]);
  const onSearch = (value: string) => {
    setSearch(value);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => go({ search: value.trim() }), SEARCH_DELAY_MS);
  };
  useEffect(() => () => clearTimeout(timer.current), []);

  // Both exports take the list's query (every page); the server names the file.
  const exportCsv = async (kind: "analysis" | "marketing") => {
    setExporting(kind);
    try {
      const path = kind === "analysis" ? "/app/customers.csv" : "/app/customers/marketing.csv";
      const { rows, fileName } = await downloadFile(`${path}?${listQueryParams(query, { page: 1 })}`);
      const done = kind === "analysis" ? "export.done" : "export.marketing.done";
      toast(t(done, { count: rows, total: format.number(rows), file: fileName }));
    } catch {
      toast(t("export.failed"), { isError: true });
    } finally {
      setExporting(null);
    }
  };

  const sortOptions: IndexFiltersProps["sortOptions"] = SORT_KEYS.flatMap((key) => {
    const dated = key === "lastOrder";
    return [
      { label: t(`sort.${key}`), value: `${key} desc` as const, directionLabel: t(dated ? "sort.newest" : "sort.descending") },
      { label: t(`sort.${key}`), value: `${key} asc` as const, directionLabel: t(dated ? "sort.oldest" : "sort.ascending") },
    ];
  });
  const choices = (prefix: string, values: readonly string[]) =>
    values.map((value) => ({ label: t(`${prefix}.${value}`), value }));
  const filters: IndexFiltersProps["filters"] = [
    {
      key: "segment",
      label: t("filters.segment"),
      pinned: true,
      filter: (
        <ChoiceList
          title={t("filters.segment")}
          titleHidden
          allowMultiple
          choices={choices("segments", SEGMENTS)}
          selected={query.segments}
          onChange={(segments) => go({ segments: segments as ListQuery["segments"] })}
        />
      ),
    },
    {
      key: "tier",
      label: t("filters.tier"),
      pinned: true,
      filter: list.tiers.length ? (
        <ChoiceList
          title={t("filters.tier")}
          titleHidden
          allowMultiple
          choices={list.tiers.map((tier) => ({ label: tier.name, value: tier.id }))}
          selected={query.tiers}
          onChange={(tiers) => go({ tiers })}
        />
      ) : (
        <Text as="p" tone="subdued">
          {t("filters.noTiers")}
        </Text>
      ),
    },
    {
      key: "membership",
      label: t("filters.membership"),
      pinned: true,
      filter: (
        <ChoiceList
          title={t("filters.membership")}
          titleHidden
          choices={choices("membership", MEMBERSHIPS)}
          selected={query.membership ? [query.membership] : []}
          onChange={([membership]) => go({ membership: (membership as ListQuery["membership"]) ?? null })}
        />
      ),
    },
    {
      key: "risk",
      label: t("filters.risk"),
      pinned: true,
      filter: (
        <ChoiceList
          title={t("filters.risk")}
          titleHidden
          allowMultiple
          choices={choices("risk", RISKS)}
          selected={query.risks}
          onChange={(risks) => go({ risks: risks as ListQuery["risks"] })}
        />
      ),
    },
  ];
  const tierName = (id: string) => list.tiers.find((tier) => tier.id === id)?.name ?? id;
  const applied = (key: string, name: string, values: string[], clear: Partial<ListQuery>) =>
    values.length ? [{ key, label: t("filters.applied", { name, values: values.join(", ") }), onRemove: () => go(clear) }] : [];
  const appliedFilters = [
    ...applied(
      "segment",
      t("filters.segment"),
      query.segments.map((s) => t(`segments.${s}`)),
      { segments: [] },
    ),
    ...applied("tier", t("filters.tier"), query.tiers.map(tierName), { tiers: [] }),
    ...applied("membership", t("filters.membership"), query.membership ? [t(`membership.${query.membership}`)] : [], {
      membership: null,
    }),
    ...applied(
      "risk",
      t("filters.risk"),
      query.risks.map((r) => t(`risk.${r}`)),
      { risks: [] },
    ),
  ];

  const sortColumn = COLUMNS.findIndex((column) => column.sort === query.sort);
  const money = (minor: number | null) => (minor === null ? t("noValue") : format.money(minor, list.shop.currency));
  const rows = list.rows.map((row, position) => {
    const number = gidNumber(row.gid);
    return (
      <IndexTable.Row id={row.gid} key={row.gid} position={position}>
        <IndexTable.Cell>
          <Link dataPrimaryLink url={`/app/customers/${number}`} removeUnderline monochrome>
            <Text as="span" fontWeight="semibold">
              {row.name ?? t("customerNumber", { number })}
            </Text>
          </Link>
          {row.email && row.email !== row.name && (
            <Text as="p" variant="bodySm" tone="subdued">
              {row.email}
            </Text>
          )}
        </IndexTable.Cell>
        <IndexTable.Cell>
          <SegmentBadge segment={row.segment} />
        </IndexTable.Cell>
        <IndexTable.Cell>
          <Text as="span" alignment="end" numeric>
            {format.number(row.orders)}
          </Text>
        </IndexTable.Cell>
        <IndexTable.Cell>
          <Text as="span" alignment="end" numeric>
            {money(row.netSpend)}
          </Text>
        </IndexTable.Cell>
        <IndexTable.Cell>{row.lastOrder ? format.day(row.lastOrder) : t("noValue")}</IndexTable.Cell>
        <IndexTable.Cell>
          <NextOrder due={row.nextOrderDue} overdueDays={row.overdueDays} />
        </IndexTable.Cell>
        <IndexTable.Cell>
          <Text as="span" alignment="end" numeric>
            {row.pAlive === null ? t("noValue") : format.percent(row.pAlive * 100, 0)}
          </Text>
        </IndexTable.Cell>
        <IndexTable.Cell>
          <Text as="span" alignment="end" numeric>
            {money(row.predictedClv)}
          </Text>
        </IndexTable.Cell>
        <IndexTable.Cell>
          <Text as="span" alignment="end" numeric>
            {row.points === null ? t("noValue") : format.number(row.points)}
          </Text>
        </IndexTable.Cell>
        <IndexTable.Cell>{row.heldOut ? t("heldOut") : (row.tier ?? t("noValue"))}</IndexTable.Cell>
      </IndexTable.Row>
    );
  });

  if (list.listed === 0) {
    return (
      <Page title={t("title")}>
        <Card>
          <EmptyState heading={t("empty.title")} image="">
            <p>{t("empty.body")}</p>
          </EmptyState>
        </Card>
      </Page>
    );
  }
  return (
    <Page
      fullWidth
      title={t("title")}
      subtitle={t("subtitle", { count: list.total, total: format.number(list.total), timezone: list.shop.timezone })}
      primaryAction={{
        content: t("export.analysis"),
        onAction: () => exportCsv("analysis"),
        loading: exporting === "analysis",
        id: "export-customers",
      }}
      secondaryActions={[
        {
          content: t("export.marketing.button", { count: list.emailMarketing, total: format.number(list.emailMarketing) }),
          helpText: t("export.marketing.help"),
          onAction: () => exportCsv("marketing"),
          loading: exporting === "marketing",
          disabled: list.emailMarketing === 0,
          id: "export-marketing",
        },
      ]}
    >
      <Card padding="0">
        <IndexFilters
          tabs={[{ id: "all", content: t("allCustomers") }]}
          selected={0}
          onSelect={() => {}}
          canCreateNewView={false}
          queryValue={search}
          queryPlaceholder={t("search")}
          onQueryChange={onSearch}
          onQueryClear={() => onSearch("")}
          sortOptions={sortOptions}
          sortSelected={[`${query.sort} ${query.direction}`]}
          onSort={([value]) => {
            const [sort, direction] = value!.split(" ") as [SortKey, "asc" | "desc"];
            go({ sort, direction });
          }}
          filters={filters}
          appliedFilters={appliedFilters}
          onClearAll={() => go({ segments: [], tiers: [], membership: null, risks: [] })}
          mode={mode}
          setMode={setMode}
          loading={loading}
        />
        <IndexTable
          resourceName={{ singular: t("resourceName.singular"), plural: t("resourceName.plural") }}
          itemCount={list.rows.length}
          selectable={false}
          loading={loading}
          headings={
            COLUMNS.map((column) => ({
              title: t(`columns.${column.key}`),
              alignment: column.numeric ? ("end" as const) : undefined,
            })) as never
          }
          sortable={COLUMNS.map((column) => column.sort !== undefined)}
          sortColumnIndex={sortColumn}
          sortDirection={query.direction === "asc" ? "ascending" : "descending"}
          onSort={(index, direction) =>
            go({ sort: COLUMNS[index]!.sort!, direction: direction === "ascending" ? "asc" : "desc" })
          }
          emptyState={<EmptySearchResult title={t("empty.noResults")} description={t("empty.noResultsBody")} withIllustration />}
          pagination={{
            hasPrevious: list.page > 1,
            hasNext: list.page < list.pages,
            onPrevious: () => go({ page: list.page - 1 }),
            onNext: () => go({ page: list.page + 1 }),
            label: t("page", { page: format.number(list.page), pages: format.number(list.pages) }),
          }}
        >
          {rows}
        </IndexTable>
      </Card>
    </Page>
  );
}
