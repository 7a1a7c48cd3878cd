// The merchant's survey settings: which questions, when a survey is due, how long its link lasts,
// optional points, and the texts in the shop's languages (defaults in the five storefront
// languages). Pure: checked with zod, stored as JSON on FeedbackSettings.
import { z } from "zod";

export const SURVEY_LANGUAGES = ["en", "de", "fr", "es", "fi"] as const;
export type SurveyLanguage = (typeof SURVEY_LANGUAGES)[number];

export const QUESTIONS = ["nps", "csat", "ces"] as const;
export type Question = (typeof QUESTIONS)[number];

/** The scale of each question: NPS 0-10, CSAT 1-5, CES 1-7. */
export const SCALES: Record<Question, { min: number; max: number }> = {
  nps: { min: 0, max: 10 },
  csat: { min: 1, max: 5 },
  ces: { min: 1, max: 7 },
};

export const TEXT_KEYS = ["nps", "why", "csat", "ces", "prompt", "thanks"] as const;
export type TextKey = (typeof TEXT_KEYS)[number];
export type SurveyTexts = Record<TextKey, string>;

export const DEFAULT_TEXTS: Record<SurveyLanguage, SurveyTexts> = {
  en: {
    nps: "How likely are you to recommend us to a friend?",
    why: "Why?",
    csat: "How satisfied are you with your order?",
    ces: "How easy was it to shop with us?",
    prompt: "Tell us how your order went",
    thanks: "Thank you for your answer!",
  },
  de: {
    nps: "Wie wahrscheinlich ist es, dass du uns weiterempfiehlst?",
    why: "Warum?",
    csat: "Wie zufrieden bist du mit deiner Bestellung?",
    ces: "Wie einfach war dein Einkauf bei uns?",
    prompt: "Wie war deine Bestellung?",
    thanks: "Vielen Dank für deine Antwort!",
  },
  fr: {
    nps: "Quelle est la probabilité que vous nous recommandiez à un ami ?",
    why: "Pourquoi ?",
    csat: "Êtes-vous satisfait de votre commande ?",
    ces: "Était-il facile d'acheter chez nous ?",
    prompt: "Parlez-nous de votre commande",
    thanks: "Merci pour votre réponse !",
  },
  es: {
    nps: "¿Qué probabilidad hay de que nos recomiendes a un amigo?",
    why: "¿Por qué?",
    csat: "¿Qué tan satisfecho estás con tu pedido?",
    ces: "¿Qué tan fácil fue comprar con nosotros?",
    prompt: "Cuéntanos cómo fue tu pedido",
    thanks: "¡Gracias por tu respuesta!",
  },
  fi: {
    nps: "Kuinka todennäköisesti suosittelisit meitä ystävällesi?",
    why: "Miksi?",
    csat: "Kuinka tyytyväinen olet tilaukseesi?",
    ces: "Kuinka helppoa ostaminen meiltä oli?",
    prompt: "Kerro meille, miten tilauksesi onnistui",
    thanks: "Kiitos vastauksestasi!",
  },
};

const text = z.string().trim().min(1, "must not be empty").max(300, "must be at most 300 characters");

export const feedbackSettingsSchema = z.object({
  enabled: z.boolean(),
  questions: z
    .object({ nps: z.boolean(), csat: z.boolean(), ces: z.boolean() })
    .refine((questions) => QUESTIONS.some((question) => questions[question]), "must ask at least one question"),
  /** "fulfillment": N days after the order's first fulfilment; "order": N days after it was placed. */
  trigger: z.enum(["fulfillment", "order"]),
  delayDays: z.number().int("must be a whole number").min(0).max(90),
  /** How long a survey (and its signed link) stays open after it is due. */
  openDays: z.number().int("must be a whole number").min(1).max(90),
  /** Points for the first answer to an order's survey, through the loyalty ledger; 0: none. */
  points: z.number().int("must be a whole number").min(0).max(100_000),
  /** The merchant's own wording per language; a text left out falls back to the default. */
  texts: z.partialRecord(z.enum(SURVEY_LANGUAGES), z.partialRecord(z.enum(TEXT_KEYS), text)),
});
export type FeedbackSettings = z.output<typeof feedbackSettingsSchema>;

export const DEFAULT_SETTINGS: FeedbackSettings = {
  enabled: false,
  questions: { nps: true, csat: false, ces: false },
  trigger: "fulfillment",
  delayDays: 7,
  openDays: 30,
  points: 0,
  texts: {},
};

/** A stored settings text: unknown or missing fields take their defaults (settings saved by an older version). */
export function settingsFromJson(json: string | null | undefined): FeedbackSettings {
  if (!json) return DEFAULT_SETTINGS;
  const parsed = feedbackSettingsSchema.safeParse({ ...DEFAULT_SETTINGS, ...JSON.parse(json) });
  return parsed.success ? parsed.data : DEFAULT_SETTINGS;
}

/** The texts a shopper sees in `language`: the merchant's where given, else the defaults. */
export function textsFor(settings: FeedbackSettings, language: SurveyLanguage): SurveyTexts {
  return { ...DEFAULT_TEXTS[language], ...settings.texts[language] };
}

/** The first of the survey languages a request asks for (`lang`, then Accept-Language), else English. */
export function surveyLanguage(requested: string | null | undefined, acceptLanguage: string | null | undefined): SurveyLanguage {
  const candidates = [requested ?? "", ...(acceptLanguage ?? "").split(",").map((part) => part.split(";")[0])];
  for (const candidate of candidates) {
    const base = candidate.trim().toLowerCase().slice(0, 2);
    if ((SURVEY_LANGUAGES as readonly string[]).includes(base)) return base as SurveyLanguage;
  }
  return "en";
}

/** The answer a shopper sends: every question asked must be answered; the comment is optional. */
export function answerSchema(settings: FeedbackSettings) {
  const score = (question: Question) => {
    const { min, max } = SCALES[question];
    const message = `must be a whole number from ${min} to ${max}`;
    // A form sends text; an empty field is no answer (coercing it would read as 0).
    const field = z.preprocess(
      (value) => (value === "" || value === null ? undefined : value),
      z.coerce.number({ error: message }).int(message).min(min, message).max(max, message),
    );
    return settings.questions[question]
      ? field
      : z
          .unknown()
          .optional()
          .transform(() => null);
  };
  return z.object({
    nps: score("nps"),
    csat: score("csat"),
    ces: score("ces"),
    // Stored as given (rendered escaped everywhere); an empty comment is no comment.
    comment: z
      .string()
      .max(2000, "must be at most 2000 characters")
      .nullish()
      .transform((comment) => (comment && comment.trim() ? comment : null)),
  });
}
export type SurveyAnswer = z.output<ReturnType<typeof answerSchema>>;
