// A local stand-in for Shopify's servers, speaking the same protocol for what the app uses:
// token exchange (POST /admin/oauth/access_token), the Admin GraphQL API (shop details, bulk
// operation start and status, reward discount codes and their lookup by code, store credit
// (storeCreditAccountCredit and storeCreditAccountDebit, a customer's accounts and their
// transactions), the app installation's id, metafields set (customers' and the installation's app-data ones) and
// deleted, customer metafield definitions, segments, customer tags added and removed, Flow
// triggers received) and the bulk
// operation's JSONL download. Tests configure shops and
// read the requests the app sent through /_test endpoints. Every GraphQL document, and the orders
// export's query, is first checked against Shopify's Admin schema of the app's API version
// (app/platform/shopify/admin-2026-10.graphql), as are the variables against the operation's
// declared types: a field or input that Shopify does not have is refused with Shopify's errors.
import { createHmac } from "node:crypto";
import { createReadStream } from "node:fs";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { buildSchema, getOperationAST, getVariableValues, parse, validate, type GraphQLSchema } from "graphql";
import { ADMIN_SCHEMA_FILE } from "../../app/platform/shopify/api-version";

let adminSchema: GraphQLSchema | undefined;
/** Built once per process (about a second: 3.7 MB of SDL), before the first request rather than during it. */
const loadAdminSchema = () => (adminSchema ??= buildSchema(readFileSync(ADMIN_SCHEMA_FILE, "utf8")));

/** Shopify's answer to a document it cannot run (HTTP 200, errors only), or null when it can. */
export function schemaErrors(query: string, variables: Record<string, unknown> = {}): { errors: { message: string }[] } | null {
  const schema = loadAdminSchema();
  let document;
  try {
    document = parse(query);
  } catch (error) {
    return { errors: [{ message: (error as Error).message }] };
  }
  const invalid = validate(schema, document);
  if (invalid.length) return { errors: invalid.map(({ message }) => ({ message })) };
  const operation = getOperationAST(document);
  if (!operation) return { errors: [{ message: "the document names no single operation" }] };
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
  return coerced.errors ? { errors: coerced.errors.map(({ message }) => ({ message })) } : null;
}

/** The numeric Shopify id the double gives `shop` (its GID is gid://shopify/Shop/<id>): fixed per domain. */
export function shopIdOf(shop: string): string {
  return String(BigInt("0x" + createHash("sha256").update(shop).digest("hex").slice(0, 10)));
}

export interface DoubleShop {
  name: string;
  currencyCode: string;
  ianaTimezone: string;
  /** JSONL served as the orders export: inline text or a file path. */
  jsonl?: string;
  jsonlFile?: string;
  /** Answer bulkOperationRunQuery with this user error instead of starting an operation. */
  bulkUserError?: string;
  /** Answer discount code creation with this user error instead of creating a discount. */
  discountUserError?: string;
  /** Create the discount, then close the connection without answering: the app never learns of it. */
  discountAnswerLost?: boolean;
  /** Answer storeCreditAccountCredit with this user error code (e.g. CREDIT_LIMIT_EXCEEDED) instead of crediting. */
  storeCreditUserError?: string;
  /**
   * The shopper pays with all their store credit at checkout just before the app's next
   * storeCreditAccountDebit reaches Shopify (after the app looked at the account); once.
   */
  checkoutSpendsBeforeDebit?: boolean;
  /** Credit the account, then close the connection without answering: the app never learns of it. */
  storeCreditAnswerLost?: boolean;
  /** Answer storeCreditAccountDebit with this user error code (e.g. ACCOUNT_NOT_FOUND) instead of debiting. */
  storeCreditDebitUserError?: string;
  /** Debit the account, then close the connection without answering: the app never learns of it. */
  storeCreditDebitAnswerLost?: boolean;
  /** Answer metafieldsSet and flowTriggerReceive as Shopify does when the shop's query budget is spent. */
  throttled?: boolean;
  /** Refuse metafieldsSet calls that set a metafield of this owner (as Shopify does for a customer it no longer has). */
  metafieldRefusedOwner?: string | null;
  /** Answer flowTriggerReceive with this user error (a trigger Flow does not know, a bad payload). */
  flowUserError?: string;
  /** Close the connection of every Admin GraphQL call without answering: Shopify unreachable. */
  unreachable?: boolean;
}

export interface RecordedRequest {
  shop: string;
  path: string;
  body: Record<string, unknown>;
  accessToken: string | null;
}

interface BulkOperation {
  id: string;
  shop: string;
  query: string;
}

export interface AdminDouble {
  url: string;
  close(): Promise<void>;
}

function base64UrlDecode(text: string) {
  return Buffer.from(text.replace(/-/g, "+").replace(/_/g, "/"), "base64");
}

/** Verifies an App Bridge session token (HS256 JWT signed with the app's secret). */
function verifySessionToken(token: string, secret: string, apiKey: string) {
  const [header, payload, signature] = token.split(".");
  if (!signature) return null;
  const expected = createHmac("sha256", secret).update(`${header}.${payload}`).digest();
  if (!expected.equals(base64UrlDecode(signature))) return null;
  const claims = JSON.parse(base64UrlDecode(payload).toString("utf8"));
  if (claims.aud !== apiKey || claims.exp * 1000 < Date.now()) return null;
  return claims as { dest: string; sub: string };
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text ? JSON.parse(text) : {};
}

/** A store credit account as Shopify keeps it: one per owner and currency; amounts in minor units (2 decimals). */
interface CreditAccount {
  id: string;
  ownerId: string;
  currencyCode: string;
  transactions: CreditTransaction[];
}

interface CreditTransaction {
  id: string;
  kind: "credit" | "debit";
  amount: bigint;
  createdAt: string;
  expiresAt: string | null;
  /** Credits: what no debit has spent yet. */
  remaining: bigint;
  /** Shopify's StoreCreditSystemEvent: ADJUSTMENT for an app's (or the merchant's) credit or debit, ORDER_PAYMENT at checkout. */
  event: "ADJUSTMENT" | "ORDER_PAYMENT";
  /** The order transaction a checkout payment came from; null for adjustments. */
  origin: { __typename: "OrderTransaction"; id: string } | null;
}

/** "12.5" -> 1250n: Shopify's Decimal amounts, as the double keeps them (every test currency has 2 decimals). */
function cents(amount: unknown): bigint | null {
  const match = /^(-?\d+)(?:\.(\d{1,2}))?$/.exec(String(amount));
  return match ? BigInt(match[1]) * 100n + (match[1].startsWith("-") ? -1n : 1n) * BigInt((match[2] ?? "").padEnd(2, "0")) : null;
}

/** 1250n -> "12.5": as Shopify writes a Decimal, without trailing zeros. */
function decimal(minor: bigint): string {
  const whole = minor / 100n;
  const fraction = String(minor % 100n)
    .padStart(2, "0")
    .replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : `${whole}.0`;
}

function balanceOf(account: CreditAccount, now = Date.now()): bigint {
  return account.transactions
    .filter((t) => t.kind === "credit" && (t.expiresAt === null || Date.parse(t.expiresAt) > now))
    .reduce((sum, t) => sum + t.remaining, 0n);
}

/**
 * Takes `amount` from the account as Shopify does for a debit (an adjustment) or a store credit
 * payment at checkout: the soonest expiring credits first, recorded as one debit transaction.
 */
function spendCredit(
  account: CreditAccount,
  amount: bigint,
  id: string,
  event: CreditTransaction["event"],
  now = Date.now(),
): CreditTransaction {
  let left = amount;
  const live = account.transactions
    .filter((t) => t.kind === "credit" && t.remaining > 0n && (t.expiresAt === null || Date.parse(t.expiresAt) > now))
    .sort((a, b) => (a.expiresAt === null ? 1 : b.expiresAt === null ? -1 : Date.parse(a.expiresAt) - Date.parse(b.expiresAt)));
  for (const credit of live) {
    const spent = credit.remaining < left ? credit.remaining : left;
    credit.remaining -= spent;
    left -= spent;
  }
  const transaction: CreditTransaction = {
    id,
    kind: "debit",
    amount,
    createdAt: new Date(now).toISOString(),
    expiresAt: null,
    remaining: 0n,
    event,
    origin:
      event === "ORDER_PAYMENT"
        ? { __typename: "OrderTransaction", id: `gid://shopify/OrderTransaction/${id.split("/").at(-1)}` }
        : null,
  };
  account.transactions.push(transaction);
  return transaction;
}

function send(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { "Content-Type": "application/json" });
  response.end(JSON.stringify(body));
}

export async function startAdminDouble(options: { apiKey: string; apiSecret: string; scopes: string }): Promise<AdminDouble> {
  loadAdminSchema();
  const shops = new Map<string, DoubleShop>();
  const requests: RecordedRequest[] = [];
  const operations = new Map<string, BulkOperation>();
  const tokens = new Map<string, string>();
  let nextOperation = 9_007_199_254_741_000n;
  let baseUrl = "";

  let nextDiscount = 1;
  let nextInstallation = 1;
  /** Per shop: the app installation's GID, made on first request. */
  const installations = new Map<string, string>();
  /** Per shop: metafields as last set, "<ownerId> <namespace> <key>" -> { type, value }. */
  const metafieldValues = new Map<
    string,
    Map<string, { ownerId: string; namespace: string; key: string; type: string; value: string }>
  >();
  /** Per shop: discount codes created, code -> discount node GID. */
  const discountCodes = new Map<string, Map<string, string>>();
  /** Per shop: customer metafield definitions, "<namespace>.<key>" -> the definition input. */
  const definitions = new Map<string, Map<string, Record<string, unknown>>>();
  /** Per shop: customer segments by name. */
  const customerSegments = new Map<string, Map<string, { id: string; name: string; query: string }>>();
  let nextDefinition = 1;
  let nextSegment = 1;
  /** Per shop: store credit accounts. */
  const creditAccounts = new Map<string, CreditAccount[]>();
  let nextCreditAccount = 1;
  let nextCreditTransaction = 1;
  /** Tells the server to drop the connection instead of answering. */
  const DROP_CONNECTION = Symbol("drop connection");
  const cost = (currentlyAvailable: number) => ({
    cost: {
      requestedQueryCost: 10,
      actualQueryCost: 10,
      throttleStatus: { maximumAvailable: 2000, currentlyAvailable, restoreRate: 100 },
    },
  });

  function graphql(shop: string, body: { query?: string; variables?: Record<string, any> }) {
    const query = body.query ?? "";
    const config = shops.get(shop);
    if (!config) return { errors: [{ message: `unknown shop ${shop}` }] };
    if (config.unreachable) return DROP_CONNECTION;
    const refused = schemaErrors(query, body.variables);
    if (refused) return refused;
    const discountMutation = ["discountCodeBasicCreate", "discountCodeFreeShippingCreate"].find((name) => query.includes(name));
    const codes = discountCodes.get(shop) ?? discountCodes.set(shop, new Map()).get(shop)!;
    if (query.includes("codeDiscountNodeByCode")) {
      const id = codes.get(String(body.variables?.code));
      return { data: { codeDiscountNodeByCode: id ? { id } : null }, extensions: cost(1990) };
    }
    if (discountMutation) {
      const input = Object.values(body.variables ?? {})[0] as { code?: string } | undefined;
      const code = String(input?.code);
      const refusal = config.discountUserError ?? (codes.has(code) ? "Code must be unique. Please try a different code." : null);
      if (refusal) {
        return {
          data: {
            [discountMutation]: { codeDiscountNode: null, userErrors: [{ field: ["code"], code: "INVALID", message: refusal }] },
          },
          extensions: cost(1990),
        };
      }
      const id = `gid://shopify/DiscountCodeNode/${nextDiscount++}`;
      codes.set(code, id);
      if (config.discountAnswerLost) return DROP_CONNECTION;
      return { data: { [discountMutation]: { codeDiscountNode: { id }, userErrors: [] } }, extensions: cost(1990) };
    }
    const accounts = creditAccounts.get(shop) ?? creditAccounts.set(shop, []).get(shop)!;
    const creditMutation = ["storeCreditAccountCredit", "storeCreditAccountDebit"].find((name) => query.includes(name));
    if (creditMutation) {
      const debit = creditMutation === "storeCreditAccountDebit";
      const input = (debit ? body.variables?.debitInput : body.variables?.creditInput) ?? {};
      const money = debit ? input.debitAmount : input.creditAmount;
      const id = String(body.variables?.id ?? "");
      const refuse = (code: string, message: string) => ({
        data: { [creditMutation]: { storeCreditAccountTransaction: null, userErrors: [{ field: null, code, message }] } },
        extensions: cost(1990),
      });
      const amount = cents(money?.amount);
      if (amount === null || amount <= 0n) return refuse("NEGATIVE_OR_ZERO_AMOUNT", "A positive amount must be used.");
      // As Shopify: the id is an account, or (credits only) a customer whose account in that currency is opened if missing.
      let account = accounts.find((a) => a.id === id);
      if (!account && !debit && id.startsWith("gid://shopify/Customer/")) {
        account = accounts.find((a) => a.ownerId === id && a.currencyCode === money.currencyCode);
        if (!account) {
          account = {
            id: `gid://shopify/StoreCreditAccount/${nextCreditAccount++}`,
            ownerId: id,
            currencyCode: money.currencyCode,
            transactions: [],
          };
          accounts.push(account);
        }
      }
      if (!account)
        return id.startsWith("gid://shopify/Customer/")
          ? refuse("ACCOUNT_NOT_FOUND", "Account not found.")
          : refuse(debit ? "ACCOUNT_NOT_FOUND" : "OWNER_NOT_FOUND", "Not found.");
      if (account.currencyCode !== money.currencyCode)
        return refuse("MISMATCHING_CURRENCY", "The currency does not match the account's.");
      const now = Date.now();
      const transactionId = () =>
        `gid://shopify/${debit ? "StoreCreditAccountDebitTransaction" : "StoreCreditAccountCreditTransaction"}/${nextCreditTransaction++}`;
      let transaction: CreditTransaction;
      if (debit) {
        if (config.checkoutSpendsBeforeDebit) {
          config.checkoutSpendsBeforeDebit = false;
          const balance = balanceOf(account, now);
          if (balance > 0n) spendCredit(account, balance, transactionId(), "ORDER_PAYMENT", now);
        }
        if (config.storeCreditDebitUserError) return refuse(config.storeCreditDebitUserError, "Shopify refused the debit.");
        if (balanceOf(account, now) < amount) return refuse("INSUFFICIENT_FUNDS", "The account does not have sufficient funds.");
        transaction = spendCredit(account, amount, transactionId(), "ADJUSTMENT", now);
      } else {
        if (config.storeCreditUserError) return refuse(config.storeCreditUserError, "Shopify refused the credit.");
        if (input.expiresAt && Date.parse(input.expiresAt) <= now)
          return refuse("EXPIRES_AT_IN_PAST", "The expiry date must be in the future.");
        transaction = {
          id: transactionId(),
          kind: "credit",
          amount,
          createdAt: new Date(now).toISOString(),
          expiresAt: input.expiresAt ? new Date(input.expiresAt).toISOString() : null,
          remaining: amount,
          event: "ADJUSTMENT",
          origin: null,
        };
        account.transactions.push(transaction);
      }
      if (debit ? config.storeCreditDebitAnswerLost : config.storeCreditAnswerLost) return DROP_CONNECTION;
      return {
        data: {
          [creditMutation]: {
            storeCreditAccountTransaction: {
              account: { id: account.id },
              id: transaction.id,
              amount: { amount: decimal(debit ? -amount : amount), currencyCode: account.currencyCode },
            },
            userErrors: [],
          },
        },
        extensions: cost(1990),
      };
    }
    if (query.includes("storeCreditAccounts")) {
      const ownerId = String(body.variables?.customerId ?? "");
      const nodes = accounts
        .filter((account) => account.ownerId === ownerId)
        .map((account) => ({
          id: account.id,
          balance: { amount: decimal(balanceOf(account)), currencyCode: account.currencyCode },
          transactions: {
            // Newest first (reverse: true), as the app asks.
            nodes: [...account.transactions].reverse().map((t) => ({
              __typename: t.kind === "credit" ? "StoreCreditAccountCreditTransaction" : "StoreCreditAccountDebitTransaction",
              id: t.id,
              createdAt: t.createdAt,
              amount: { amount: decimal(t.kind === "credit" ? t.amount : -t.amount), currencyCode: account.currencyCode },
              event: t.event,
              origin: t.origin,
              ...(t.kind === "credit" && {
                expiresAt: t.expiresAt,
                remainingAmount: { amount: decimal(t.remaining), currencyCode: account.currencyCode },
              }),
            })),
          },
        }));
      return { data: { customer: { storeCreditAccounts: { nodes } } }, extensions: cost(1990) };
    }
    if (query.includes("metafieldsDelete")) {
      const metafields = (body.variables?.metafields ?? []) as Record<string, string>[];
      return {
        data: {
          metafieldsDelete: {
            deletedMetafields: metafields.map(({ ownerId, namespace, key }) => ({ ownerId, namespace, key })),
            userErrors: [],
          },
        },
        extensions: cost(1990),
      };
    }
    const tagMutation = ["tagsAdd", "tagsRemove"].find((name) => query.includes(name));
    if (tagMutation) {
      return { data: { [tagMutation]: { userErrors: [] } }, extensions: cost(1990) };
    }
    if (query.includes("currentAppInstallation")) {
      const id =
        installations.get(shop) ?? installations.set(shop, `gid://shopify/AppInstallation/${nextInstallation++}`).get(shop)!;
      return { data: { currentAppInstallation: { id } }, extensions: cost(1990) };
    }
    if (query.includes("metafieldDefinitionCreate")) {
      const definition = (body.variables?.definition ?? {}) as Record<string, string>;
      const shopDefinitions = definitions.get(shop) ?? definitions.set(shop, new Map()).get(shop)!;
      const key = `${definition.namespace}.${definition.key}`;
      // As Shopify: one definition per owner type, namespace and key.
      if (shopDefinitions.has(key)) {
        return {
          data: {
            metafieldDefinitionCreate: {
              createdDefinition: null,
              userErrors: [{ field: ["definition", "key"], message: "Key is in use for Customer metafields.", code: "TAKEN" }],
            },
          },
          extensions: cost(1990),
        };
      }
      shopDefinitions.set(key, definition);
      const id = `gid://shopify/MetafieldDefinition/${nextDefinition++}`;
      return { data: { metafieldDefinitionCreate: { createdDefinition: { id }, userErrors: [] } }, extensions: cost(1990) };
    }
    const shopSegments = customerSegments.get(shop) ?? customerSegments.set(shop, new Map()).get(shop)!;
    if (query.includes("segmentCreate")) {
      const { name, query: segmentQuery } = (body.variables ?? {}) as { name: string; query: string };
      // As Shopify: names are unique, and a query naming a customer metafield needs its definition.
      const named = [...segmentQuery.matchAll(/metafields\.(\w+)\.(\w+)/g)].map((match) => `${match[1]}.${match[2]}`);
      const undefinedField = named.find((field) => !definitions.get(shop)?.has(field));
      const refusal = shopSegments.has(name)
        ? "Name has already been taken"
        : undefinedField
          ? `Metafield ${undefinedField} is not defined`
          : null;
      if (refusal) {
        return {
          data: { segmentCreate: { segment: null, userErrors: [{ field: ["name"], message: refusal }] } },
          extensions: cost(1990),
        };
      }
      const segment = { id: `gid://shopify/Segment/${nextSegment++}`, name, query: segmentQuery };
      shopSegments.set(name, segment);
      return { data: { segmentCreate: { segment: { id: segment.id }, userErrors: [] } }, extensions: cost(1990) };
    }
    if (query.includes("segments(")) {
      const name = /^name:"(.*)"$/.exec(String(body.variables?.query ?? ""))?.[1] ?? "";
      const nodes = [...shopSegments.values()]
        .filter((segment) => segment.name.includes(name))
        .map(({ id, name }) => ({ id, name }));
      return { data: { segments: { nodes } }, extensions: cost(1990) };
    }
    const throttledAnswer = {
      errors: [
        { message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } },
      ],
      extensions: cost(0),
    };
    if (query.includes("flowTriggerReceive")) {
      if (config.throttled) return throttledAnswer;
      // As Flow: the payload must stay under 50,000 bytes.
      const tooLarge = JSON.stringify(body.variables?.payload ?? null).length >= 50_000;
      const refusal = config.flowUserError ?? (tooLarge ? "Payload must be under 50000 bytes" : null);
      const userErrors = refusal ? [{ field: ["payload"], message: refusal }] : [];
      return { data: { flowTriggerReceive: { userErrors } }, extensions: cost(1990) };
    }
    if (query.includes("metafieldsSet")) {
      if (config.throttled) return throttledAnswer;
      const metafields = (body.variables?.metafields ?? []) as {
        ownerId: string;
        namespace: string;
        key: string;
        type: string;
        value: string;
      }[];
      // As Shopify: the owner must exist, a json metafield must hold valid JSON, and the call sets all or nothing.
      const gone = metafields.findIndex((metafield) => metafield.ownerId === config.metafieldRefusedOwner);
      if (gone >= 0) {
        return {
          data: {
            metafieldsSet: {
              metafields: null,
              userErrors: [{ field: ["metafields", String(gone), "ownerId"], message: "Owner does not exist", code: "INVALID" }],
            },
          },
          extensions: cost(1990),
        };
      }
      const invalid = metafields.findIndex((metafield) => metafield.type === "json" && !isJson(metafield.value));
      if (invalid >= 0) {
        return {
          data: {
            metafieldsSet: {
              metafields: null,
              userErrors: [
                { field: ["metafields", String(invalid), "value"], message: "Value is invalid JSON", code: "INVALID_VALUE" },
              ],
            },
          },
          extensions: cost(1990),
        };
      }
      const stored = metafieldValues.get(shop) ?? metafieldValues.set(shop, new Map()).get(shop)!;
      for (const metafield of metafields) stored.set(`${metafield.ownerId} ${metafield.namespace} ${metafield.key}`, metafield);
      return {
        data: {
          metafieldsSet: {
            metafields: metafields.map(({ namespace, key }) => ({ namespace, key })),
            userErrors: [],
          },
        },
        extensions: cost(1990),
      };
    }
    if (query.includes("bulkOperationRunQuery")) {
      // Shopify checks the export's query when the operation starts, and answers a user error.
      const exportErrors = schemaErrors(String(body.variables?.query ?? ""))?.errors;
      if (exportErrors) {
        return {
          data: {
            bulkOperationRunQuery: {
              bulkOperation: null,
              userErrors: exportErrors.map(({ message }) => ({ field: ["query"], message })),
            },
          },
        };
      }
      if (config.bulkUserError) {
        return {
          data: { bulkOperationRunQuery: { bulkOperation: null, userErrors: [{ field: null, message: config.bulkUserError }] } },
        };
      }
      const id = `gid://shopify/BulkOperation/${nextOperation++}`;
      operations.set(id, { id, shop, query: String(body.variables?.query ?? "") });
      return { data: { bulkOperationRunQuery: { bulkOperation: { id, status: "CREATED" }, userErrors: [] } } };
    }
    if (query.includes("BulkOperation")) {
      const operation = operations.get(String(body.variables?.id));
      if (!operation || operation.shop !== shop) return { data: { node: null } };
      const hasFile = Boolean(config.jsonl || config.jsonlFile);
      const token = operation.id.split("/").pop();
      return {
        data: {
          node: {
            __typename: "BulkOperation",
            id: operation.id,
            status: "COMPLETED",
            errorCode: null,
            objectCount: "0",
            url: hasFile ? `${baseUrl}/bulk/${token}.jsonl` : null,
            partialDataUrl: null,
          },
        },
      };
    }
    if (query.includes("shop")) {
      return {
        data: {
          shop: {
            id: `gid://shopify/Shop/${shopIdOf(shop)}`,
            name: config.name,
            currencyCode: config.currencyCode,
            ianaTimezone: config.ianaTimezone,
          },
        },
      };
    }
    return { errors: [{ message: "the Admin API double does not know this query" }] };
  }

  const server: Server = createServer(async (request, response) => {
    try {
      const url = new URL(request.url ?? "/", "http://double");
      const segments = url.pathname.split("/").filter(Boolean);

      if (segments[0] === "_test") {
        if (request.method === "PUT" && segments[1] === "shops") {
          shops.set(segments[2], (await readJson(request)) as unknown as DoubleShop);
          return send(response, 200, { ok: true });
        }
        // Changes some of a shop's switches (discountUserError, discountAnswerLost, throttled, unreachable), keeping the rest.
        if (request.method === "PATCH" && segments[1] === "shops" && shops.has(segments[2])) {
          shops.set(segments[2], { ...shops.get(segments[2])!, ...((await readJson(request)) as Partial<DoubleShop>) });
          return send(response, 200, { ok: true });
        }
        if (request.method === "GET" && segments[1] === "requests") {
          const shop = url.searchParams.get("shop");
          return send(
            response,
            200,
            requests.filter((r) => !shop || r.shop === shop),
          );
        }
        if (request.method === "GET" && segments[1] === "discounts") {
          const codes = discountCodes.get(url.searchParams.get("shop") ?? "") ?? new Map();
          return send(
            response,
            200,
            [...codes].map(([code, id]) => ({ code, id })),
          );
        }
        // The metafields as Shopify would now hold them (the last value set for each).
        if (request.method === "GET" && segments[1] === "metafields") {
          const stored = metafieldValues.get(url.searchParams.get("shop") ?? "") ?? new Map();
          return send(response, 200, [...stored.values()]);
        }
        // The shopper pays `amount` (minor units) with their store credit at checkout: { shop, ownerId, amount }.
        if (request.method === "POST" && segments[1] === "store-credit" && segments[2] === "spend") {
          const { shop, ownerId, amount } = (await readJson(request)) as { shop: string; ownerId: string; amount: string };
          const account = (creditAccounts.get(shop) ?? []).find((candidate) => candidate.ownerId === ownerId);
          if (!account || balanceOf(account) < BigInt(amount)) return send(response, 409, { error: "not enough store credit" });
          const spent = spendCredit(
            account,
            BigInt(amount),
            `gid://shopify/StoreCreditAccountDebitTransaction/${nextCreditTransaction++}`,
            "ORDER_PAYMENT",
          );
          return send(response, 200, { id: spent.id });
        }
        // The store credit accounts as Shopify would now hold them, amounts in minor units.
        if (request.method === "GET" && segments[1] === "store-credit") {
          const accounts = creditAccounts.get(url.searchParams.get("shop") ?? "") ?? [];
          return send(
            response,
            200,
            accounts.map((account) => ({
              ...account,
              balance: String(balanceOf(account)),
              transactions: account.transactions.map((t) => ({ ...t, amount: String(t.amount), remaining: String(t.remaining) })),
            })),
          );
        }
        if (request.method === "GET" && segments[1] === "definitions") {
          return send(response, 200, [...(definitions.get(url.searchParams.get("shop") ?? "")?.values() ?? [])]);
        }
        if (request.method === "GET" && segments[1] === "segments") {
          return send(response, 200, [...(customerSegments.get(url.searchParams.get("shop") ?? "")?.values() ?? [])]);
        }
        if (request.method === "GET" && segments[1] === "operations") {
          return send(response, 200, [...operations.values()]);
        }
        return send(response, 404, { error: "unknown test endpoint" });
      }

      if (segments[0] === "bulk") {
        const id = `gid://shopify/BulkOperation/${segments[1].replace(/\.jsonl$/, "")}`;
        const operation = operations.get(id);
        const config = operation && shops.get(operation.shop);
        if (!config) return send(response, 404, { error: "no such export" });
        response.writeHead(200, { "Content-Type": "application/jsonl" });
        if (config.jsonlFile) return void createReadStream(config.jsonlFile).pipe(response);
        return void response.end(config.jsonl ?? "");
      }

      // https://<shop>/admin/... arrives as /<shop>/admin/... (see shopify-network.mjs).
      const shop = segments[0];
      const path = "/" + segments.slice(1).join("/");
      const body = await readJson(request);
      const accessToken = (request.headers["x-shopify-access-token"] as string | undefined) ?? null;
      requests.push({ shop, path, body, accessToken });

      if (path === "/admin/oauth/access_token") {
        if (body.client_id !== options.apiKey || body.client_secret !== options.apiSecret) {
          return send(response, 401, { error: "invalid_client" });
        }
        const claims = verifySessionToken(String(body.subject_token ?? ""), options.apiSecret, options.apiKey);
        if (!claims || new URL(claims.dest).host !== shop) return send(response, 400, { error: "invalid_subject_token" });
        const token = `shpat_double_${shop.split(".")[0]}`;
        tokens.set(token, shop);
        const online = String(body.requested_token_type).endsWith("online-access-token");
        return send(response, 200, {
          access_token: token,
          scope: options.scopes,
          ...(online && {
            expires_in: 86399,
            associated_user_scope: options.scopes,
            associated_user: {
              id: Number(claims.sub),
              first_name: "Test",
              last_name: "Merchant",
              email: "merchant@example.com",
              account_owner: true,
              locale: "en",
              collaborator: false,
              email_verified: true,
            },
          }),
        });
      }
      if (/^\/admin\/api\/[^/]+\/graphql\.json$/.test(path)) {
        if (!accessToken || tokens.get(accessToken) !== shop)
          return send(response, 401, { errors: "[API] Invalid API key or access token" });
        const answer = graphql(shop, body);
        if (answer === DROP_CONNECTION) return void response.socket?.destroy();
        return send(response, 200, answer);
      }
      return send(response, 404, { errors: "Not Found" });
    } catch (error) {
      send(response, 500, { errors: String(error) });
    }
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: baseUrl,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
