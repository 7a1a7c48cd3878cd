// The retention page became the dashboard; old links (with their period) land there.
import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { requireShop } from "../auth.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await requireShop(request);
  return redirect(`/app${new URL(request.url).search}`);
};
