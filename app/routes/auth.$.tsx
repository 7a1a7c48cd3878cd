import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireValidShop } from "../platform/http/shop-domain";
import { authenticate } from "../shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  requireValidShop(request);
  await authenticate.admin(request);
  return null;
};
