// @ts-check
// Comeback referrals on the storefront: the member's "invite friends" section in the rewards panel,
// with their link and ways to share it (copy, e-mail, WhatsApp, the phone's own share sheet). Its
// own asset, which the panel script loads the first time the panel opens for a signed-in shopper
// (decision 31), so guests and shoppers who never open the panel download none of it. The panel
// calls window.comebackReferral after each render, which appends the section again.

/**
 * GET /apps/comeback/referral (docs/referrals.md), the fields read here.
 * @typedef {{ path: string, referred: number, waiting: number, currency: string, currencyDigits: number,
 *   referrerReward: { kind: "points", points: number } | { kind: "discount_code" | "store_credit", value: string },
 *   friend: { kind: "fixed_amount", value: string } | { kind: "percentage", percent: number } }} Share
 */
(() => {
  const root = /** @type {HTMLElement | null} */ (document.querySelector("[data-comeback-embed]"));
  const strings = /** @type {HTMLElement | null} */ (document.querySelector("[data-comeback-referral-strings]"))?.dataset;
  if (!root || !strings) return;
  const { proxy, locale } = root.dataset;
  const say = (/** @type {string} */ key, /** @type {Record<string, string | number>} */ values = {}) =>
    (strings[key] ?? "").replace(/\{(\w+)\}/g, (_, name) => String(values[name]));
  /**
   * @param {string} tag
   * @param {Record<string, any> | null} props
   * @param {...(Node | string | false | null | undefined)} children
   */
  const h = (tag, props, ...children) => {
    const node = Object.assign(document.createElement(tag), props);
    node.append(.../** @type {(Node | string)[]} */ (children.filter(Boolean)));
    return node;
  };
  /** @type {Share | null} */
  let share = null;

  /** A minor-unit amount as the shopper's locale writes it: "$10.00". */
  const money = (/** @type {Share} */ { currency, currencyDigits }, /** @type {string} */ minor) =>
    new Intl.NumberFormat(locale, { style: "currency", currency }).format(Number(minor) / 10 ** currencyDigits);

  /** The friend's discount: "10 %" or "$10.00". */
  const discount = (/** @type {Share} */ data) =>
    data.friend.kind === "percentage"
      ? new Intl.NumberFormat(locale, { style: "percent" }).format(data.friend.percent / 100)
      : money(data, data.friend.value);

  /** What the member is offered and what they get: points, a discount code or store credit (decision 31). */
  const intro = (/** @type {Share} */ data, /** @type {string} */ offer) => {
    const reward = data.referrerReward;
    if (reward.kind === "points") return say("intro", { discount: offer, points: reward.points });
    const values = { discount: offer, amount: money(data, reward.value) };
    return reward.kind === "store_credit" ? say("intro_credit", values) : say("intro_code", values);
  };

  /** @param {Share} data */
  function section(data) {
    const url = location.origin + data.path;
    const offer = discount(data);
    const message = say("message", { discount: offer, url });
    const status = /** @type {HTMLElement | null} */ (root?.querySelector("[data-comeback-status]"));
    const copy = () =>
      navigator.clipboard?.writeText(url).then(
        () => status && (status.textContent = say("copied")),
        () => {},
      );
    return h(
      "section",
      { className: "comeback-section comeback-referral" },
      h("h3", null, say("heading")),
      h("p", null, intro(data, offer)),
      h("label", { htmlFor: "comeback-referral-link" }, say("link")),
      h("input", { id: "comeback-referral-link", className: "comeback-referral__link", readOnly: true, value: url }),
      h(
        "p",
        { className: "comeback-join__actions" },
        h("button", { type: "button", className: "comeback-button", onclick: copy }, say("copy")),
        h(
          "a",
          {
            className: "comeback-link",
            href: `mailto:?subject=${encodeURIComponent(say("subject"))}&body=${encodeURIComponent(message)}`,
          },
          say("email"),
        ),
        h(
          "a",
          {
            className: "comeback-link",
            href: `https://wa.me/?text=${encodeURIComponent(message)}`,
            target: "_blank",
            rel: "noopener",
          },
          say("whatsapp"),
        ),
        "share" in navigator &&
          h(
            "button",
            { type: "button", className: "comeback-link", onclick: () => navigator.share({ text: message }).catch(() => {}) },
            say("share"),
          ),
      ),
      (data.referred > 0 || data.waiting > 0) && h("p", null, say("stats", { referred: data.referred, waiting: data.waiting })),
    );
  }

  /** Appends the section to the panel's body (again after each render), fetching the link once. */
  async function show() {
    const body = root?.querySelector("[data-comeback-body]");
    if (!body) return;
    if (!share) {
      const response = await fetch(`${proxy}/referral`, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      }).catch(() => null);
      // Referrals off, or the shopper held out: no section.
      if (response?.status !== 200) return;
      share = await response.json();
    }
    body.querySelector(".comeback-referral")?.remove();
    body.append(section(/** @type {Share} */ (share)));
  }
  /** @type {any} */ (window).comebackReferral = show;
  show();
})();
