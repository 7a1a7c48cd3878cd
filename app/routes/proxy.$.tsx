// Any other /proxy/... path: verified like the others, then 404.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { answerProxy, refuse } from "../storefront/proxy.server";

const answer = ({ request }: LoaderFunctionArgs) =>
  answerProxy(request, request.method === "POST" ? "POST" : "GET", async () => refuse(404, "not_found"));

export const loader = answer;
export const action = answer;
