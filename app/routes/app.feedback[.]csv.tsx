// GET /app/feedback.csv?from&to&preset&q: the period's answers (those whose comment contains q).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { csvResponse } from "../platform/http/responses";
import { dashboardQuery, forShop } from "../metrics/http.server";
import { periodAnswers } from "../feedback/analysis.server";
import { answersCsv } from "../feedback/csv";

export const loader = ({ request }: LoaderFunctionArgs) =>
  forShop(request, async (shop) => {
    const { answers } = await periodAnswers(shop, { ...dashboardQuery(request), q: new URL(request.url).searchParams.get("q") });
    return csvResponse(answersCsv(answers), "feedback.csv");
  });
