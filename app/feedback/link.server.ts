// The survey links' key, derived from the app's secret (versioned, like the redaction digests'):
// rotating the secret ends every link made before, which then answers "invalid link".
import { createHmac } from "node:crypto";
import { requiredEnv } from "../platform/env.server";
import { signLink, surveyUrl, verifyLink, type SurveyLink } from "./link";

let key: Buffer | undefined;

function linkKey(): Buffer {
  key ??= createHmac("sha256", requiredEnv("SHOPIFY_API_SECRET")).update("comeback/survey-link/v1").digest();
  return key;
}

export const signedSurveyUrl = (link: SurveyLink) => surveyUrl(link.shop, signLink(linkKey(), link));

export const verifySurveyLink = (shop: string, token: string | null | undefined, now: Date) =>
  verifyLink(linkKey(), shop, token, now);
