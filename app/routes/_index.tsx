import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { demoShop } from "../demo/mode.server";

// Shopify opens the app with ?shop=...; the local demo has no Shopify, so it goes straight in.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  if (url.searchParams.get("shop") || demoShop()) throw redirect(`/app?${url.searchParams.toString()}`);
  throw redirect("/auth/login");
};
