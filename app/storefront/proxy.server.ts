// Every App Proxy route goes through answerProxy: the request must carry a fresh signature that
// authenticate.public.appProxy accepts, for a shop that has the app installed; it then acts for
// that shop and only for the shopper Shopify names in `logged_in_customer_id`. Nothing in a
// body or query names whose points are read or spent. Answers are JSON, never cached.
import type { z } from "zod";
import db from "../platform/db/client.server";
import { env } from "../platform/env.server";
import { isShopDomain } from "../platform/http/shop-domain";
import { json } from "../platform/http/responses";
import { LoyaltyInputError, readInput } from "../loyalty/admin.server";
import { fieldError } from "../loyalty/program";
import { authenticate } from "../shopify.server";
import { clientAddress, isJsonRequest, loggedInCustomerGid, MAX_PROXY_BODY_BYTES, proxyFreshness } from "./proxy-request";
import { RateLimited, spendGuestRead, spendRequest } from "./rate-limit.server";
import type { RateLimitedAction } from "./rate-limit";

export interface ProxyContext {
  shop: string;
  /** null: a guest. */
  customerGid: string | null;
  /**
   * Counts the request against the shopper's limit for `action`; a full window answers 429.
   * A guest (who can only read the program) is counted by address instead.
   */
  spend(action: RateLimitedAction): Promise<void>;
}

export interface MemberContext extends ProxyContext {
  customerGid: string;
}

/** Read once at start-up; a bad value stops the app (docs/app-proxy.md, "Rate limits"). */
const HOST_PROXIES = env.COMEBACK_HOST_PROXIES;

const refuse = (status: number, error: string, headers: Record<string, string> = {}) => json({ error }, status, headers);

/** The shop and shopper of a signed request, or the 401/404 that refuses it. */
async function verify(request: Request): Promise<ProxyContext | Response> {
  const query = new URL(request.url).searchParams;
  const freshness = proxyFreshness(query, new Date());
  if (freshness === "unsigned") return refuse(401, "invalid_signature");
  if (freshness === "stale") return refuse(401, "stale_request");
  // The library throws on a shop that is no shop domain: refused here, signed or not.
  const shops = query.getAll("shop");
  if (shops.length !== 1 || !isShopDomain(shops[0])) return refuse(400, "invalid_shop");
  let session;
  try {
    ({ session } = await authenticate.public.appProxy(request));
  } catch (error) {
    // The library answers a wrong or malformed signature with a bare 400 Response.
    if (error instanceof Response) return refuse(401, "invalid_signature");
    throw error;
  }
  if (!session) return refuse(404, "unknown_shop");
  const shop = await db.shop.findUnique({ where: { domain: session.shop }, select: { installState: true } });
  if (shop?.installState !== "installed") return refuse(404, "unknown_shop");
  const shopDomain = session.shop;
  const customerGid = loggedInCustomerGid(query);
  const spend = async (action: RateLimitedAction) => {
    if (customerGid) await spendRequest(shopDomain, customerGid, action);
    else spendGuestRead(shopDomain, clientAddress(request.headers, HOST_PROXIES));
  };
  return { shop: shopDomain, customerGid, spend };
}

/** Answers a proxy request of `method` (HEAD counts as GET) with `work`, once it is verified. */
export async function answerProxy(request: Request, method: "GET" | "POST", work: (context: ProxyContext) => Promise<Response>) {
  const context = await verify(request);
  if (context instanceof Response) return context;
  const requestMethod = request.method === "HEAD" ? "GET" : request.method;
  if (requestMethod !== method) return refuse(405, "method_not_allowed", { Allow: method });
  return answerRefusals(() => work(context));
}

/** `work`'s answer, or the 400 or 429 its bad input or full rate window is answered with (both storefront surfaces). */
export async function answerRefusals(work: () => Promise<Response>): Promise<Response> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof LoyaltyInputError) return json({ errors: error.errors }, 400);
    if (error instanceof RateLimited) return refuse(429, "rate_limited", { "Retry-After": String(error.retryAfterSeconds) });
    throw error;
  }
}

/** answerProxy for a signed-in shopper only: a guest gets 401 sign_in_required. */
export function answerMember(request: Request, method: "GET" | "POST", work: (context: MemberContext) => Promise<Response>) {
  return answerProxy(request, method, async (context) => {
    const { customerGid } = context;
    if (!customerGid) return refuse(401, "sign_in_required");
    return work({ ...context, customerGid });
  });
}

/** A storefront POST's JSON body checked against `schema`; a body that is not declared JSON is refused as well. */
export function readJsonBody<S extends z.ZodType>(request: Request, schema: S): Promise<z.output<S>> {
  if (!isJsonRequest(request.headers.get("Content-Type"))) {
    throw new LoyaltyInputError([fieldError("", "jsonContentType")]);
  }
  return readInput(request, schema, MAX_PROXY_BODY_BYTES);
}

export { refuse };
