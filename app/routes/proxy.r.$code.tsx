// /proxy/r/<code>, the storefront's /apps/comeback/r/<code>: a referral link. GET shows the offer
// (and creates nothing, so link previews cost nothing); POST claims the friend's single-use code.
// Pages are Liquid the App Proxy renders in the shop's theme; a client asking for JSON gets JSON.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "../platform/http/responses";
import { claimReferral } from "../referrals/claims.server";
import { landingLiquid, type Landing } from "../referrals/landing";
import { answerProxy } from "../storefront/proxy.server";

const LINK_CODE = /^[2-9A-Za-z]{8}$/;

const liquid = (landing: Landing, status = 200) =>
  new Response(landingLiquid(landing), {
    status,
    headers: { "Content-Type": "application/liquid; charset=utf-8", "Cache-Control": "no-store" },
  });

const wantsJson = (request: Request) => (request.headers.get("Accept") ?? "").includes("application/json");

export const loader = ({ request, params }: LoaderFunctionArgs) =>
  answerProxy(request, "GET", async ({ spend }) => {
    await spend("read");
    const query = new URL(request.url).searchParams;
    const code = params.code ?? "";
    if (!LINK_CODE.test(code)) return liquid({ kind: "error", error: "unknown_link" }, 404);
    return liquid({ kind: "offer", claimPath: `${query.get("path_prefix") ?? "/apps/comeback"}/r/${code}` });
  });

export const action = ({ request, params }: ActionFunctionArgs) =>
  answerProxy(request, "POST", async ({ shop, customerGid, spend }) => {
    await spend("read");
    const code = params.code ?? "";
    const { status, body } = LINK_CODE.test(code)
      ? await claimReferral(shop, code, customerGid)
      : ({ status: 404, body: { error: "unknown_link" } } as const);
    if (wantsJson(request)) return json(body, status);
    return "error" in body ? liquid({ kind: "error", error: body.error }, status) : liquid({ kind: "code", ...body });
  });
