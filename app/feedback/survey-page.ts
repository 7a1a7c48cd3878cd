// The small survey page the signed link opens through the App Proxy: plain HTML with a form that
// posts to its own URL, so it works without JavaScript and without logging in. Every text, the
// merchant's and the shopper's own, is escaped.
import { QUESTIONS, SCALES, type Question, type SurveyLanguage, type SurveyTexts } from "./settings";

const PAGE_TEXTS = {
  en: {
    title: "Your feedback",
    order: "Order {order}",
    send: "Send",
    low: { nps: "Not at all likely", csat: "Very dissatisfied", ces: "Very difficult" },
    high: { nps: "Extremely likely", csat: "Very satisfied", ces: "Very easy" },
    change: "You can change your answer until {until}.",
    invalid_link: "This link is not valid.",
    expired_link: "This survey has closed.",
    survey_not_open: "This survey is not open.",
    already_answered: "Thank you, your answer is saved.",
    unknown_survey: "This survey was not found.",
    link_for_another_customer: "This link belongs to another customer.",
    error: "Please answer the questions marked with an error.",
  },
  de: {
    title: "Deine Meinung",
    order: "Bestellung {order}",
    send: "Senden",
    low: { nps: "Überhaupt nicht wahrscheinlich", csat: "Sehr unzufrieden", ces: "Sehr schwierig" },
    high: { nps: "Äußerst wahrscheinlich", csat: "Sehr zufrieden", ces: "Sehr einfach" },
    change: "Du kannst deine Antwort bis {until} ändern.",
    invalid_link: "Dieser Link ist ungültig.",
    expired_link: "Diese Umfrage ist beendet.",
    survey_not_open: "Diese Umfrage ist nicht geöffnet.",
    already_answered: "Vielen Dank, deine Antwort ist gespeichert.",
    unknown_survey: "Diese Umfrage wurde nicht gefunden.",
    link_for_another_customer: "Dieser Link gehört zu einem anderen Kunden.",
    error: "Bitte beantworte die markierten Fragen.",
  },
  fr: {
    title: "Votre avis",
    order: "Commande {order}",
    send: "Envoyer",
    low: { nps: "Pas du tout probable", csat: "Très insatisfait", ces: "Très difficile" },
    high: { nps: "Extrêmement probable", csat: "Très satisfait", ces: "Très facile" },
    change: "Vous pouvez modifier votre réponse jusqu'au {until}.",
    invalid_link: "Ce lien n'est pas valide.",
    expired_link: "Cette enquête est close.",
    survey_not_open: "Cette enquête n'est pas ouverte.",
    already_answered: "Merci, votre réponse est enregistrée.",
    unknown_survey: "Cette enquête est introuvable.",
    link_for_another_customer: "Ce lien appartient à un autre client.",
    error: "Veuillez répondre aux questions signalées.",
  },
  es: {
    title: "Tu opinión",
    order: "Pedido {order}",
    send: "Enviar",
    low: { nps: "Nada probable", csat: "Muy insatisfecho", ces: "Muy difícil" },
    high: { nps: "Muy probable", csat: "Muy satisfecho", ces: "Muy fácil" },
    change: "Puedes cambiar tu respuesta hasta el {until}.",
    invalid_link: "Este enlace no es válido.",
    expired_link: "Esta encuesta está cerrada.",
    survey_not_open: "Esta encuesta no está abierta.",
    already_answered: "Gracias, tu respuesta está guardada.",
    unknown_survey: "No se encontró esta encuesta.",
    link_for_another_customer: "Este enlace pertenece a otro cliente.",
    error: "Responde las preguntas marcadas.",
  },
  fi: {
    title: "Palautteesi",
    order: "Tilaus {order}",
    send: "Lähetä",
    low: { nps: "En lainkaan todennäköisesti", csat: "Erittäin tyytymätön", ces: "Erittäin vaikeaa" },
    high: { nps: "Erittäin todennäköisesti", csat: "Erittäin tyytyväinen", ces: "Erittäin helppoa" },
    change: "Voit muuttaa vastaustasi {until} asti.",
    invalid_link: "Tämä linkki ei ole voimassa.",
    expired_link: "Tämä kysely on päättynyt.",
    survey_not_open: "Tämä kysely ei ole avoinna.",
    already_answered: "Kiitos, vastauksesi on tallennettu.",
    unknown_survey: "Kyselyä ei löytynyt.",
    link_for_another_customer: "Tämä linkki kuuluu toiselle asiakkaalle.",
    error: "Vastaa merkittyihin kysymyksiin.",
  },
} satisfies Record<SurveyLanguage, Record<string, unknown>>;

export type PageMessage =
  "invalid_link" | "expired_link" | "survey_not_open" | "already_answered" | "unknown_survey" | "link_for_another_customer";

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f6f6f7;color:#202223}
main{max-width:40rem;margin:2rem auto;background:#fff;padding:1.5rem;border-radius:.75rem}
fieldset{border:0;padding:0;margin:0 0 1.5rem}legend{font-weight:600;margin-bottom:.5rem}
.scale{display:flex;flex-wrap:wrap;gap:.25rem}.scale label{display:inline-flex;align-items:center;justify-content:center;
min-width:2.5rem;min-height:2.5rem;border:1px solid #8c9196;border-radius:.5rem;cursor:pointer}
.scale input{position:absolute;opacity:0}.scale input:checked+span{font-weight:700}
.scale label:has(input:checked){background:#202223;color:#fff}.scale label:has(input:focus-visible){outline:3px solid #2c6ecb}
.ends{display:flex;justify-content:space-between;font-size:.875rem;color:#4d5156}
textarea{width:100%;box-sizing:border-box;min-height:6rem;font:inherit}
button{font:inherit;padding:.6rem 1.4rem;border:0;border-radius:.5rem;background:#202223;color:#fff;cursor:pointer}
.error{color:#b3261e}`;

function page(language: SurveyLanguage, title: string, body: string): string {
  return `<!doctype html><html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

/** A page with only a message: a refused link, a closed survey, the thanks. */
export function messagePage(language: SurveyLanguage, message: PageMessage | { text: string }): string {
  const texts = PAGE_TEXTS[language];
  const text = typeof message === "string" ? texts[message] : message.text;
  return page(language, texts.title, `<h1>${escapeHtml(texts.title)}</h1><p role="status">${escapeHtml(text)}</p>`);
}

export interface SurveyForm {
  language: SurveyLanguage;
  texts: SurveyTexts;
  questions: Record<Question, boolean>;
  orderName: string | null;
  /** What is filled in: the answer being changed, or what was just sent with an error. */
  values: Partial<Record<Question, number | string | null>> & { comment?: string | null };
  /** Fields refused by the last post. */
  errors: string[];
  /** Set after an answer was saved: the thanks, and until when it can be changed (already formatted). */
  saved: { changeUntil: string } | null;
}

export function surveyPage(form: SurveyForm): string {
  const t = PAGE_TEXTS[form.language];
  const parts: string[] = [`<h1>${escapeHtml(t.title)}</h1>`];
  if (form.orderName) parts.push(`<p>${escapeHtml(t.order.replace("{order}", form.orderName))}</p>`);
  if (form.saved) {
    parts.push(
      `<p role="status"><strong>${escapeHtml(form.texts.thanks)}</strong> ${escapeHtml(t.change.replace("{until}", form.saved.changeUntil))}</p>`,
    );
  }
  if (form.errors.length) parts.push(`<p class="error" role="alert">${escapeHtml(t.error)}</p>`);
  parts.push(`<form method="post">`);
  for (const question of QUESTIONS) {
    if (!form.questions[question]) continue;
    const { min, max } = SCALES[question];
    const invalid = form.errors.includes(question);
    const options: string[] = [];
    for (let score = min; score <= max; score++) {
      const checked = String(form.values[question] ?? "") === String(score) ? " checked" : "";
      options.push(
        `<label><input type="radio" name="${question}" value="${score}" required${checked}><span>${score}</span></label>`,
      );
    }
    parts.push(
      `<fieldset${invalid ? ' aria-invalid="true"' : ""}><legend>${escapeHtml(form.texts[question])}</legend>` +
        (invalid ? `<p class="error">${escapeHtml(t.error)}</p>` : "") +
        `<div class="scale">${options.join("")}</div>` +
        `<div class="ends"><span>${escapeHtml(t.low[question])}</span><span>${escapeHtml(t.high[question])}</span></div></fieldset>`,
    );
  }
  parts.push(
    `<p><label for="comment"><strong>${escapeHtml(form.texts.why)}</strong></label></p>` +
      `<textarea id="comment" name="comment" maxlength="2000">${escapeHtml(form.values.comment ?? "")}</textarea>` +
      `<p><button type="submit">${escapeHtml(t.send)}</button></p></form>`,
  );
  return page(form.language, t.title, parts.join(""));
}
