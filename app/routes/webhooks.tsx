// Every webhook topic, the compliance topics included, is delivered here (shopify.app.toml).
import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "../sync/webhooks.server";

export const action = ({ request }: ActionFunctionArgs) => receiveWebhook(request);

export const loader = () => new Response("webhooks are POST requests", { status: 405 });
