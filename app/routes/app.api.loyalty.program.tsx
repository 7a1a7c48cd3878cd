// GET /app/api/loyalty/program: settings, rule versions, tiers and rewards.
// POST: saves what the body names (see programInput); 400 with every field error, nothing saved.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "../platform/http/responses";
import { programInput, programView, readInput, saveProgram, withShop } from "../loyalty/admin.server";

export const loader = ({ request }: LoaderFunctionArgs) => withShop(request, async ({ shop }) => json(await programView(shop)));

export const action = ({ request }: ActionFunctionArgs) =>
  withShop(request, async ({ shop }) => {
    if (request.method !== "POST") return json({ error: "POST only" }, 405);
    return json(await saveProgram(shop, await readInput(request, programInput)));
  });
