// GET /app/api/feedback/settings: the survey settings and when surveys were turned on.
// POST: saves the whole settings (app/feedback/settings.ts); 400 with every field error, nothing saved.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "../platform/http/responses";
import { readInput, withShop } from "../loyalty/admin.server";
import { feedbackSettingsSchema } from "../feedback/settings";
import { loadSurveySettings, saveSurveySettings } from "../feedback/surveys.server";

export const loader = ({ request }: LoaderFunctionArgs) =>
  withShop(request, async ({ shop }) => json(await loadSurveySettings(shop)));

export const action = ({ request }: ActionFunctionArgs) =>
  withShop(request, async ({ shop }) => {
    if (request.method !== "POST") return json({ error: "POST only" }, 405);
    return json(await saveSurveySettings(shop, await readInput(request, feedbackSettingsSchema)));
  });
