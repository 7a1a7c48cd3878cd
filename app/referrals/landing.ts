// The page a friend lands on from a referral link, as Liquid for Shopify's App Proxy to render in
// the shop's theme (Content-Type application/liquid), in the storefront's five languages chosen by
// Liquid from the shopper's locale. Opening it does nothing: a link preview (a chat app, a mail
// scanner) must not create codes. The friend's button posts back, under the language's path
// (/de/apps/...), and gets their code.

type Lang = "en" | "de" | "fr" | "es" | "fi";
type Texts = Record<Lang, string>;

const TEXTS = {
  title: {
    en: "A friend invited you",
    de: "Eine Freundin oder ein Freund hat dich eingeladen",
    fr: "Un ami vous a invité",
    es: "Un amigo te ha invitado",
    fi: "Ystäväsi kutsui sinut",
  },
  offer: {
    en: "Get a welcome discount on your first order.",
    de: "Hol dir einen Willkommensrabatt auf deine erste Bestellung.",
    fr: "Profitez d'une remise de bienvenue sur votre première commande.",
    es: "Consigue un descuento de bienvenida en tu primer pedido.",
    fi: "Saat tervetuliaisalennuksen ensimmäisestä tilauksestasi.",
  },
  claim: { en: "Get my code", de: "Code holen", fr: "Obtenir mon code", es: "Obtener mi código", fi: "Hae koodini" },
  yourCode: { en: "Your code", de: "Dein Code", fr: "Votre code", es: "Tu código", fi: "Koodisi" },
  useIt: {
    en: "It is applied in this browser. In another browser or on another device, enter it at checkout.",
    de: "Er gilt in diesem Browser schon. In einem anderen Browser oder auf einem anderen Gerät gib ihn an der Kasse ein.",
    fr: "Il est appliqué dans ce navigateur. Sur un autre navigateur ou appareil, saisissez-le au paiement.",
    es: "Ya se aplica en este navegador. En otro navegador o dispositivo, introdúcelo al pagar.",
    fi: "Se on käytössä tässä selaimessa. Toisessa selaimessa tai laitteessa syötä se kassalla.",
  },
  shop: { en: "Shop now", de: "Jetzt einkaufen", fr: "Acheter maintenant", es: "Comprar ahora", fi: "Ostoksille" },
  unknown_link: {
    en: "This invitation link is not valid.",
    de: "Dieser Einladungslink ist ungültig.",
    fr: "Ce lien d'invitation n'est pas valide.",
    es: "Este enlace de invitación no es válido.",
    fi: "Tämä kutsulinkki ei ole voimassa.",
  },
  program_not_running: {
    en: "Invitations are not available at the moment.",
    de: "Einladungen sind gerade nicht verfügbar.",
    fr: "Les invitations ne sont pas disponibles pour le moment.",
    es: "Las invitaciones no están disponibles en este momento.",
    fi: "Kutsut eivät ole juuri nyt käytettävissä.",
  },
  own_link: {
    en: "This is your own invitation link: share it with friends.",
    de: "Das ist dein eigener Einladungslink: teile ihn mit Freunden.",
    fr: "C'est votre propre lien d'invitation : partagez-le avec vos amis.",
    es: "Este es tu propio enlace de invitación: compártelo con tus amigos.",
    fi: "Tämä on oma kutsulinkkisi: jaa se ystävillesi.",
  },
  link_paused: {
    en: "This invitation link has been used too often today. Please try again tomorrow.",
    de: "Dieser Einladungslink wurde heute zu oft genutzt. Bitte versuche es morgen wieder.",
    fr: "Ce lien d'invitation a été trop utilisé aujourd'hui. Réessayez demain.",
    es: "Este enlace de invitación se ha usado demasiado hoy. Inténtalo de nuevo mañana.",
    fi: "Tätä kutsulinkkiä on käytetty tänään liian usein. Yritä huomenna uudelleen.",
  },
  code_not_created: {
    en: "Your code could not be created. Please try again.",
    de: "Dein Code konnte nicht erstellt werden. Bitte versuche es noch einmal.",
    fr: "Votre code n'a pas pu être créé. Veuillez réessayer.",
    es: "No se pudo crear tu código. Inténtalo de nuevo.",
    fi: "Koodiasi ei voitu luoda. Yritä uudelleen.",
  },
} satisfies Record<string, Texts>;

export type LandingError = "unknown_link" | "program_not_running" | "own_link" | "link_paused" | "code_not_created";

/** Liquid picking the shopper's language (English when it is none of the five). */
function say(texts: Texts): string {
  const other = (["de", "fr", "es", "fi"] as const).map((lang) => `{% when '${lang}' %}${escapeHtml(texts[lang])}`).join("");
  return `{% case comeback_lang %}${other}{% else %}${escapeHtml(texts.en)}{% endcase %}`;
}

/** Text for HTML and Liquid: markup and Liquid's delimiters are escaped. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;")
    .replaceAll("{", "&#123;")
    .replaceAll("}", "&#125;");
}

export type Landing =
  | { kind: "offer"; claimPath: string }
  | { kind: "code"; code: string; discountPath: string }
  | { kind: "error"; error: LandingError };

export function landingLiquid(landing: Landing): string {
  let body: string;
  if (landing.kind === "offer") {
    body = `<p>${say(TEXTS.offer)}</p>
<form method="post" action="{% unless routes.root_url == '/' %}{{ routes.root_url }}{% endunless %}${escapeHtml(landing.claimPath)}"><button type="submit" class="button">${say(TEXTS.claim)}</button></form>`;
  } else if (landing.kind === "code") {
    body = `<p>${say(TEXTS.yourCode)}: <strong data-comeback-code>${escapeHtml(landing.code)}</strong></p>
<p>${say(TEXTS.useIt)}</p>
<p><a class="button" href="${escapeHtml(landing.discountPath)}">${say(TEXTS.shop)}</a></p>`;
  } else {
    body = `<p role="alert">${say(TEXTS[landing.error])}</p>`;
  }
  return `{% assign comeback_lang = request.locale.iso_code | slice: 0, 2 %}
<div class="page-width comeback-referral" style="padding:3rem 1rem;max-width:36rem">
<h1>${say(TEXTS.title)}</h1>
${body}
</div>`;
}
