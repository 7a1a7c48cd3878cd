// Every request of the customer account UI extension (extensions/comeback-account) goes through
// answerAccount: it must carry a customer account session token, a JWT Shopify signs with the
// app's secret, which authenticate.public.customerAccount verifies (signature, exp, nbf). The
// library leaves the audience unchecked for these tokens, so it is checked here: `aud` must be
// this app's API key, `dest` a shop that has the app installed, `sub` a customer GID. The app
// then acts for that shop and that customer only; nothing in a query or body names whose points
// are read or spent. The work is the App Proxy's (docs/storefront.md), with its rate limits and
// idempotency keys. Answers are JSON, never cached, with CORS headers on every one (errors too),
// because the extension runs on another origin (extensions.shopifycdn.com) and sends a bearer
// token: `*` is safe with no cookies involved.
import db from "../platform/db/client.server";
import { requiredEnv } from "../platform/env.server";
import { isShopDomain } from "../platform/http/shop-domain";
import { authenticate } from "../shopify.server";
import { answerRefusals, refuse, type MemberContext } from "./proxy.server";
import { spendRequest } from "./rate-limit.server";

const CUSTOMER_GID = /^gid:\/\/shopify\/Customer\/[1-9]\d{0,19}$/;
const API_KEY = requiredEnv("SHOPIFY_API_KEY");

function withCors(response: Response): Response {
  response.headers.set("Access-Control-Allow-Origin", "*");
  response.headers.set("Access-Control-Allow-Headers", "Authorization, Content-Type");
  response.headers.set("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
  response.headers.set("Access-Control-Max-Age", "7200");
  return response;
}

/** The shop of a token's `dest`: Shopify writes the bare domain for customer accounts, a URL for the admin. */
function destShop(dest: unknown): string | null {
  if (typeof dest !== "string") return null;
  const domain = dest.replace(/^https:\/\//, "");
  return isShopDomain(domain) ? domain.toLowerCase() : null;
}

/** The shop and customer of a verified token, or the answer that refuses the request. */
async function verify(request: Request): Promise<Omit<MemberContext, "spend"> | Response> {
  let payload;
  try {
    ({ sessionToken: payload } = await authenticate.public.customerAccount(request));
  } catch (error) {
    if (!(error instanceof Response)) throw error;
    // The library turns away a self-declared bot with 410; anything else is a missing or bad token.
    if (error.status === 410) return new Response(null, { status: 410 });
    return refuse(401, "invalid_token");
  }
  if (payload.aud !== API_KEY) return refuse(401, "invalid_token");
  const shop = destShop(payload.dest);
  if (!shop) return refuse(401, "invalid_token");
  if (typeof payload.sub !== "string" || !CUSTOMER_GID.test(payload.sub)) return refuse(401, "sign_in_required");
  const installed = await db.shop.findUnique({ where: { domain: shop }, select: { installState: true } });
  if (installed?.installState !== "installed") return refuse(404, "unknown_shop");
  return { shop, customerGid: payload.sub };
}

/** Answers an extension request of `method` with `work` for the token's shop and customer. */
export async function answerAccount(
  request: Request,
  method: "GET" | "POST",
  work: (context: MemberContext) => Promise<Response>,
): Promise<Response> {
  if (request.method === "OPTIONS") return withCors(new Response(null, { status: 204 }));
  const context = await verify(request);
  if (context instanceof Response) return withCors(context);
  const requestMethod = request.method === "HEAD" ? "GET" : request.method;
  if (requestMethod !== method) return withCors(refuse(405, "method_not_allowed", { Allow: method }));
  const { shop, customerGid } = context;
  const answer = await answerRefusals(() =>
    work({ shop, customerGid, spend: (action) => spendRequest(shop, customerGid, action) }),
  );
  return withCors(answer);
}
