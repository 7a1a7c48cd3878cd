// The one client of Shopify's Admin GraphQL API. It sends an operation written as a `#graphql`
// template string, typed by `npm run graphql-codegen` (generated/admin.generated.d.ts: variables
// and answer per operation), with the shop's access token, and either returns the operation's data
// or throws: AdminHttpError for an HTTP failure, ThrottledError when the shop's query budget is
// spent, AdminGraphqlError for any other top-level GraphQL error. userErrors are the operation's
// answer, left to the caller. docs/decisions/0024-typed-admin-graphql.md.
import type { AdminMutations, AdminQueries } from "@shopify/admin-api-client";
import { ADMIN_API_VERSION } from "./api-version";

type Operations = AdminQueries & AdminMutations;
/** An operation's document, exactly as written in the app (the generated types are keyed by it). */
export type AdminOperation = keyof Operations & string;
export type VariablesOf<Operation extends AdminOperation> = Operations[Operation]["variables"];
export type DataOf<Operation extends AdminOperation> = Operations[Operation]["return"];

/** Shopify's query cost budget of the shop, as each answer reports it. */
export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export interface AdminAnswer<Operation extends AdminOperation> {
  data: DataOf<Operation>;
  /** The budget left after the call, when Shopify said. */
  throttle?: ThrottleStatus;
}

export interface AdminClient {
  readonly shop: string;
  request<Operation extends AdminOperation>(
    operation: Operation,
    // Optional only for an operation without required variables.
    ...variables: Record<string, never> extends VariablesOf<Operation> ? [VariablesOf<Operation>?] : [VariablesOf<Operation>]
  ): Promise<AdminAnswer<Operation>>;
}

export class AdminApiError extends Error {}

export class AdminHttpError extends AdminApiError {
  constructor(
    readonly status: number,
    body: string,
  ) {
    super(`Admin API answered HTTP ${status}: ${body.slice(0, 300)}`);
  }
}

export class AdminGraphqlError extends AdminApiError {
  constructor(readonly errors: unknown) {
    super(`Admin API error: ${JSON.stringify(errors).slice(0, 500)}`);
  }
}

/** THROTTLED: the shop's budget cannot pay for the operation until `retryAt`. */
export class ThrottledError extends AdminApiError {
  constructor(
    readonly throttle: ThrottleStatus | undefined,
    readonly retryAt: Date,
  ) {
    super(`Admin API throttled until ${retryAt.toISOString()}`);
  }
}

/** A throttled call is sent once more when its budget restores within this; otherwise ThrottledError. */
export const MAX_THROTTLE_WAIT_MS = 1000;

interface GraphqlBody {
  data?: unknown;
  errors?: { message?: string; extensions?: { code?: string } }[];
  extensions?: { cost?: { requestedQueryCost?: number; throttleStatus?: ThrottleStatus } };
}

/** When the budget pays for `requestedCost` again (restoreRate points a second; 50 when unknown). */
export function throttledUntil(cost: GraphqlBody["extensions"], now: number): Date {
  const status = cost?.cost?.throttleStatus;
  const missing = (cost?.cost?.requestedQueryCost ?? 1) - (status?.currentlyAvailable ?? 0);
  return new Date(now + Math.max(1, Math.ceil((missing / (status?.restoreRate || 50)) * 1000)));
}

/** A client for a session of the shop (offline or online): its domain and access token. */
export function adminClient(session: { shop: string; accessToken?: string }): AdminClient {
  const { shop, accessToken } = session;
  if (!accessToken) throw new AdminApiError(`no access token for ${shop}`);
  const url = `https://${shop}/admin/api/${ADMIN_API_VERSION}/graphql.json`;

  const send = async (query: string, variables: unknown): Promise<GraphqlBody> => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-Shopify-Access-Token": accessToken },
      body: JSON.stringify({ query, variables }),
    });
    const text = await response.text();
    if (!response.ok) throw new AdminHttpError(response.status, text);
    try {
      return JSON.parse(text) as GraphqlBody;
    } catch {
      throw new AdminHttpError(response.status, `not JSON: ${text}`);
    }
  };

  return {
    shop,
    async request(operation, ...[variables]) {
      for (let attempt = 1; ; attempt++) {
        const body = await send(operation, variables);
        if (body.errors?.some((error) => error.extensions?.code === "THROTTLED")) {
          const retryAt = throttledUntil(body.extensions, Date.now());
          const wait = retryAt.getTime() - Date.now();
          if (attempt > 1 || wait > MAX_THROTTLE_WAIT_MS)
            throw new ThrottledError(body.extensions?.cost?.throttleStatus, retryAt);
          await new Promise((resume) => setTimeout(resume, wait));
          continue;
        }
        if (body.errors?.length || !body.data) throw new AdminGraphqlError(body.errors ?? body);
        return { data: body.data as never, throttle: body.extensions?.cost?.throttleStatus };
      }
    },
  };
}
